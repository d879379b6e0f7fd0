package io.seqstream.train.device.cuda;

import static jdk.incubator.foreign.CLinker.C_INT;
import static jdk.incubator.foreign.CLinker.C_LONG_LONG;
import static jdk.incubator.foreign.CLinker.C_POINTER;

import java.lang.invoke.MethodHandle;
import java.util.List;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * cuBLAS's single-precision GEMM on the default stream, with row-major arguments (swapped into cuBLAS's column-major
 * order here) and plain FP32 math: TF32 tensor cores are never used, or the gradients would leave the 1e-4 parity.
 */
final class Cublas implements AutoCloseable {
    private static final int OP_N = 0;
    private static final int OP_T = 1;
    private static final int DEFAULT_MATH = 0;

    private final MethodHandle destroy;
    private final MethodHandle sgemm;
    private final MemoryAddress handle;
    private final MemorySegment scalars;
    private final ResourceScope scope = ResourceScope.newSharedScope();
    private final String library;
    private final int version;

    Cublas() {
        NativeLibrary lib = NativeLibrary.open("cuBLAS", List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so"));
        library = lib.name();
        MethodHandle create = lib.function("cublasCreate_v2", C_INT, C_POINTER);
        MethodHandle setMathMode = lib.function("cublasSetMathMode", C_INT, C_POINTER, C_INT);
        MethodHandle getVersion = lib.function("cublasGetVersion_v2", C_INT, C_POINTER, C_POINTER);
        destroy = lib.function("cublasDestroy_v2", C_INT, C_POINTER);
        sgemm = lib.function("cublasSgemm_v2", C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_LONG_LONG,
                C_INT, C_LONG_LONG, C_INT, C_POINTER, C_LONG_LONG, C_INT);
        scalars = MemorySegment.allocateNative(8, scope);
        try (ResourceScope local = ResourceScope.newConfinedScope()) {
            MemorySegment out = MemorySegment.allocateNative(8, local);
            check((int) create.invokeExact(out.address()), "cublasCreate");
            handle = MemoryAccess.getAddress(out);
            check((int) setMathMode.invokeExact(handle, DEFAULT_MATH), "cublasSetMathMode");
            MemorySegment v = MemorySegment.allocateNative(4, local);
            check((int) getVersion.invokeExact(handle, v.address()), "cublasGetVersion");
            version = MemoryAccess.getInt(v);
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    String library() { return library; }

    /** e.g. 130100 for 13.1.0. */
    int version() { return version; }

    private static void check(int status, String call) {
        if (status != 0) throw new CudaException(call + " failed: cublasStatus " + status);
    }

    /**
     * Row-major C[m,n] = op(A) op(B) + beta C on device pointers: computed as the column-major C^T = op(B)^T op(A)^T,
     * which is the same memory.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, long a, long b, float beta, long c) {
        MemoryAccess.setFloatAtOffset(scalars, 0, 1f);
        MemoryAccess.setFloatAtOffset(scalars, 4, beta);
        try {
            check((int) sgemm.invokeExact(handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k,
                    scalars.address(), b, transB ? k : n, a, transA ? m : k, scalars.address().addOffset(4), c, n), "cublasSgemm");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        }
    }

    @Override
    public void close() {
        try {
            check((int) destroy.invokeExact(handle), "cublasDestroy");
        } catch (Throwable t) {
            throw CudaDriverErrors.rethrow(t);
        } finally {
            scope.close();
        }
    }
}
