package io.seqstream.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels#mulAdd} on the JDK's (incubating) Vector API, register-blocked: a block of 4 rows by up to 4 vectors
 * of columns is held in registers across the whole k loop, so each row of B is loaded once per 4 rows and C is loaded
 * and stored once per call instead of once per k. Every element still computes {@code c = c + a[k] * b[k]} as a
 * separate float multiply and add (never fused) for k = 0, 1, ... in order, exactly like the scalar loop: the results
 * are bit-identical to {@link Kernels#mulAddScalar} whatever the number of rows, the blocking or the vector width.
 * Only loaded when the module {@code jdk.incubator.vector} is present ({@link Kernels} checks).
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Per-thread staging for a partial column block (mixing species in one loop ran 20x slower on JDK 17). */
    private static final ThreadLocal<float[]> TAIL = ThreadLocal.withInitial(() -> new float[4 * FloatVector.SPECIES_PREFERRED.length()]);

    private VectorKernels() {
    }

    /** Whether the vector path is worth using here (at least 4 lanes of float). */
    static boolean useful() {
        return L >= 4;
    }

    static void mulAdd(float[] a, int aOff, int m, int kd, float[] b, int bOff, int n, float[] c, int cOff) {
        // A partial column block (n % L columns, e.g. 11 of the 27-class head) is computed as a full vector whose extra
        // lanes read past the row end into B's next row (or the parameters after B) and are thrown away; that needs
        // the last row's over-read to stay inside b.
        int rem = n % L;
        boolean tailFits = rem != 0 && bOff + (kd - 1) * n + (n - rem) + L <= b.length;
        float[] tail = tailFits ? TAIL.get() : null;
        int i = 0;
        for (; i + 3 < m; i += 4) {
            int a0 = aOff + i * kd;
            int c0 = cOff + i * n;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) rows4x4(a, a0, kd, b, bOff + j, n, c, c0 + j);
            for (; j + L <= n; j += L) rows4x1(a, a0, kd, b, bOff + j, n, c, c0 + j);
            if (j < n) {
                if (tailFits) rows4xPartial(a, a0, kd, b, bOff + j, n, c, c0 + j, n - j, tail);
                else scalarTail(a, a0, 4, kd, b, bOff, n, c, c0, j);
            }
        }
        for (; i < m; i++) {
            int a0 = aOff + i * kd;
            int c0 = cOff + i * n;
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) row1x4(a, a0, kd, b, bOff + j, n, c, c0 + j);
            for (; j + L <= n; j += L) row1x1(a, a0, kd, b, bOff + j, n, c, c0 + j);
            if (j < n) {
                if (tailFits) row1xPartial(a, a0, kd, b, bOff + j, n, c, c0 + j, n - j, tail);
                else scalarTail(a, a0, 1, kd, b, bOff, n, c, c0, j);
            }
        }
    }

    /** Columns [from, n) of `rows` rows, k outermost so that the chains of different elements overlap. */
    private static void scalarTail(float[] a, int a0, int rows, int kd, float[] b, int bOff, int n, float[] c, int c0, int from) {
        for (int k = 0; k < kd; k++) {
            int bk = bOff + k * n;
            for (int r = 0; r < rows; r++) {
                float v = a[a0 + r * kd + k];
                int cr = c0 + r * n;
                for (int j = from; j < n; j++) c[cr + j] = c[cr + j] + v * b[bk + j];
            }
        }
    }

    private static void rows4x4(float[] a, int a0, int kd, float[] b, int b0, int n, float[] c, int c0) {
        int c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        FloatVector s00 = FloatVector.fromArray(S, c, c0), s01 = FloatVector.fromArray(S, c, c0 + L),
                s02 = FloatVector.fromArray(S, c, c0 + 2 * L), s03 = FloatVector.fromArray(S, c, c0 + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, c, c1), s11 = FloatVector.fromArray(S, c, c1 + L),
                s12 = FloatVector.fromArray(S, c, c1 + 2 * L), s13 = FloatVector.fromArray(S, c, c1 + 3 * L);
        FloatVector s20 = FloatVector.fromArray(S, c, c2), s21 = FloatVector.fromArray(S, c, c2 + L),
                s22 = FloatVector.fromArray(S, c, c2 + 2 * L), s23 = FloatVector.fromArray(S, c, c2 + 3 * L);
        FloatVector s30 = FloatVector.fromArray(S, c, c3), s31 = FloatVector.fromArray(S, c, c3 + L),
                s32 = FloatVector.fromArray(S, c, c3 + 2 * L), s33 = FloatVector.fromArray(S, c, c3 + 3 * L);
        for (int k = 0; k < kd; k++) {
            int bk = b0 + k * n;
            FloatVector b0v = FloatVector.fromArray(S, b, bk), b1v = FloatVector.fromArray(S, b, bk + L),
                    b2v = FloatVector.fromArray(S, b, bk + 2 * L), b3v = FloatVector.fromArray(S, b, bk + 3 * L);
            float v0 = a[a0 + k], v1 = a[a0 + kd + k], v2 = a[a0 + 2 * kd + k], v3 = a[a0 + 3 * kd + k];
            s00 = s00.add(b0v.mul(v0)); s01 = s01.add(b1v.mul(v0)); s02 = s02.add(b2v.mul(v0)); s03 = s03.add(b3v.mul(v0));
            s10 = s10.add(b0v.mul(v1)); s11 = s11.add(b1v.mul(v1)); s12 = s12.add(b2v.mul(v1)); s13 = s13.add(b3v.mul(v1));
            s20 = s20.add(b0v.mul(v2)); s21 = s21.add(b1v.mul(v2)); s22 = s22.add(b2v.mul(v2)); s23 = s23.add(b3v.mul(v2));
            s30 = s30.add(b0v.mul(v3)); s31 = s31.add(b1v.mul(v3)); s32 = s32.add(b2v.mul(v3)); s33 = s33.add(b3v.mul(v3));
        }
        s00.intoArray(c, c0); s01.intoArray(c, c0 + L); s02.intoArray(c, c0 + 2 * L); s03.intoArray(c, c0 + 3 * L);
        s10.intoArray(c, c1); s11.intoArray(c, c1 + L); s12.intoArray(c, c1 + 2 * L); s13.intoArray(c, c1 + 3 * L);
        s20.intoArray(c, c2); s21.intoArray(c, c2 + L); s22.intoArray(c, c2 + 2 * L); s23.intoArray(c, c2 + 3 * L);
        s30.intoArray(c, c3); s31.intoArray(c, c3 + L); s32.intoArray(c, c3 + 2 * L); s33.intoArray(c, c3 + 3 * L);
    }

    private static void rows4x1(float[] a, int a0, int kd, float[] b, int b0, int n, float[] c, int c0) {
        int c1 = c0 + n, c2 = c1 + n, c3 = c2 + n;
        FloatVector s0 = FloatVector.fromArray(S, c, c0), s1 = FloatVector.fromArray(S, c, c1),
                s2 = FloatVector.fromArray(S, c, c2), s3 = FloatVector.fromArray(S, c, c3);
        for (int k = 0; k < kd; k++) {
            FloatVector bv = FloatVector.fromArray(S, b, b0 + k * n);
            s0 = s0.add(bv.mul(a[a0 + k]));
            s1 = s1.add(bv.mul(a[a0 + kd + k]));
            s2 = s2.add(bv.mul(a[a0 + 2 * kd + k]));
            s3 = s3.add(bv.mul(a[a0 + 3 * kd + k]));
        }
        s0.intoArray(c, c0); s1.intoArray(c, c1); s2.intoArray(c, c2); s3.intoArray(c, c3);
    }

    /** The last w (< L) columns of 4 rows: C is staged through tail so that nothing outside the w columns is written. */
    private static void rows4xPartial(float[] a, int a0, int kd, float[] b, int b0, int n, float[] c, int c0, int w, float[] tail) {
        for (int r = 0; r < 4; r++) System.arraycopy(c, c0 + r * n, tail, r * L, w);
        FloatVector s0 = FloatVector.fromArray(S, tail, 0), s1 = FloatVector.fromArray(S, tail, L),
                s2 = FloatVector.fromArray(S, tail, 2 * L), s3 = FloatVector.fromArray(S, tail, 3 * L);
        for (int k = 0; k < kd; k++) {
            FloatVector bv = FloatVector.fromArray(S, b, b0 + k * n);
            s0 = s0.add(bv.mul(a[a0 + k]));
            s1 = s1.add(bv.mul(a[a0 + kd + k]));
            s2 = s2.add(bv.mul(a[a0 + 2 * kd + k]));
            s3 = s3.add(bv.mul(a[a0 + 3 * kd + k]));
        }
        s0.intoArray(tail, 0); s1.intoArray(tail, L); s2.intoArray(tail, 2 * L); s3.intoArray(tail, 3 * L);
        for (int r = 0; r < 4; r++) System.arraycopy(tail, r * L, c, c0 + r * n, w);
    }

    private static void row1x4(float[] a, int a0, int kd, float[] b, int b0, int n, float[] c, int c0) {
        FloatVector s0 = FloatVector.fromArray(S, c, c0), s1 = FloatVector.fromArray(S, c, c0 + L),
                s2 = FloatVector.fromArray(S, c, c0 + 2 * L), s3 = FloatVector.fromArray(S, c, c0 + 3 * L);
        for (int k = 0; k < kd; k++) {
            int bk = b0 + k * n;
            float v = a[a0 + k];
            s0 = s0.add(FloatVector.fromArray(S, b, bk).mul(v));
            s1 = s1.add(FloatVector.fromArray(S, b, bk + L).mul(v));
            s2 = s2.add(FloatVector.fromArray(S, b, bk + 2 * L).mul(v));
            s3 = s3.add(FloatVector.fromArray(S, b, bk + 3 * L).mul(v));
        }
        s0.intoArray(c, c0); s1.intoArray(c, c0 + L); s2.intoArray(c, c0 + 2 * L); s3.intoArray(c, c0 + 3 * L);
    }

    private static void row1x1(float[] a, int a0, int kd, float[] b, int b0, int n, float[] c, int c0) {
        FloatVector s = FloatVector.fromArray(S, c, c0);
        for (int k = 0; k < kd; k++) s = s.add(FloatVector.fromArray(S, b, b0 + k * n).mul(a[a0 + k]));
        s.intoArray(c, c0);
    }

    private static void row1xPartial(float[] a, int a0, int kd, float[] b, int b0, int n, float[] c, int c0, int w, float[] tail) {
        System.arraycopy(c, c0, tail, 0, w);
        FloatVector s = FloatVector.fromArray(S, tail, 0);
        for (int k = 0; k < kd; k++) s = s.add(FloatVector.fromArray(S, b, b0 + k * n).mul(a[a0 + k]));
        s.intoArray(tail, 0);
        System.arraycopy(tail, 0, c, c0, w);
    }

    /**
     * {@link Kernels#exp} lane by lane, the same float operations in the same order. The hot loops below repeat this
     * body inline instead of calling it (see {@link #sigmoid}); tests compare it with the scalar exp.
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(Kernels.EXP_LO).min(Kernels.EXP_HI);
        FloatVector t = x.mul(Kernels.LOG2E).add(Kernels.ROUND);
        FloatVector n = t.sub(Kernels.ROUND);
        FloatVector r = x.sub(n.mul(Kernels.LN2_HI));
        r = r.sub(n.mul(Kernels.LN2_LO));
        FloatVector p = r.mul(Kernels.P0).add(Kernels.P1);
        p = p.mul(r).add(Kernels.P2);
        p = p.mul(r).add(Kernels.P3);
        p = p.mul(r).add(Kernels.P4);
        p = p.mul(r).add(Kernels.P5);
        p = p.mul(r.mul(r)).add(r);
        p = p.add(1f);
        return p.mul(t.reinterpretAsInts().sub(Kernels.EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
    }

    // The nonlinearities work array to array with exp written out inside the loop: as methods taking and returning
    // FloatVector they were not always inlined with exact types, and C2 then left vector operations as allocating
    // Java calls (JFR allocation samples in lanewiseTemplate, and one run at 40x the normal time).

    /** dst[j] = sigmoid(src[j]) = 1 / (1 + exp(-src[j])) for j in [0, w), w a multiple of the vector length. */
    private static void sigmoid(float[] src, int so, float[] dst, int d0, int w) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < w; j += L) {
            FloatVector x = FloatVector.fromArray(S, src, so + j).neg();
            x = x.max(Kernels.EXP_LO).min(Kernels.EXP_HI);
            FloatVector t = x.mul(Kernels.LOG2E).add(Kernels.ROUND);
            FloatVector n = t.sub(Kernels.ROUND);
            FloatVector r = x.sub(n.mul(Kernels.LN2_HI));
            r = r.sub(n.mul(Kernels.LN2_LO));
            FloatVector p = r.mul(Kernels.P0).add(Kernels.P1);
            p = p.mul(r).add(Kernels.P2);
            p = p.mul(r).add(Kernels.P3);
            p = p.mul(r).add(Kernels.P4);
            p = p.mul(r).add(Kernels.P5);
            p = p.mul(r.mul(r)).add(r);
            p = p.add(1f);
            FloatVector e = p.mul(t.reinterpretAsInts().sub(Kernels.EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            one.div(one.add(e)).intoArray(dst, d0 + j);
        }
    }

    /** dst[j] = tanh(src[j]) = 2 / (1 + exp(-2 src[j])) - 1 for j in [0, w), w a multiple of the vector length. */
    private static void tanh(float[] src, int so, float[] dst, int d0, int w) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        for (int j = 0; j < w; j += L) {
            FloatVector x = FloatVector.fromArray(S, src, so + j).mul(-2f);
            x = x.max(Kernels.EXP_LO).min(Kernels.EXP_HI);
            FloatVector t = x.mul(Kernels.LOG2E).add(Kernels.ROUND);
            FloatVector n = t.sub(Kernels.ROUND);
            FloatVector r = x.sub(n.mul(Kernels.LN2_HI));
            r = r.sub(n.mul(Kernels.LN2_LO));
            FloatVector p = r.mul(Kernels.P0).add(Kernels.P1);
            p = p.mul(r).add(Kernels.P2);
            p = p.mul(r).add(Kernels.P3);
            p = p.mul(r).add(Kernels.P4);
            p = p.mul(r).add(Kernels.P5);
            p = p.mul(r.mul(r)).add(r);
            p = p.add(1f);
            FloatVector e = p.mul(t.reinterpretAsInts().sub(Kernels.EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            two.div(one.add(e)).sub(one).intoArray(dst, d0 + j);
        }
    }

    /** x[j] = x[j] + y[j] for j in [0, w). */
    private static void addInto(float[] x, int xo, float[] y, int yo, int w) {
        for (int j = 0; j < w; j += L) {
            FloatVector.fromArray(S, x, xo + j).add(FloatVector.fromArray(S, y, yo + j)).intoArray(x, xo + j);
        }
    }

    /**
     * The GRU gates of one row for columns [0, returned value) in whole vectors, exactly as the scalar loop of
     * {@link CellMath#forward} computes them (same operations per element, in passes); the caller does the rest.
     */
    static int gruRow(int h, float[] act, int a, float[] hh, int r, float[] hPrev, int hp, float[] hOut, int o) {
        int w = h - h % L;
        if (w == 0) return 0;
        addInto(act, a, hh, r, w);
        sigmoid(act, a, act, a, w);
        addInto(act, a + h, hh, r + h, w);
        sigmoid(act, a + h, act, a + h, w);
        for (int j = 0; j < w; j += L) {
            FloatVector rg = FloatVector.fromArray(S, act, a + h + j);
            FloatVector.fromArray(S, act, a + 2 * h + j).add(rg.mul(FloatVector.fromArray(S, hh, r + 2 * h + j)))
                    .intoArray(act, a + 2 * h + j);
        }
        tanh(act, a + 2 * h, act, a + 2 * h, w);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int j = 0; j < w; j += L) {
            FloatVector z = FloatVector.fromArray(S, act, a + j);
            FloatVector n = FloatVector.fromArray(S, act, a + 2 * h + j);
            one.sub(z).mul(n).add(z.mul(FloatVector.fromArray(S, hPrev, hp + j))).intoArray(hOut, o + j);
        }
        return w;
    }

    /** The LSTM gates and state of one row for columns [0, returned value), as the scalar loop computes them. */
    static int lstmRow(int h, float[] act, int a, float[] cPrev, int cp, float[] hOut, int o, float[] cOut, int co) {
        int w = h - h % L;
        if (w == 0) return 0;
        sigmoid(act, a, act, a, w);
        sigmoid(act, a + h, act, a + h, w);
        tanh(act, a + 2 * h, act, a + 2 * h, w);
        sigmoid(act, a + 3 * h, act, a + 3 * h, w);
        for (int j = 0; j < w; j += L) {
            FloatVector ig = FloatVector.fromArray(S, act, a + j);
            FloatVector fg = FloatVector.fromArray(S, act, a + h + j);
            FloatVector gg = FloatVector.fromArray(S, act, a + 2 * h + j);
            fg.mul(FloatVector.fromArray(S, cPrev, cp + j)).add(ig.mul(gg)).intoArray(cOut, co + j);
        }
        tanh(cOut, co, hOut, o, w);
        for (int j = 0; j < w; j += L) {
            FloatVector.fromArray(S, act, a + 3 * h + j).mul(FloatVector.fromArray(S, hOut, o + j)).intoArray(hOut, o + j);
        }
        return w;
    }

    /** z[off + j] = exp(z[off + j] - shift) for j in [0, returned value), whole vectors only. */
    static int expShifted(float[] z, int off, int n, float shift) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector x = FloatVector.fromArray(S, z, off + j).sub(shift);
            x = x.max(Kernels.EXP_LO).min(Kernels.EXP_HI);
            FloatVector t = x.mul(Kernels.LOG2E).add(Kernels.ROUND);
            FloatVector n2 = t.sub(Kernels.ROUND);
            FloatVector r = x.sub(n2.mul(Kernels.LN2_HI));
            r = r.sub(n2.mul(Kernels.LN2_LO));
            FloatVector p = r.mul(Kernels.P0).add(Kernels.P1);
            p = p.mul(r).add(Kernels.P2);
            p = p.mul(r).add(Kernels.P3);
            p = p.mul(r).add(Kernels.P4);
            p = p.mul(r).add(Kernels.P5);
            p = p.mul(r.mul(r)).add(r);
            p = p.add(1f);
            p.mul(t.reinterpretAsInts().sub(Kernels.EXP_BIAS).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats()).intoArray(z, off + j);
        }
        return j;
    }

    /**
     * {@link Kernels#mulAddTransposedLeft} (the weight gradient G += A^T D of the trainer), register-blocked over 4 rows
     * of G by up to 4 vectors of columns, summing over the m rows of A and D in order. Unlike the scalar loop it does
     * not skip zero entries of A, which can only change the sign of a zero in G.
     */
    static void mulAddTransposedLeft(float[] a, int aOff, int m, int kd, float[] d, int dOff, int n, float[] g, int gOff) {
        int rem = n % L;
        boolean tailFits = rem != 0 && m > 0 && dOff + (m - 1) * n + (n - rem) + L <= d.length;
        float[] tail = tailFits ? TAIL.get() : null;
        int k = 0;
        for (; k + 3 < kd; k += 4) {
            int j = 0;
            for (; j + 4 * L <= n; j += 4 * L) gradRows4x4(a, aOff + k, m, kd, d, dOff + j, n, g, gOff + k * n + j);
            for (; j + L <= n; j += L) gradRows4x1(a, aOff + k, m, kd, d, dOff + j, n, g, gOff + k * n + j, n);
            if (j < n) {
                if (tailFits) {
                    int w = n - j;
                    for (int r = 0; r < 4; r++) System.arraycopy(g, gOff + (k + r) * n + j, tail, r * L, w);
                    gradRows4x1(a, aOff + k, m, kd, d, dOff + j, n, tail, 0, L);
                    for (int r = 0; r < 4; r++) System.arraycopy(tail, r * L, g, gOff + (k + r) * n + j, w);
                } else {
                    gradScalar(a, aOff, m, kd, k, k + 4, d, dOff, n, j, g, gOff);
                }
            }
        }
        if (k < kd) gradScalar(a, aOff, m, kd, k, kd, d, dOff, n, 0, g, gOff);
    }

    private static void gradScalar(float[] a, int aOff, int m, int kd, int k0, int k1, float[] d, int dOff, int n, int from,
                                   float[] g, int gOff) {
        for (int i = 0; i < m; i++) {
            int di = dOff + i * n;
            for (int k = k0; k < k1; k++) {
                float v = a[aOff + i * kd + k];
                int gk = gOff + k * n;
                for (int j = from; j < n; j++) g[gk + j] = g[gk + j] + v * d[di + j];
            }
        }
    }

    private static void gradRows4x4(float[] a, int a0, int m, int kd, float[] d, int d0, int n, float[] g, int g0) {
        int g1 = g0 + n, g2 = g1 + n, g3 = g2 + n;
        FloatVector s00 = FloatVector.fromArray(S, g, g0), s01 = FloatVector.fromArray(S, g, g0 + L),
                s02 = FloatVector.fromArray(S, g, g0 + 2 * L), s03 = FloatVector.fromArray(S, g, g0 + 3 * L);
        FloatVector s10 = FloatVector.fromArray(S, g, g1), s11 = FloatVector.fromArray(S, g, g1 + L),
                s12 = FloatVector.fromArray(S, g, g1 + 2 * L), s13 = FloatVector.fromArray(S, g, g1 + 3 * L);
        FloatVector s20 = FloatVector.fromArray(S, g, g2), s21 = FloatVector.fromArray(S, g, g2 + L),
                s22 = FloatVector.fromArray(S, g, g2 + 2 * L), s23 = FloatVector.fromArray(S, g, g2 + 3 * L);
        FloatVector s30 = FloatVector.fromArray(S, g, g3), s31 = FloatVector.fromArray(S, g, g3 + L),
                s32 = FloatVector.fromArray(S, g, g3 + 2 * L), s33 = FloatVector.fromArray(S, g, g3 + 3 * L);
        for (int i = 0; i < m; i++) {
            int di = d0 + i * n;
            int ai = a0 + i * kd;
            FloatVector d0v = FloatVector.fromArray(S, d, di), d1v = FloatVector.fromArray(S, d, di + L),
                    d2v = FloatVector.fromArray(S, d, di + 2 * L), d3v = FloatVector.fromArray(S, d, di + 3 * L);
            float v0 = a[ai], v1 = a[ai + 1], v2 = a[ai + 2], v3 = a[ai + 3];
            s00 = s00.add(d0v.mul(v0)); s01 = s01.add(d1v.mul(v0)); s02 = s02.add(d2v.mul(v0)); s03 = s03.add(d3v.mul(v0));
            s10 = s10.add(d0v.mul(v1)); s11 = s11.add(d1v.mul(v1)); s12 = s12.add(d2v.mul(v1)); s13 = s13.add(d3v.mul(v1));
            s20 = s20.add(d0v.mul(v2)); s21 = s21.add(d1v.mul(v2)); s22 = s22.add(d2v.mul(v2)); s23 = s23.add(d3v.mul(v2));
            s30 = s30.add(d0v.mul(v3)); s31 = s31.add(d1v.mul(v3)); s32 = s32.add(d2v.mul(v3)); s33 = s33.add(d3v.mul(v3));
        }
        s00.intoArray(g, g0); s01.intoArray(g, g0 + L); s02.intoArray(g, g0 + 2 * L); s03.intoArray(g, g0 + 3 * L);
        s10.intoArray(g, g1); s11.intoArray(g, g1 + L); s12.intoArray(g, g1 + 2 * L); s13.intoArray(g, g1 + 3 * L);
        s20.intoArray(g, g2); s21.intoArray(g, g2 + L); s22.intoArray(g, g2 + 2 * L); s23.intoArray(g, g2 + 3 * L);
        s30.intoArray(g, g3); s31.intoArray(g, g3 + L); s32.intoArray(g, g3 + 2 * L); s33.intoArray(g, g3 + 3 * L);
    }

    /** 4 rows of G (in out at o0, row stride os) by one vector of columns. */
    private static void gradRows4x1(float[] a, int a0, int m, int kd, float[] d, int d0, int n, float[] out, int o0,
                                    int os) {
        FloatVector s0 = FloatVector.fromArray(S, out, o0), s1 = FloatVector.fromArray(S, out, o0 + os),
                s2 = FloatVector.fromArray(S, out, o0 + 2 * os), s3 = FloatVector.fromArray(S, out, o0 + 3 * os);
        for (int i = 0; i < m; i++) {
            FloatVector dv = FloatVector.fromArray(S, d, d0 + i * n);
            int ai = a0 + i * kd;
            s0 = s0.add(dv.mul(a[ai]));
            s1 = s1.add(dv.mul(a[ai + 1]));
            s2 = s2.add(dv.mul(a[ai + 2]));
            s3 = s3.add(dv.mul(a[ai + 3]));
        }
        s0.intoArray(out, o0); s1.intoArray(out, o0 + os); s2.intoArray(out, o0 + 2 * os); s3.intoArray(out, o0 + 3 * os);
    }
}
