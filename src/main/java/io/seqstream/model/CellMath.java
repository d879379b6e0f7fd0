package io.seqstream.model;

import static io.seqstream.model.Kernels.sigmoid;
import static io.seqstream.model.Kernels.tanh;

/**
 * One formula per cell, used by both the trainer's full-sequence pass and the processor's batched step,
 * so the two cannot drift apart. Works on m rows at a time; all arrays are row-major with offsets.
 */
public final class CellMath {
    private CellMath() {
    }

    /**
     * Advances m rows of one layer by one step.
     *
     * @param act   [m, G*H]: on entry the input projection x*Wx + b; on exit the gate activations (kept for backward)
     * @param hh    [m, G*H] scratch for h*Wh; for GRU its candidate block is kept for backward
     * @param hPrev [m, H] previous hidden state; cPrev likewise (LSTM only, else ignored)
     * @param hOut  [m, H] new hidden state; cOut likewise (LSTM only)
     */
    public static void forward(CellType cell, int m, int h, float[] w, int whOff,
                               float[] act, int actOff, float[] hh, int hhOff,
                               float[] hPrev, int hpOff, float[] cPrev, int cpOff,
                               float[] hOut, int hOff, float[] cOut, int cOff) {
        int gh = cell.gates() * h;
        switch (cell) {
            case RNN -> {
                Kernels.mulAdd(hPrev, hpOff, m, h, w, whOff, gh, act, actOff);
                for (int i = 0; i < m; i++) {
                    forwardRow(cell, h, 0, act, actOff + i * gh, hh, 0, hPrev, 0, cPrev, 0, hOut, hOff + i * h, cOut, 0);
                }
            }
            case LSTM -> {
                Kernels.mulAdd(hPrev, hpOff, m, h, w, whOff, gh, act, actOff);
                for (int i = 0; i < m; i++) {
                    int a = actOff + i * gh;
                    int o = hOff + i * h;
                    int co = cOff + i * h;
                    int cp = cpOff + i * h;
                    int from = Kernels.VECTOR ? VectorKernels.lstmRow(h, act, a, cPrev, cp, hOut, o, cOut, co) : 0;
                    forwardRow(cell, h, from, act, a, hh, 0, hPrev, 0, cPrev, cp, hOut, o, cOut, co);
                }
            }
            case GRU -> {
                java.util.Arrays.fill(hh, hhOff, hhOff + m * gh, 0f);
                Kernels.mulAdd(hPrev, hpOff, m, h, w, whOff, gh, hh, hhOff);
                for (int i = 0; i < m; i++) {
                    int a = actOff + i * gh;
                    int r = hhOff + i * gh;
                    int o = hOff + i * h;
                    int hp = hpOff + i * h;
                    int from = Kernels.VECTOR ? VectorKernels.gruRow(h, act, a, hh, r, hPrev, hp, hOut, o) : 0;
                    forwardRow(cell, h, from, act, a, hh, r, hPrev, hp, cPrev, 0, hOut, o, cOut, 0);
                }
            }
            default -> throw new IllegalStateException(cell.name());
        }
    }

    /**
     * Back-propagates one step of one layer for m rows.
     *
     * @param dh     [m, H] total gradient on this step's h (from above and from step t+1)
     * @param dc     [m, H] gradient on this step's c from step t+1 (LSTM only)
     * @param da     [m, G*H] out: gradient on the input projection x*Wx + b
     * @param dhh    [m, G*H] out: gradient on h_prev*Wh (the same array as da may be passed for RNN and LSTM)
     * @param dhPrev [m, H] out: the part of dh_prev that does not flow through Wh (GRU's z*h path; zero otherwise)
     * @param dcPrev [m, H] out: gradient on c_prev (LSTM only)
     */
    public static void backward(CellType cell, int m, int h,
                                float[] act, int actOff, float[] hh, int hhOff,
                                float[] hPrev, int hpOff, float[] cPrev, int cpOff, float[] c, int cOff,
                                float[] dh, int dhOff, float[] dc, int dcOff,
                                float[] da, float[] dhh, float[] dhPrev, float[] dcPrev) {
        int gh = cell.gates() * h;
        for (int i = 0; i < m; i++) {
            backwardRow(cell, h, act, actOff + i * gh, hh, hhOff + i * gh, hPrev, hpOff + i * h, cPrev, cpOff + i * h,
                    c, cOff + i * h, dh, dhOff + i * h, dc, dcOff + i * h, da, i * gh, dhh, i * gh, dhPrev, i * h, dcPrev, i * h);
        }
        if (cell != CellType.GRU && dhh != da) System.arraycopy(da, 0, dhh, 0, m * gh);
    }

