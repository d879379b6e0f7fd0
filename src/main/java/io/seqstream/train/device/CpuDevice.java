package io.seqstream.train.device;

import io.seqstream.model.CellMath;
import io.seqstream.model.CellType;
import java.util.Arrays;

/**
 * {@link Device} in plain Java on the calling thread: the device trainer's code runs unchanged in the test suite,
 * where its loss and gradients are checked against the kernels'. Each element-wise method is the loop the CUDA
 * device's kernel runs per thread (cuda/kernels.cu), in the same order of operations; the cells' arithmetic is
 * {@link CellMath}'s own row functions.
 */
public final class CpuDevice implements Device {

    @Override
    public String description() { return "CPU, plain Java (the device trainer's reference)"; }

    @Override
    public Floats floats(int n) { return new HostFloats(new float[n]); }

    @Override
    public Ints ints(int n) { return new HostInts(new int[n]); }

    /** The host array behind x (null for an absent buffer, e.g. the c of a cell without one). */
    private static float[] f(Floats x) { return x == null ? null : ((HostFloats) x).data; }

    private static int[] i(Ints x) { return ((HostInts) x).data; }

    @Override
    public void upload(float[] src, int srcOff, Floats dst, int dstOff, int n) { System.arraycopy(src, srcOff, f(dst), dstOff, n); }

    @Override
    public void upload(int[] src, int srcOff, Ints dst, int dstOff, int n) { System.arraycopy(src, srcOff, i(dst), dstOff, n); }

    @Override
    public void download(Floats src, int srcOff, float[] dst, int dstOff, int n) { System.arraycopy(f(src), srcOff, dst, dstOff, n); }

    @Override
    public void fill(Floats x, int off, int n, float value) { Arrays.fill(f(x), off, off + n, value); }

    @Override
    public void copy(Floats src, int srcOff, Floats dst, int dstOff, int n) { System.arraycopy(f(src), srcOff, f(dst), dstOff, n); }

    @Override
    public void add(Floats a, int aOff, Floats b, int bOff, Floats dst, int dstOff, int n) {
        float[] x = f(a);
        float[] y = f(b);
        float[] d = f(dst);
        for (int j = 0; j < n; j++) d[dstOff + j] = x[aOff + j] + y[bOff + j];
    }

