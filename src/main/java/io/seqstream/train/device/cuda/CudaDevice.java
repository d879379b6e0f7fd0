package io.seqstream.train.device.cuda;

import io.seqstream.model.CellType;
import io.seqstream.train.device.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * {@link Device} on an NVIDIA GPU through the host's CUDA libraries, bound with the JDK's foreign linker: the driver
 * API (libcuda.so.1) for memory, copies and launches, cuBLAS for GEMM and NVRTC to compile kernels.cu for the
 * GPU's compute capability when the device opens. Everything runs in order on the default stream of the device's
 * primary context; a download waits for it. {@code SEQSTREAM_CUDA_DEVICE} picks the GPU (default 0).
 */
public final class CudaDevice implements Device {
    private static final int THREADS = 256;
    private static final int MAX_ARGS = 12;
    private static final String[] KERNELS = {"fill_f", "add_f", "scale_f", "broadcast_rows", "gather_rows",
        "scatter_add_rows", "add_column_sums", "rnn_forward", "lstm_forward", "gru_forward", "rnn_backward",
        "lstm_backward", "gru_backward", "softmax_rows", "cross_entropy_gradient"};

    private final CudaDriver driver;
    private final Cublas cublas;
    private final int device;
    private final MemoryAddress context;
    private final MemoryAddress module;
    private final Map<String, MemoryAddress> functions = new HashMap<>();
    private final String description;
    private final ResourceScope scope = ResourceScope.newSharedScope();
    /** Argument values of one launch (8 bytes a slot) and the pointers to them that cuLaunchKernel reads. */
    private final MemorySegment argValues;
    private final MemorySegment argPointers;
    private final Set<DeviceMemory> live = new LinkedHashSet<>();
    private MemoryAddress staging = MemoryAddress.NULL;
    private MemorySegment stagingSegment;
    private long stagingBytes;
    private boolean closed;

    private CudaDevice(CudaDriver driver, int device, MemoryAddress context, Cublas cublas, MemoryAddress module,
                       String description) {
        this.driver = driver;
        this.device = device;
        this.context = context;
        this.cublas = cublas;
        this.module = module;
        this.description = description;
        for (String k : KERNELS) functions.put(k, driver.function(module, k));
        argValues = MemorySegment.allocateNative(8L * MAX_ARGS, 8, scope);
        argPointers = MemorySegment.allocateNative(8L * MAX_ARGS, 8, scope);
        for (int i = 0; i < MAX_ARGS; i++) {
            MemoryAccess.setAddressAtOffset(argPointers, 8L * i, argValues.address().addOffset(8L * i));
        }
    }

    /**
     * Opens the GPU: finds the libraries, creates the context, compiles the kernels.
     *
     * @throws CudaUnavailableException with the reason when any of that is not possible here
     */
    public static CudaDevice open() {
        CudaDriver driver = new CudaDriver();
        try {
            driver.init();
        } catch (CudaException e) {
            throw new CudaUnavailableException("the NVIDIA driver (" + driver.library() + ") found no usable GPU: " + e.getMessage());
        }
        int count = driver.deviceCount();
        if (count == 0) throw new CudaUnavailableException("the NVIDIA driver reports no GPU");
        int ordinal = ordinal(count);
        int device = driver.device(ordinal);
        int major = driver.attribute(device, CudaDriver.ATTRIBUTE_CC_MAJOR);
        int minor = driver.attribute(device, CudaDriver.ATTRIBUTE_CC_MINOR);
        MemoryAddress context = driver.retainPrimaryContext(device);
        driver.setCurrent(context);
        try {
            Nvrtc nvrtc = new Nvrtc();
            MemoryAddress module;
            try (ResourceScope compileScope = ResourceScope.newConfinedScope()) {
                module = driver.loadModule(nvrtc.compile(source(), "kernels.cu", major, minor, compileScope));
            }
            Cublas cublas = new Cublas();
            int v = driver.driverVersion();
            String description = String.format(Locale.ROOT,
                    "%s (GPU %d, compute capability %d.%d, %.1f GiB; driver CUDA %d.%d, %s %s, %s %d)",
                    driver.deviceName(device), ordinal, major, minor, driver.totalMemory(device) / (double) (1L << 30),
                    v / 1000, (v % 1000) / 10, nvrtc.library(), nvrtc.version(), cublas.library(), cublas.version());
            return new CudaDevice(driver, device, context, cublas, module, description);
        } catch (RuntimeException e) {
            // A missing cuBLAS or NVRTC, or kernels that do not compile: give the context back, then say why.
            driver.releasePrimaryContext(device);
            throw e instanceof CudaException ? new CudaUnavailableException(e.getMessage()) : e;
        }
    }

