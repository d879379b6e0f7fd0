package io.seqstream.train.device.cuda;

import static jdk.incubator.foreign.CLinker.C_INT;
import static jdk.incubator.foreign.CLinker.C_LONG;
import static jdk.incubator.foreign.CLinker.C_LONG_LONG;
import static jdk.incubator.foreign.CLinker.C_POINTER;

import java.lang.invoke.MethodHandle;
import java.util.List;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * The few CUDA driver API functions the device needs (libcuda.so.1, installed with the NVIDIA driver): the primary
 * context (the one cuBLAS uses), memory, copies, modules and launches. Every call checks its CUresult.
 */
final class CudaDriver {
    static final int ATTRIBUTE_CC_MAJOR = 75;
    static final int ATTRIBUTE_CC_MINOR = 76;

    private final MethodHandle cuInit;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceTotalMem;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuDevicePrimaryCtxRelease;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemAllocHost;
    private final MethodHandle cuMemFreeHost;
    private final MethodHandle cuMemcpyHtoD;
    private final MethodHandle cuMemcpyDtoH;
    private final MethodHandle cuMemcpyDtoD;
    private final MethodHandle cuModuleLoadData;
    private final MethodHandle cuModuleUnload;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuLaunchKernel;
    private final MethodHandle cuGetErrorName;
    private final String library;

    CudaDriver() {
        NativeLibrary lib = NativeLibrary.open("the CUDA driver library (NVIDIA driver)", List.of("libcuda.so.1", "libcuda.so"));
        library = lib.name();
        cuInit = lib.function("cuInit", C_INT, C_INT);
        cuDriverGetVersion = lib.function("cuDriverGetVersion", C_INT, C_POINTER);
        cuDeviceGetCount = lib.function("cuDeviceGetCount", C_INT, C_POINTER);
        cuDeviceGet = lib.function("cuDeviceGet", C_INT, C_POINTER, C_INT);
        cuDeviceGetName = lib.function("cuDeviceGetName", C_INT, C_POINTER, C_INT, C_INT);
        cuDeviceTotalMem = lib.function("cuDeviceTotalMem_v2", C_INT, C_POINTER, C_INT);
        cuDeviceGetAttribute = lib.function("cuDeviceGetAttribute", C_INT, C_POINTER, C_INT, C_INT);
        cuDevicePrimaryCtxRetain = lib.function("cuDevicePrimaryCtxRetain", C_INT, C_POINTER, C_INT);
        cuDevicePrimaryCtxRelease = lib.function("cuDevicePrimaryCtxRelease_v2", C_INT, C_INT);
        cuCtxSetCurrent = lib.function("cuCtxSetCurrent", C_INT, C_POINTER);
        cuCtxSynchronize = lib.function("cuCtxSynchronize", C_INT);
        cuMemAlloc = lib.function("cuMemAlloc_v2", C_INT, C_POINTER, C_LONG);
        cuMemFree = lib.function("cuMemFree_v2", C_INT, C_LONG_LONG);
        cuMemAllocHost = lib.function("cuMemAllocHost_v2", C_INT, C_POINTER, C_LONG);
        cuMemFreeHost = lib.function("cuMemFreeHost", C_INT, C_POINTER);
        cuMemcpyHtoD = lib.function("cuMemcpyHtoD_v2", C_INT, C_LONG_LONG, C_POINTER, C_LONG);
        cuMemcpyDtoH = lib.function("cuMemcpyDtoH_v2", C_INT, C_POINTER, C_LONG_LONG, C_LONG);
        cuMemcpyDtoD = lib.function("cuMemcpyDtoD_v2", C_INT, C_LONG_LONG, C_LONG_LONG, C_LONG);
        cuModuleLoadData = lib.function("cuModuleLoadData", C_INT, C_POINTER, C_POINTER);
        cuModuleUnload = lib.function("cuModuleUnload", C_INT, C_POINTER);
        cuModuleGetFunction = lib.function("cuModuleGetFunction", C_INT, C_POINTER, C_POINTER, C_POINTER);
        cuLaunchKernel = lib.function("cuLaunchKernel", C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT,
                C_INT, C_POINTER, C_POINTER, C_POINTER);
        cuGetErrorName = lib.function("cuGetErrorName", C_INT, C_INT, C_POINTER);
    }

    String library() { return library; }

