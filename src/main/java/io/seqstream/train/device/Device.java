package io.seqstream.train.device;

import io.seqstream.model.CellType;

/**
 * The primitives the device trainer ({@link io.seqstream.train.backend.DeviceBackend}) is written on: GEMM, the cells'
 * fused element-wise steps, masked softmax cross-entropy, row gathers and scatters, reductions and host copies.
 * All matrices are row-major and packed (leading dimension = row width); offsets count elements. Calls may run
 * asynchronously; a download returns once everything queued before it has finished.
 */
public interface Device extends AutoCloseable {

    /** What runs the math, for logs and benchmarks (e.g. "NVIDIA H200, compute capability 9.0, 139.8 GiB"). */
    String description();

    /** A zeroed array of n floats on the device. */
    Floats floats(int n);

    /** A zeroed array of n ints on the device. */
    Ints ints(int n);

    void upload(float[] src, int srcOff, Floats dst, int dstOff, int n);

    void upload(int[] src, int srcOff, Ints dst, int dstOff, int n);

    void download(Floats src, int srcOff, float[] dst, int dstOff, int n);

    void fill(Floats x, int off, int n, float value);

    void copy(Floats src, int srcOff, Floats dst, int dstOff, int n);

    /** dst = a + b over n elements. */
    void add(Floats a, int aOff, Floats b, int bOff, Floats dst, int dstOff, int n);

    /** x *= s over n elements. */
    void scale(Floats x, int off, int n, float s);

    /**
     * C[m,n] = op(A) op(B) + beta C, where op(A) is [m,k] (A stored [k,m] when transA) and op(B) is [k,n] (B stored
     * [n,k] when transB).
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, Floats a, int aOff, Floats b, int bOff,
              float beta, Floats c, int cOff);

    /** Each of m rows of width n of dst = src[srcOff, srcOff + n). */
    void broadcastRows(Floats src, int srcOff, Floats dst, int dstOff, int m, int n);

    /** dst row i (= or +=) table row idx[idxOff + i], rows of width n starting at tableOff. */
    void gatherRows(Floats table, int tableOff, Ints idx, int idxOff, int m, int n, Floats dst, int dstOff,
                    boolean accumulate);

    /** table row idx[idxOff + i] += src row i (rows of width n; an index may repeat). */
    void scatterAddRows(Floats src, int srcOff, Ints idx, int idxOff, int m, int n, Floats table, int tableOff);

    /** dst[j] += sum over the m rows of src[i, j]. */
    void addColumnSums(Floats src, int srcOff, int m, int n, Floats dst, int dstOff);

    /**
     * One step of m rows of a layer after the recurrent product was added: for RNN and LSTM act holds
     * x Wx + b + h Wh, for GRU act holds x Wx + b and hh holds h Wh. Leaves the gate activations in act, as
     * {@link io.seqstream.model.CellMath#forward} does.
     */
    void cellForward(CellType cell, int m, int h, Floats act, int actOff, Floats hh, int hhOff,
                     Floats hPrev, int hpOff, Floats cPrev, int cpOff, Floats hOut, int hOff, Floats cOut, int cOff);

    /**
     * {@link io.seqstream.model.CellMath#backward} for m rows: da and dhh [m, G*H] (dhh only for GRU), dhPrev and
     * dcPrev [m, H] (dhPrev: GRU's z*h path; dcPrev: LSTM only).
     */
    void cellBackward(CellType cell, int m, int h, Floats act, int actOff, Floats hh, int hhOff,
                      Floats hPrev, int hpOff, Floats cPrev, int cpOff, Floats c, int cOff, Floats dh, int dhOff,
                      Floats dc, int dcOff, Floats da, int daOff, Floats dhh, int dhhOff, Floats dhPrev, Floats dcPrev);

    /** Softmax of each of m rows of width n, in place, max-shifted. */
    void softmaxRows(Floats z, int off, int m, int n);

    /**
     * For each of m rows of probabilities: with target t >= 0, rowLoss = -ln max(p[t], 1e-30), rowCorrect = 1 when
     * the first argmax is t (else 0) and p[t] -= 1 (the gradient of the loss on the logits, unscaled); with t < 0
     * the row becomes zeros and rowCorrect = -1.
     */
    void crossEntropyGradient(Floats probs, int off, int m, int n, Ints targets, Floats rowLoss, Floats rowCorrect);

    /** Makes the device current on the calling thread (a trainer may move between threads). */
    void attach();

    void free(Floats x);

    void free(Ints x);

    /** Frees everything this device allocated. */
    @Override
    void close();

    /** A float array in device memory. */
    interface Floats {
        int length();
    }

    /** An int array in device memory. */
    interface Ints {
        int length();
    }
}
