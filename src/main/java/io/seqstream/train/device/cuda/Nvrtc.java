package io.seqstream.train.device.cuda;

import static jdk.incubator.foreign.CLinker.C_INT;
import static jdk.incubator.foreign.CLinker.C_LONG;
import static jdk.incubator.foreign.CLinker.C_POINTER;

import java.lang.invoke.MethodHandle;
import java.util.List;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * NVRTC, the CUDA run-time compiler: compiles the device's kernels for the GPU's own compute capability at
 * start-up, so no prebuilt GPU code is shipped and a GPU newer than the build machine's toolkit (Hopper, sm_90) is
 * served by the host's NVRTC and driver.
 */
final class Nvrtc {
    private final MethodHandle version;
    private final MethodHandle create;
    private final MethodHandle compile;
    private final MethodHandle logSize;
    private final MethodHandle log;
    private final MethodHandle ptxSize;
    private final MethodHandle ptx;
    private final MethodHandle cubinSize;
    private final MethodHandle cubin;
    private final MethodHandle destroy;
    private final MethodHandle errorString;
    private final String library;

    Nvrtc() {
        NativeLibrary lib = NativeLibrary.open("NVRTC (the CUDA run-time compiler)",
                List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"));
        library = lib.name();
        version = lib.function("nvrtcVersion", C_INT, C_POINTER, C_POINTER);
        create = lib.function("nvrtcCreateProgram", C_INT, C_POINTER, C_POINTER, C_POINTER, C_INT, C_POINTER, C_POINTER);
        compile = lib.function("nvrtcCompileProgram", C_INT, C_POINTER, C_INT, C_POINTER);
        logSize = lib.function("nvrtcGetProgramLogSize", C_INT, C_POINTER, C_POINTER);
        log = lib.function("nvrtcGetProgramLog", C_INT, C_POINTER, C_POINTER);
        ptxSize = lib.function("nvrtcGetPTXSize", C_INT, C_POINTER, C_POINTER);
        ptx = lib.function("nvrtcGetPTX", C_INT, C_POINTER, C_POINTER);
        cubinSize = lib.function("nvrtcGetCUBINSize", C_INT, C_POINTER, C_POINTER);
        cubin = lib.function("nvrtcGetCUBIN", C_INT, C_POINTER, C_POINTER);
        destroy = lib.function("nvrtcDestroyProgram", C_INT, C_POINTER);
        errorString = lib.function("nvrtcGetErrorString", C_POINTER, C_INT);
    }

    String library() { return library; }

    /** "major.minor" of the NVRTC library. */
    String version() {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment major = MemorySegment.allocateNative(4, scope);
            MemorySegment minor = MemorySegment.allocateNative(4, scope);
            check((int) version.invokeExact(major.address(), minor.address()), "nvrtcVersion");
            return MemoryAccess.getInt(major) + "." + MemoryAccess.getInt(minor);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    private void check(int result, String call) {
        if (result == 0) return;
        String name = "nvrtcResult " + result;
        try {
            MemoryAddress s = (MemoryAddress) errorString.invokeExact(result);
            if (!s.equals(MemoryAddress.NULL)) name = CLinker.toJavaString(s) + " (" + result + ")";
        } catch (Throwable t) {
            // keep the number
        }
        throw new CudaException(call + " failed: " + name);
    }

    /**
     * Compiles CUDA C source for the GPU: machine code (cubin) for sm_{major}{minor}, which a driver of the same CUDA
     * major version loads even when NVRTC is a newer minor version than the driver; else PTX for compute_{major}{minor},
     * which the driver compiles (needs a driver at least as new as NVRTC).
     *
     * @param scope owns the returned image
     * @throws CudaException with the compiler's logs when neither compiles
     */
    MemorySegment compile(String source, String name, int ccMajor, int ccMinor, ResourceScope scope) {
        String arch = "" + ccMajor + ccMinor;
        try {
            return compile(source, name, "--gpu-architecture=sm_" + arch, true, scope);
        } catch (CudaException cubinFailed) {
            try {
                return compile(source, name, "--gpu-architecture=compute_" + arch, false, scope);
            } catch (CudaException ptxFailed) {
                throw new CudaException(cubinFailed.getMessage() + "; " + ptxFailed.getMessage());
            }
        }
    }

    private MemorySegment compile(String source, String name, String arch, boolean machineCode, ResourceScope scope) {
        try (ResourceScope local = ResourceScope.newConfinedScope()) {
            MemorySegment prog = MemorySegment.allocateNative(8, local);
            check((int) create.invokeExact(prog.address(), CLinker.toCString(source, local).address(),
                    CLinker.toCString(name, local).address(), 0, MemoryAddress.NULL, MemoryAddress.NULL), "nvrtcCreateProgram");
            MemoryAddress program = MemoryAccess.getAddress(prog);
            try {
                String[] options = {arch};
                MemorySegment opts = MemorySegment.allocateNative(8L * options.length, local);
                for (int i = 0; i < options.length; i++) {
                    MemoryAccess.setAddressAtOffset(opts, 8L * i, CLinker.toCString(options[i], local).address());
                }
                int result = (int) compile.invokeExact(program, options.length, opts.address());
                if (result != 0) {
                    throw new CudaException("NVRTC could not compile " + name + " with " + arch + ": "
                            + programLog(program, local));
                }
                MemorySegment size = MemorySegment.allocateNative(8, local);
                check((int) (machineCode ? cubinSize : ptxSize).invokeExact(program, size.address()), "nvrtcGet(CUBIN|PTX)Size");
                MemorySegment image = MemorySegment.allocateNative(MemoryAccess.getLong(size), scope);
                check((int) (machineCode ? cubin : ptx).invokeExact(program, image.address()), "nvrtcGet(CUBIN|PTX)");
                return image;
            } finally {
                MemoryAccess.setAddress(prog, program);
                int ignored = (int) destroy.invokeExact(prog.address());
            }
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    private String programLog(MemoryAddress program, ResourceScope scope) throws Throwable {
        MemorySegment size = MemorySegment.allocateNative(8, scope);
        check((int) logSize.invokeExact(program, size.address()), "nvrtcGetProgramLogSize");
        MemorySegment text = MemorySegment.allocateNative(Math.max(1, MemoryAccess.getLong(size)), scope);
        check((int) log.invokeExact(program, text.address()), "nvrtcGetProgramLog");
        return CLinker.toJavaString(text);
    }
}
