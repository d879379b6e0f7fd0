package io.seqstream.train.device.cuda;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemoryLayout;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * A shared library opened with dlopen by soname (the loader's own search: LD_LIBRARY_PATH, the ldconfig cache, the
 * library's RUNPATH) or, failing that, from the directories in {@code SEQSTREAM_CUDA_LIBS} and the usual CUDA
 * places, and its functions bound as method handles through the JDK's foreign linker. Nothing is bundled: the
 * host's CUDA libraries are used, whichever of the accepted major versions is installed.
 */
final class NativeLibrary {
    private static final int RTLD_NOW = 2;
    private static final int RTLD_GLOBAL = 0x100;
    private static final CLinker LINKER = CLinker.getInstance();
    private static final MethodHandle DLOPEN;
    private static final MethodHandle DLSYM;
    private static final MethodHandle DLERROR;

    static {
        SymbolLookup lookup = libdlLookup();
        DLOPEN = LINKER.downcallHandle(lookup.lookup("dlopen").orElseThrow(),
                MethodType.methodType(MemoryAddress.class, MemoryAddress.class, int.class),
                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_INT));
        DLSYM = LINKER.downcallHandle(lookup.lookup("dlsym").orElseThrow(),
                MethodType.methodType(MemoryAddress.class, MemoryAddress.class, MemoryAddress.class),
                FunctionDescriptor.of(CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_POINTER));
        DLERROR = LINKER.downcallHandle(lookup.lookup("dlerror").orElseThrow(),
                MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
    }

    /** glibc 2.34+ has dlopen in libc; older ones (Ubuntu 20.04) in libdl. */
    private static SymbolLookup libdlLookup() {
        SymbolLookup system = CLinker.systemLookup();
        if (system.lookup("dlopen").isPresent()) return system;
        for (String p : List.of("/lib/x86_64-linux-gnu/libdl.so.2", "/usr/lib/x86_64-linux-gnu/libdl.so.2", "/lib64/libdl.so.2")) {
            if (Files.exists(Path.of(p))) {
                System.load(p);
                return SymbolLookup.loaderLookup();
            }
        }
        throw new CudaUnavailableException("no dlopen in libc or libdl.so.2");
    }

    private final String name;
    private final MemoryAddress handle;

    private NativeLibrary(String name, MemoryAddress handle) {
        this.name = name;
        this.handle = handle;
    }

    /** The file name that was opened (e.g. libcublas.so.13). */
    String name() { return name; }

    /**
     * Opens the first of the sonames that loads.
     *
     * @param what for the error message, e.g. "cuBLAS"
     * @throws CudaUnavailableException listing what was tried and the loader's errors
     */
    static NativeLibrary open(String what, List<String> sonames) {
        List<String> errors = new ArrayList<>();
        for (String soname : sonames) {
            List<String> candidates = new ArrayList<>();
            candidates.add(soname);
            for (Path dir : searchDirectories()) {
                if (Files.exists(dir.resolve(soname))) candidates.add(dir.resolve(soname).toString());
            }
            for (String c : candidates) {
                MemoryAddress h = dlopen(c);
                if (!h.equals(MemoryAddress.NULL)) return new NativeLibrary(soname, h);
                errors.add(lastError());
            }
        }
        throw new CudaUnavailableException(what + " not found (tried " + String.join(", ", sonames)
                + " on the loader path, SEQSTREAM_CUDA_LIBS and " + searchDirectories() + "): "
                + (errors.isEmpty() ? "" : errors.get(0)));
    }

    /** SEQSTREAM_CUDA_LIBS (colon-separated) first, then the usual install places of the CUDA toolkit. */
    static List<Path> searchDirectories() {
        List<Path> dirs = new ArrayList<>();
        String extra = System.getenv("SEQSTREAM_CUDA_LIBS");
        if (extra != null) {
            for (String d : extra.split(":")) if (!d.isBlank()) dirs.add(Path.of(d));
        }
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        dirs.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        return dirs;
    }

    private static MemoryAddress dlopen(String file) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            return (MemoryAddress) DLOPEN.invokeExact(CLinker.toCString(file, scope).address(), RTLD_NOW | RTLD_GLOBAL);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static String lastError() {
        try {
            MemoryAddress e = (MemoryAddress) DLERROR.invokeExact();
            return e.equals(MemoryAddress.NULL) ? "" : CLinker.toJavaString(e);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The address of a symbol, or NULL. */
    MemoryAddress symbol(String symbol) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            return (MemoryAddress) DLSYM.invokeExact(handle, CLinker.toCString(symbol, scope).address());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * A function of this library as a method handle.
     *
     * @throws CudaUnavailableException when the library lacks the symbol (a version older than the binding expects)
     */
    MethodHandle function(String symbol, MemoryLayout result, MemoryLayout... args) {
        MemoryAddress address = symbol(symbol);
        if (address.equals(MemoryAddress.NULL)) {
            throw new CudaUnavailableException(name + " has no function " + symbol);
        }
        Class<?>[] types = new Class<?>[args.length];
        for (int i = 0; i < args.length; i++) types[i] = carrier(args[i]);
        FunctionDescriptor d = result == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(result, args);
        MethodType t = MethodType.methodType(result == null ? void.class : carrier(result), types);
        return LINKER.downcallHandle(address, t, d);
    }

    private static Class<?> carrier(MemoryLayout l) {
        if (l == CLinker.C_INT) return int.class;
        if (l == CLinker.C_LONG || l == CLinker.C_LONG_LONG) return long.class;
        if (l == CLinker.C_FLOAT) return float.class;
        if (l == CLinker.C_POINTER) return MemoryAddress.class;
        throw new IllegalArgumentException("no carrier for " + l);
    }
}