    @Override
    public void scale(Floats x, int off, int n, float s) {
        float[] v = f(x);
        for (int j = 0; j < n; j++) v[off + j] *= s;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, Floats a, int aOff, Floats b, int bOff,
                     float beta, Floats c, int cOff) {
        float[] av = f(a);
        float[] bv = f(b);
        float[] cv = f(c);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float x = transA ? av[aOff + p * m + i] : av[aOff + i * k + p];
                    float y = transB ? bv[bOff + j * k + p] : bv[bOff + p * n + j];
                    sum += x * y;
                }
                int o = cOff + i * n + j;
                cv[o] = beta == 0f ? sum : sum + beta * cv[o];
            }
        }
    }

    @Override
    public void broadcastRows(Floats src, int srcOff, Floats dst, int dstOff, int m, int n) {
        for (int r = 0; r < m; r++) System.arraycopy(f(src), srcOff, f(dst), dstOff + r * n, n);
    }

    @Override
    public void gatherRows(Floats table, int tableOff, Ints idx, int idxOff, int m, int n, Floats dst, int dstOff,
                           boolean accumulate) {
        float[] t = f(table);
        float[] d = f(dst);
        int[] ix = i(idx);
        for (int r = 0; r < m; r++) {
            int from = tableOff + ix[idxOff + r] * n;
            int to = dstOff + r * n;
            for (int j = 0; j < n; j++) d[to + j] = accumulate ? d[to + j] + t[from + j] : t[from + j];
        }
    }

    @Override
    public void scatterAddRows(Floats src, int srcOff, Ints idx, int idxOff, int m, int n, Floats table, int tableOff) {
        float[] s = f(src);
        float[] t = f(table);
        int[] ix = i(idx);
        for (int r = 0; r < m; r++) {
            int to = tableOff + ix[idxOff + r] * n;
            for (int j = 0; j < n; j++) t[to + j] += s[srcOff + r * n + j];
        }
    }

    @Override
    public void addColumnSums(Floats src, int srcOff, int m, int n, Floats dst, int dstOff) {
        float[] s = f(src);
        float[] d = f(dst);
        for (int j = 0; j < n; j++) {
            float sum = 0f;
            for (int r = 0; r < m; r++) sum += s[srcOff + r * n + j];
            d[dstOff + j] += sum;
        }
    }

    @Override
    public void cellForward(CellType cell, int m, int h, Floats actF, int actOff, Floats hhF, int hhOff,
                            Floats hPrevF, int hpOff, Floats cPrevF, int cpOff, Floats hOutF, int hOff, Floats cOutF, int cOff) {
        int gh = cell.gates() * h;
        // The serving arithmetic itself, row by row (the vectorised rows stay with the kernels): a new cell needs no
        // code here.
        for (int r = 0; r < m; r++) {
            CellMath.forwardRow(cell, h, 0, f(actF), actOff + r * gh, f(hhF), hhOff + r * gh, f(hPrevF), hpOff + r * h,
                    f(cPrevF), cpOff + r * h, f(hOutF), hOff + r * h, f(cOutF), cOff + r * h);
        }
    }

    @Override
    public void cellBackward(CellType cell, int m, int h, Floats actF, int actOff, Floats hhF, int hhOff,
                             Floats hPrevF, int hpOff, Floats cPrevF, int cpOff, Floats cF, int cOff, Floats dhF, int dhOff,
                             Floats dcF, int dcOff, Floats daF, int daOff, Floats dhhF, int dhhOff, Floats dhPrevF, Floats dcPrevF) {
        int gh = cell.gates() * h;
        for (int r = 0; r < m; r++) {
            CellMath.backwardRow(cell, h, f(actF), actOff + r * gh, f(hhF), hhOff + r * gh, f(hPrevF), hpOff + r * h,
                    f(cPrevF), cpOff + r * h, f(cF), cOff + r * h, f(dhF), dhOff + r * h, f(dcF), dcOff + r * h,
                    f(daF), daOff + r * gh, f(dhhF), dhhOff + r * gh, f(dhPrevF), r * h, f(dcPrevF), r * h);
        }
    }

    @Override
    public void softmaxRows(Floats zF, int off, int m, int n) {
        float[] z = f(zF);
        for (int r = 0; r < m; r++) {
            int o = off + r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) max = Math.max(max, z[o + j]);
            float sum = 0f;
            for (int j = 0; j < n; j++) {
                float e = (float) Math.exp(z[o + j] - max);
                z[o + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < n; j++) z[o + j] *= inv;
        }
    }

    @Override
    public void crossEntropyGradient(Floats probsF, int off, int m, int n, Ints targetsF, Floats rowLossF, Floats rowCorrectF) {
        float[] p = f(probsF);
        int[] targets = i(targetsF);
        float[] loss = f(rowLossF);
        float[] correct = f(rowCorrectF);
        for (int r = 0; r < m; r++) {
            int o = off + r * n;
            int t = targets[r];
            if (t < 0) {
                Arrays.fill(p, o, o + n, 0f);
                loss[r] = 0f;
                correct[r] = -1f;
                continue;
            }
            int best = 0;
            for (int j = 1; j < n; j++) {
                if (p[o + j] > p[o + best]) best = j;
            }
            loss[r] = (float) -Math.log(Math.max(p[o + t], 1e-30f));
            correct[r] = best == t ? 1f : 0f;
            p[o + t] -= 1f;
        }
    }

    @Override
    public void attach() {
    }

    @Override
    public void free(Floats x) {
    }

    @Override
    public void free(Ints x) {
    }

    @Override
    public void close() {
    }

    private record HostFloats(float[] data) implements Floats {
        @Override
        public int length() { return data.length; }
    }

    private record HostInts(int[] data) implements Ints {
        @Override
        public int length() { return data.length; }
    }
}
