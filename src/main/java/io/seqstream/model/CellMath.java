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
                    int a = actOff + i * gh;
                    int o = hOff + i * h;
                    for (int j = 0; j < h; j++) {
                        float v = tanh(act[a + j]);
                        act[a + j] = v;
                        hOut[o + j] = v;
                    }
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
                    for (int j = from; j < h; j++) {
                        float z = sigmoid(act[a + j] + hh[r + j]);
                        float rg = sigmoid(act[a + h + j] + hh[r + h + j]);
                        float n = tanh(act[a + 2 * h + j] + rg * hh[r + 2 * h + j]);
                        act[a + j] = z;
                        act[a + h + j] = rg;
                        act[a + 2 * h + j] = n;
                        hOut[o + j] = (1f - z) * n + z * hPrev[hp + j];
                    }
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
        switch (cell) {
            case RNN -> {
                for (int i = 0; i < m; i++) {
                    int a = actOff + i * gh;
                    int d = dhOff + i * h;
                    for (int j = 0; j < h; j++) {
                        float v = act[a + j];
                        da[i * gh + j] = dh[d + j] * (1f - v * v);
                        dhPrev[i * h + j] = 0f;
                    }
                }
                if (dhh != da) System.arraycopy(da, 0, dhh, 0, m * gh);
            }
            case LSTM -> {
                for (int i = 0; i < m; i++) {
                    int a = actOff + i * gh;
                    int d = dhOff + i * h;
                    for (int j = 0; j < h; j++) {
                        float ig = act[a + j];
                        float fg = act[a + h + j];
                        float gg = act[a + 2 * h + j];
                        float og = act[a + 3 * h + j];
                        float tc = tanh(c[cOff + i * h + j]);
                        float g = dh[d + j];
                        float dct = dc[dcOff + i * h + j] + g * og * (1f - tc * tc);
                        int o = i * gh;
                        da[o + j] = dct * gg * ig * (1f - ig);
                        da[o + h + j] = dct * cPrev[cpOff + i * h + j] * fg * (1f - fg);
                        da[o + 2 * h + j] = dct * ig * (1f - gg * gg);
                        da[o + 3 * h + j] = g * tc * og * (1f - og);
                        dcPrev[i * h + j] = dct * fg;
                        dhPrev[i * h + j] = 0f;
                    }
                }
                if (dhh != da) System.arraycopy(da, 0, dhh, 0, m * gh);
            }
            case GRU -> {
                for (int i = 0; i < m; i++) {
                    int a = actOff + i * gh;
                    int r0 = hhOff + i * gh;
                    int d = dhOff + i * h;
                    int o = i * gh;
                    for (int j = 0; j < h; j++) {
                        float z = act[a + j];
                        float rg = act[a + h + j];
                        float n = act[a + 2 * h + j];
                        float g = dh[d + j];
                        float hp = hPrev[hpOff + i * h + j];
                        float dan = g * (1f - z) * (1f - n * n);
                        float daz = g * (hp - n) * z * (1f - z);
                        float dar = dan * hh[r0 + 2 * h + j] * rg * (1f - rg);
                        da[o + j] = daz;
                        da[o + h + j] = dar;
                        da[o + 2 * h + j] = dan;
                        dhh[o + j] = daz;
                        dhh[o + h + j] = dar;
                        dhh[o + 2 * h + j] = dan * rg;
                        dhPrev[i * h + j] = g * z;
                    }
                }
            }
            default -> throw new IllegalStateException(cell.name());
        }
    }
}