    private static int ordinal(int count) {
        String s = System.getenv("SEQSTREAM_CUDA_DEVICE");
        if (s == null || s.isBlank()) return 0;
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 0 && n < count) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CudaUnavailableException("SEQSTREAM_CUDA_DEVICE is '" + s + "', expected a GPU number 0.." + (count - 1));
    }

    /** The kernels' CUDA C source, from the class path. */
    static String source() {
        try (InputStream in = CudaDevice.class.getResourceAsStream("kernels.cu")) {
            if (in == null) throw new IllegalStateException("kernels.cu is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String description() { return description; }

    @Override
    public void attach() { driver.setCurrent(context); }

    private record DeviceMemory(long pointer, int length) implements Floats, Ints {
    }

    private static long p(Floats x, int off) { return ((DeviceMemory) x).pointer() + 4L * off; }

    private static long p(Ints x, int off) { return ((DeviceMemory) x).pointer() + 4L * off; }

    private DeviceMemory allocate(int n) {
        long bytes = 4L * Math.max(1, n);
        long ptr = driver.alloc(bytes);
        DeviceMemory m = new DeviceMemory(ptr, n);
        live.add(m);
        launch("fill_f", Math.max(1, n), ptr, Math.max(1, n), 0f);
        return m;
    }

    @Override
    public Floats floats(int n) { return allocate(n); }

    @Override
    public Ints ints(int n) { return allocate(n); }

    @Override
    public void free(Floats x) { release((DeviceMemory) x); }

    @Override
    public void free(Ints x) { release((DeviceMemory) x); }

    private void release(DeviceMemory m) {
        if (live.remove(m)) driver.free(m.pointer());
    }

    private MemorySegment staging(long bytes) {
        if (bytes > stagingBytes) {
            if (!staging.equals(MemoryAddress.NULL)) driver.freeHost(staging);
            long size = Math.max(bytes, 2 * stagingBytes);
            staging = driver.allocHost(size);
            stagingSegment = staging.asSegment(size, scope);
            stagingBytes = size;
        }
        return stagingSegment;
    }

    @Override
    public void upload(float[] src, int srcOff, Floats dst, int dstOff, int n) {
        if (n == 0) return;
        MemorySegment s = staging(4L * n);
        s.asSlice(0, 4L * n).copyFrom(MemorySegment.ofArray(src).asSlice(4L * srcOff, 4L * n));
        driver.copyToDevice(p(dst, dstOff), staging, 4L * n);
    }

    @Override
    public void upload(int[] src, int srcOff, Ints dst, int dstOff, int n) {
        if (n == 0) return;
        MemorySegment s = staging(4L * n);
        s.asSlice(0, 4L * n).copyFrom(MemorySegment.ofArray(src).asSlice(4L * srcOff, 4L * n));
        driver.copyToDevice(p(dst, dstOff), staging, 4L * n);
    }

    @Override
    public void download(Floats src, int srcOff, float[] dst, int dstOff, int n) {
        if (n == 0) return;
        MemorySegment s = staging(4L * n);
        driver.copyToHost(staging, p(src, srcOff), 4L * n);
        MemorySegment.ofArray(dst).asSlice(4L * dstOff, 4L * n).copyFrom(s.asSlice(0, 4L * n));
    }

    /** A 1-D launch over n threads; arguments are long (pointers), int or float. */
    private void launch(String kernel, long n, Object... args) {
        if (n <= 0) return;
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            long off = 8L * i;
            if (a instanceof Long l) MemoryAccess.setLongAtOffset(argValues, off, l);
            else if (a instanceof Integer v) MemoryAccess.setIntAtOffset(argValues, off, v);
            else if (a instanceof Float f) MemoryAccess.setFloatAtOffset(argValues, off, f);
            else throw new IllegalArgumentException("kernel argument " + a);
        }
        long blocks = (n + THREADS - 1) / THREADS;
        if (blocks > Integer.MAX_VALUE) throw new IllegalArgumentException(kernel + ": " + n + " threads");
        driver.launch(functions.get(kernel), kernel, (int) blocks, THREADS, argPointers.address());
    }

    @Override
    public void fill(Floats x, int off, int n, float value) { launch("fill_f", n, p(x, off), n, value); }

    @Override
    public void copy(Floats src, int srcOff, Floats dst, int dstOff, int n) {
        if (n > 0) driver.copyOnDevice(p(dst, dstOff), p(src, srcOff), 4L * n);
    }

    @Override
    public void add(Floats a, int aOff, Floats b, int bOff, Floats dst, int dstOff, int n) {
        launch("add_f", n, p(a, aOff), p(b, bOff), p(dst, dstOff), n);
    }

    @Override
    public void scale(Floats x, int off, int n, float s) { launch("scale_f", n, p(x, off), n, s); }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, Floats a, int aOff, Floats b, int bOff,
                     float beta, Floats c, int cOff) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scaleOrZero(c, cOff, m * n, beta);
            return;
        }
        cublas.gemm(transA, transB, m, n, k, p(a, aOff), p(b, bOff), beta, p(c, cOff));
    }

    private void scaleOrZero(Floats c, int off, int n, float beta) {
        if (beta == 0f) fill(c, off, n, 0f);
        else if (beta != 1f) scale(c, off, n, beta);
    }

    @Override
    public void broadcastRows(Floats src, int srcOff, Floats dst, int dstOff, int m, int n) {
        launch("broadcast_rows", (long) m * n, p(src, srcOff), p(dst, dstOff), m, n);
    }

    @Override
    public void gatherRows(Floats table, int tableOff, Ints idx, int idxOff, int m, int n, Floats dst, int dstOff,
                           boolean accumulate) {
        launch("gather_rows", (long) m * n, p(table, tableOff), p(idx, idxOff), m, n, p(dst, dstOff), accumulate ? 1 : 0);
    }

    @Override
    public void scatterAddRows(Floats src, int srcOff, Ints idx, int idxOff, int m, int n, Floats table, int tableOff) {
        launch("scatter_add_rows", (long) m * n, p(src, srcOff), p(idx, idxOff), m, n, p(table, tableOff));
    }

    @Override
    public void addColumnSums(Floats src, int srcOff, int m, int n, Floats dst, int dstOff) {
        launch("add_column_sums", n, p(src, srcOff), m, n, p(dst, dstOff));
    }

    @Override
    public void cellForward(CellType cell, int m, int h, Floats act, int actOff, Floats hh, int hhOff,
                            Floats hPrev, int hpOff, Floats cPrev, int cpOff, Floats hOut, int hOff, Floats cOut, int cOff) {
        long n = (long) m * h;
        switch (cell) {
            case RNN -> launch("rnn_forward", n, m, h, p(act, actOff), p(hOut, hOff));
            case LSTM -> launch("lstm_forward", n, m, h, p(act, actOff), p(cPrev, cpOff), p(hOut, hOff), p(cOut, cOff));
            case GRU -> launch("gru_forward", n, m, h, p(act, actOff), p(hh, hhOff), p(hPrev, hpOff), p(hOut, hOff));
            default -> throw new IllegalStateException("no " + cell + " arithmetic in this device");
        }
    }

    @Override
    public void cellBackward(CellType cell, int m, int h, Floats act, int actOff, Floats hh, int hhOff,
                             Floats hPrev, int hpOff, Floats cPrev, int cpOff, Floats c, int cOff, Floats dh, int dhOff,
                             Floats dc, int dcOff, Floats da, int daOff, Floats dhh, int dhhOff, Floats dhPrev, Floats dcPrev) {
        long n = (long) m * h;
        switch (cell) {
            case RNN -> launch("rnn_backward", n, m, h, p(act, actOff), p(dh, dhOff), p(da, daOff), p(dhPrev, 0));
            case LSTM -> launch("lstm_backward", n, m, h, p(act, actOff), p(cPrev, cpOff), p(c, cOff), p(dh, dhOff),
                    p(dc, dcOff), p(da, daOff), p(dhPrev, 0), p(dcPrev, 0));
            case GRU -> launch("gru_backward", n, m, h, p(act, actOff), p(hh, hhOff), p(hPrev, hpOff), p(dh, dhOff),
                    p(da, daOff), p(dhh, dhhOff), p(dhPrev, 0));
            default -> throw new IllegalStateException("no " + cell + " arithmetic in this device");
        }
    }

    @Override
    public void softmaxRows(Floats z, int off, int m, int n) { launch("softmax_rows", m, p(z, off), m, n); }

    @Override
    public void crossEntropyGradient(Floats probs, int off, int m, int n, Ints targets, Floats rowLoss, Floats rowCorrect) {
        launch("cross_entropy_gradient", m, p(probs, off), m, n, p(targets, 0), p(rowLoss, 0), p(rowCorrect, 0));
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        attach();
        try {
            for (DeviceMemory m : live) driver.free(m.pointer());
            live.clear();
            if (!staging.equals(MemoryAddress.NULL)) driver.freeHost(staging);
            cublas.close();
            driver.unloadModule(module);
        } finally {
            scope.close();
            driver.releasePrimaryContext(device);
        }
    }
}