    private void check(int result, String call) {
        if (result == 0) return;
        String name = "CUresult " + result;
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, scope);
            if ((int) cuGetErrorName.invokeExact(result, out.address()) == 0) {
                name = CLinker.toJavaString(MemoryAccess.getAddress(out)) + " (" + result + ")";
            }
        } catch (Throwable t) {
            // keep the number
        }
        throw new CudaException(call + " failed: " + name);
    }

    void init() {
        try {
            check((int) cuInit.invokeExact(0), "cuInit");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    int driverVersion() { return intOut(cuDriverGetVersion, "cuDriverGetVersion"); }

    int deviceCount() { return intOut(cuDeviceGetCount, "cuDeviceGetCount"); }

    private int intOut(MethodHandle f, String call) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(4, scope);
            check((int) f.invokeExact(out.address()), call);
            return MemoryAccess.getInt(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    int device(int ordinal) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(4, scope);
            check((int) cuDeviceGet.invokeExact(out.address(), ordinal), "cuDeviceGet");
            return MemoryAccess.getInt(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    String deviceName(int device) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(256, scope);
            check((int) cuDeviceGetName.invokeExact(out.address(), 256, device), "cuDeviceGetName");
            return CLinker.toJavaString(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    long totalMemory(int device) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, scope);
            check((int) cuDeviceTotalMem.invokeExact(out.address(), device), "cuDeviceTotalMem");
            return MemoryAccess.getLong(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    int attribute(int device, int attribute) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(4, scope);
            check((int) cuDeviceGetAttribute.invokeExact(out.address(), attribute, device), "cuDeviceGetAttribute");
            return MemoryAccess.getInt(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    MemoryAddress retainPrimaryContext(int device) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, scope);
            check((int) cuDevicePrimaryCtxRetain.invokeExact(out.address(), device), "cuDevicePrimaryCtxRetain");
            return MemoryAccess.getAddress(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void releasePrimaryContext(int device) {
        try {
            check((int) cuDevicePrimaryCtxRelease.invokeExact(device), "cuDevicePrimaryCtxRelease");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void setCurrent(MemoryAddress context) {
        try {
            check((int) cuCtxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void synchronize() {
        try {
            check((int) cuCtxSynchronize.invokeExact(), "cuCtxSynchronize");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    long alloc(long bytes) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, scope);
            check((int) cuMemAlloc.invokeExact(out.address(), bytes), "cuMemAlloc(" + bytes + " bytes)");
            return MemoryAccess.getLong(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void free(long pointer) {
        try {
            check((int) cuMemFree.invokeExact(pointer), "cuMemFree");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    /** Page-locked host memory, so that copies run at full bus speed. */
    MemoryAddress allocHost(long bytes) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, scope);
            check((int) cuMemAllocHost.invokeExact(out.address(), bytes), "cuMemAllocHost(" + bytes + " bytes)");
            return MemoryAccess.getAddress(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void freeHost(MemoryAddress pointer) {
        try {
            check((int) cuMemFreeHost.invokeExact(pointer), "cuMemFreeHost");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void copyToDevice(long dst, MemoryAddress src, long bytes) {
        try {
            check((int) cuMemcpyHtoD.invokeExact(dst, src, bytes), "cuMemcpyHtoD");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void copyToHost(MemoryAddress dst, long src, long bytes) {
        try {
            check((int) cuMemcpyDtoH.invokeExact(dst, src, bytes), "cuMemcpyDtoH");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void copyOnDevice(long dst, long src, long bytes) {
        try {
            check((int) cuMemcpyDtoD.invokeExact(dst, src, bytes), "cuMemcpyDtoD");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    /** Loads a cubin or a NUL-terminated PTX image from native memory. */
    MemoryAddress loadModule(MemorySegment image) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, scope);
            check((int) cuModuleLoadData.invokeExact(out.address(), image.address()), "cuModuleLoadData");
            return MemoryAccess.getAddress(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    void unloadModule(MemoryAddress module) {
        try {
            check((int) cuModuleUnload.invokeExact(module), "cuModuleUnload");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    MemoryAddress function(MemoryAddress module, String name) {
        try (ResourceScope scope = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, scope);
            check((int) cuModuleGetFunction.invokeExact(out.address(), module, CLinker.toCString(name, scope).address()),
                    "cuModuleGetFunction(" + name + ")");
            return MemoryAccess.getAddress(out);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    /** A 1-D launch on the default stream; params is the array of pointers to the argument values. */
    void launch(MemoryAddress function, String name, int blocks, int threads, MemoryAddress params) {
        try {
            check((int) cuLaunchKernel.invokeExact(function, blocks, 1, 1, threads, 1, 1, 0, MemoryAddress.NULL, params,
                    MemoryAddress.NULL), "cuLaunchKernel(" + name + ")");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }
}
