package io.seqstream.model;

/**
 * The few dense loops everything else is built from, written so that the JIT vectorises the innermost
 * loop over contiguous columns and every output element is accumulated in a fixed order (ascending k).
 * That order does not depend on how many rows are in a call, so a stream's result is bit-for-bit the
 * same whether it was stepped alone or in a wave of 2048: the determinism the exactly-once contract needs.
 */
public final class Kernels {
    private Kernels() {
    }

    /**
     * Whether {@link #mulAdd} runs on the Vector API ({@link VectorKernels}): when the JVM was started with
     * {@code --add-modules jdk.incubator.vector} (the launcher and the build do) and not with
     * {@code -Dseqstream.kernels=scalar}. Both paths give the same bits.
     */
    public static final boolean VECTOR = detectVector();

    private static boolean detectVector() {
        if ("scalar".equals(System.getProperty("seqstream.kernels"))) return false;
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
        try {
            return VectorKernels.useful();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** C[m,n] += A[m,kd] * B[kd,n], all row-major with the given offsets. */
    public static void mulAdd(float[] a, int aOff, int m, int kd, float[] b, int bOff, int n, float[] c, int cOff) {
        if (VECTOR) {
            VectorKernels.mulAdd(a, aOff, m, kd, b, bOff, n, c, cOff);
        } else {
            mulAddScalar(a, aOff, m, kd, b, bOff, n, c, cOff);
        }
    }

    /** {@link #mulAdd} in plain Java loops: the reference the vector path must match bit for bit. */
    public static void mulAddScalar(float[] a, int aOff, int m, int kd, float[] b, int bOff, int n, float[] c, int cOff) {
        int i = 0;
        // Four rows share each loaded row of B; each c element still sums k in ascending order.
        for (; i + 3 < m; i += 4) {
            int a0 = aOff + i * kd;
            int c0 = cOff + i * n;
            int c1 = c0 + n;
            int c2 = c1 + n;
            int c3 = c2 + n;
            for (int k = 0; k < kd; k++) {
                float v0 = a[a0 + k];
                float v1 = a[a0 + kd + k];
                float v2 = a[a0 + 2 * kd + k];
                float v3 = a[a0 + 3 * kd + k];
                int bk = bOff + k * n;
                for (int j = 0; j < n; j++) {
                    float bv = b[bk + j];
                    c[c0 + j] += v0 * bv;
                    c[c1 + j] += v1 * bv;
                    c[c2 + j] += v2 * bv;
                    c[c3 + j] += v3 * bv;
                }
            }
        }
        for (; i < m; i++) {
            int ai = aOff + i * kd;
            int ci = cOff + i * n;
            for (int k = 0; k < kd; k++) {
                float v = a[ai + k];
                int bk = bOff + k * n;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += v * b[bk + j];
                }
            }
        }
    }

    /** G[kd,n] += A[m,kd]^T * D[m,n]: the weight gradient of a product, accumulated row by row. */
    public static void mulAddTransposedLeft(float[] a, int aOff, int m, int kd, float[] d, int dOff, int n,
                                            float[] g, int gOff) {
        if (VECTOR) {
            VectorKernels.mulAddTransposedLeft(a, aOff, m, kd, d, dOff, n, g, gOff);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * kd;
            int di = dOff + i * n;
            for (int k = 0; k < kd; k++) {
                float v = a[ai + k];
                if (v == 0f) continue;
                int gk = gOff + k * n;
                for (int j = 0; j < n; j++) {
                    g[gk + j] += v * d[di + j];
                }
            }
        }
    }

    /** dst[rows, cols] = transpose of src[cols, rows]. */
    public static void transpose(float[] src, int srcOff, int srcRows, int srcCols, float[] dst, int dstOff) {
        for (int r = 0; r < srcRows; r++) {
            for (int c = 0; c < srcCols; c++) {
                dst[dstOff + c * srcRows + r] = src[srcOff + r * srcCols + c];
            }
        }
    }

    /** y[n] += x[n]. */
    public static void add(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int j = 0; j < n; j++) {
            y[yOff + j] += x[xOff + j];
        }
    }

    /** Each of m rows of width n of dst = the row vector src[n]. */
    public static void broadcastRows(float[] src, int srcOff, float[] dst, int dstOff, int m, int n) {
        for (int i = 0; i < m; i++) {
            System.arraycopy(src, srcOff, dst, dstOff + i * n, n);
        }
    }

    /** Column sums of D[m,n] added to g[n]. */
    public static void addColumnSums(float[] d, int dOff, int m, int n, float[] g, int gOff) {
        for (int i = 0; i < m; i++) {
            add(d, dOff + i * n, g, gOff, n);
        }
    }

    // expf: Cody-Waite range reduction and Cephes' degree-6 polynomial, in float. VectorKernels.exp repeats exactly
    // these operations (multiply and add, never fused, same order), so both paths give the same bits.
    static final float EXP_HI = 88f;
    static final float EXP_LO = -87f;
    static final float LOG2E = 1.44269504088896341f;
    static final float ROUND = 12582912f; // 1.5 * 2^23: adding and subtracting it rounds to the nearest integer
    static final int EXP_BIAS = 0x4B400000 - 127;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    /**
     * e^x in float, within 2 ulp of the exact value on [-87, 88] (inputs are clamped to it; NaN stays NaN). Plain float
     * operations so that the vector path can reproduce it bit for bit, which Math.exp in double cannot offer.
     */
    public static float exp(float x) {
        x = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = x * LOG2E + ROUND;
        float n = t - ROUND;
        float r = x - n * LN2_HI;
        r = r - n * LN2_LO;
        float p = P0;
        p = p * r + P1;
        p = p * r + P2;
        p = p * r + P3;
        p = p * r + P4;
        p = p * r + P5;
        p = p * (r * r) + r;
        p = p + 1f;
        // t's low mantissa bits hold n (t = 1.5 * 2^23 + n), which gives 2^n without a float-to-int conversion
        // (the Vector API of JDK 17 does not compile that conversion to an instruction).
        return p * Float.intBitsToFloat((Float.floatToRawIntBits(t) - EXP_BIAS) << 23);
    }

    public static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    /** tanh(x) = 2 sigmoid(2x) - 1, on {@link #exp} (Math.tanh is a native call on JDK 17, slower than the step's gemm). */
    public static float tanh(float x) {
        return 2f / (1f + exp(-2f * x)) - 1f;
    }

    /**
     * Softmax of each of m rows of width n, in place, max-shifted for stability; each row is summed in column order
     * in double whatever m is.
     */
    public static void softmaxRows(float[] z, int off, int m, int n) {
        for (int i = 0; i < m; i++) {
            int r = off + i * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, z[r + j]);
            // exp on whole vectors where the module is there, the same float exp on the rest: same bits either way.
            int from = VECTOR ? VectorKernels.expShifted(z, r, n, max) : 0;
            for (int j = from; j < n; j++) z[r + j] = exp(z[r + j] - max);
            double sum = 0;
            for (int j = 0; j < n; j++) sum += z[r + j];
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < n; j++) z[r + j] *= inv;
        }
    }
}