    /**
     * The cell's forward arithmetic for elements from..h-1 of one row, in the order every implementation follows (the
     * CPU device trainer calls it too; cuda/kernels.cu has the same per element): gates activated in place in act, then
     * c (LSTM) and h. hh is GRU's h*Wh row; cPrev and cOut are LSTM's.
     */
    public static void forwardRow(CellType cell, int h, int from, float[] act, int a, float[] hh, int q,
                                  float[] hPrev, int hp, float[] cPrev, int cp, float[] hOut, int o, float[] cOut, int co) {
        switch (cell) {
            case RNN -> {
                for (int j = from; j < h; j++) {
                    float v = tanh(act[a + j]);
                    act[a + j] = v;
                    hOut[o + j] = v;
                }
            }
            case LSTM -> {
                for (int j = from; j < h; j++) {
                    float ig = sigmoid(act[a + j]);
                    float fg = sigmoid(act[a + h + j]);
                    float gg = tanh(act[a + 2 * h + j]);
                    float og = sigmoid(act[a + 3 * h + j]);
                    act[a + j] = ig;
                    act[a + h + j] = fg;
                    act[a + 2 * h + j] = gg;
                    act[a + 3 * h + j] = og;
                    float c = fg * cPrev[cp + j] + ig * gg;
                    cOut[co + j] = c;
                    hOut[o + j] = og * tanh(c);
                }
            }
            case GRU -> {
                for (int j = from; j < h; j++) {
                    float z = sigmoid(act[a + j] + hh[q + j]);
                    float rg = sigmoid(act[a + h + j] + hh[q + h + j]);
                    float n = tanh(act[a + 2 * h + j] + rg * hh[q + 2 * h + j]);
                    act[a + j] = z;
                    act[a + h + j] = rg;
                    act[a + 2 * h + j] = n;
                    hOut[o + j] = (1f - z) * n + z * hPrev[hp + j];
                }
            }
            default -> throw new IllegalStateException(cell.name());
        }
    }

    /**
     * The cell's backward arithmetic for one row: da (the gradient on x*Wx + b) from the kept activations and dh (and
     * dc); GRU also writes dhh (on h_prev*Wh) and the z*h part of dh_prev, LSTM dc_prev; dhPrev is zeroed otherwise.
     * dhh is written for GRU only (for RNN and LSTM it equals da).
     */
    public static void backwardRow(CellType cell, int h, float[] act, int a, float[] hh, int q, float[] hPrev, int hp,
                                   float[] cPrev, int cp, float[] c, int co, float[] dh, int d, float[] dc, int dco,
                                   float[] da, int o, float[] dhh, int dq, float[] dhPrev, int dp, float[] dcPrev, int dcp) {
        switch (cell) {
            case RNN -> {
                for (int j = 0; j < h; j++) {
                    float v = act[a + j];
                    da[o + j] = dh[d + j] * (1f - v * v);
                    dhPrev[dp + j] = 0f;
                }
            }
            case LSTM -> {
                for (int j = 0; j < h; j++) {
                    float ig = act[a + j];
                    float fg = act[a + h + j];
                    float gg = act[a + 2 * h + j];
                    float og = act[a + 3 * h + j];
                    float tc = tanh(c[co + j]);
                    float g = dh[d + j];
                    float dct = dc[dco + j] + g * og * (1f - tc * tc);
                    da[o + j] = dct * gg * ig * (1f - ig);
                    da[o + h + j] = dct * cPrev[cp + j] * fg * (1f - fg);
                    da[o + 2 * h + j] = dct * ig * (1f - gg * gg);
                    da[o + 3 * h + j] = g * tc * og * (1f - og);
                    dcPrev[dcp + j] = dct * fg;
                    dhPrev[dp + j] = 0f;
                }
            }
            case GRU -> {
                for (int j = 0; j < h; j++) {
                    float z = act[a + j];
                    float rg = act[a + h + j];
                    float n = act[a + 2 * h + j];
                    float g = dh[d + j];
                    float hpv = hPrev[hp + j];
                    float dan = g * (1f - z) * (1f - n * n);
                    float daz = g * (hpv - n) * z * (1f - z);
                    float dar = dan * hh[q + 2 * h + j] * rg * (1f - rg);
                    da[o + j] = daz;
                    da[o + h + j] = dar;
                    da[o + 2 * h + j] = dan;
                    dhh[dq + j] = daz;
                    dhh[dq + h + j] = dar;
                    dhh[dq + 2 * h + j] = dan * rg;
                    dhPrev[dp + j] = g * z;
                }
            }
            default -> throw new IllegalStateException(cell.name());
        }
    }
}
