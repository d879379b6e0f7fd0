package io.seqstream.model;

/** The input projections and the softmax head, shared by the full-sequence pass and the batched step. */
final class Projections {
    private Projections() {
    }

    /**
     * out[m, G*H] = b + x*Wx for the first layer: a row gather of Wx for one-hot tokens (or the embedding
     * times Wx), plus the row of the stream's parameter category when the model takes one.
     *
     * @param emb [m, embed] scratch that receives the gathered embeddings (embedding input only)
     */
    static void firstLayer(ParameterLayout l, float[] w, int m, int[] tokens, int[] params,
                           float[] emb, int embOff, float[] out, int outOff) {
        ModelSpec s = l.spec();
        int gh = s.cell().gates() * s.hidden();
        int paramBase;
        if (s.input() == InputKind.ONE_HOT) {
            // One pass per row: bias + the token's row of Wx (the same sum as copying the bias, then adding).
            int bias = l.bias(0);
            for (int i = 0; i < m; i++) {
                int row = l.wx(0) + tokens[i] * gh;
                int o = outOff + i * gh;
                for (int j = 0; j < gh; j++) out[o + j] = w[bias + j] + w[row + j];
            }
            paramBase = s.vocab();
        } else {
            Kernels.broadcastRows(w, l.bias(0), out, outOff, m, gh);
            int d = s.embed();
            for (int i = 0; i < m; i++) {
                System.arraycopy(w, l.embedding() + tokens[i] * d, emb, embOff + i * d, d);
            }
            Kernels.mulAdd(emb, embOff, m, d, w, l.wx(0), gh, out, outOff);
            paramBase = d;
        }
        if (s.params() > 0 && params != null) {
            for (int i = 0; i < m; i++) {
                Kernels.add(w, l.wx(0) + (paramBase + params[i]) * gh, out, outOff + i * gh, gh);
            }
        }
    }

    /** out[m, G*H] = b + x*Wx for a layer above the first, whose input x [m, H] is the layer below's h. */
    static void upperLayer(ParameterLayout l, float[] w, int layer, int m, float[] x, int xOff, float[] out, int outOff) {
        ModelSpec s = l.spec();
        int gh = s.cell().gates() * s.hidden();
        Kernels.broadcastRows(w, l.bias(layer), out, outOff, m, gh);
        Kernels.mulAdd(x, xOff, m, s.hidden(), w, l.wx(layer), gh, out, outOff);
    }

    /** probs[m, C] = softmax(by + h*Wy). */
    static void head(ParameterLayout l, float[] w, int m, float[] h, int hOff, float[] probs, int pOff) {
        head(l, w, m, h, hOff, null, 0, 0, probs, pOff);
    }

    /**
     * probs[m, C] = softmax(by + h*Wy + [0, extra]), where extra (the n-gram bag's running sums of classes 1..C-1) is
     * row i at extra[extraOff + i * extraStride .. + C - 1]; null adds nothing.
     */
    static void head(ParameterLayout l, float[] w, int m, float[] h, int hOff, float[] extra, int extraOff, int extraStride,
                     float[] probs, int pOff) {
        ModelSpec s = l.spec();
        int c = s.classes();
        Kernels.broadcastRows(w, l.by(), probs, pOff, m, c);
        Kernels.mulAdd(h, hOff, m, s.hidden(), w, l.wy(), c, probs, pOff);
        if (extra != null) {
            for (int i = 0; i < m; i++) {
                for (int j = 1; j < c; j++) probs[pOff + i * c + j] += extra[extraOff + i * extraStride + j - 1];
            }
        }
        Kernels.softmaxRows(probs, pOff, m, c);
    }
}
