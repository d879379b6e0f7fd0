package io.seqstream.train.sentiment;

import io.seqstream.model.Network;
import io.seqstream.model.SequenceBatch;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The course's MLP baseline: embedding, the same linear layer + ReLU on every word, a max pool over time, and a
 * linear layer to two classes (softmax). Its running score after word t pools words 0..t, so it too gives a
 * P(positive) per word. Layout of the flat vector: E [vocab, d], W1 [d, H], b1 [H], W2 [H, 2], b2 [2].
 */
public final class MlpModel implements SentimentModel {
    private final int vocab;
    private final int d;
    private final int h;
    private final float[] w;
    private final int oE;
    private final int oW1;
    private final int oB1;
    private final int oW2;
    private final int oB2;

    public MlpModel(int vocab, int embed, int hidden, long seed) {
        this.vocab = vocab;
        this.d = embed;
        this.h = hidden;
        oE = 0;
        oW1 = vocab * embed;
        oB1 = oW1 + embed * hidden;
        oW2 = oB1 + hidden;
        oB2 = oW2 + hidden * 2;
        w = new float[oB2 + 2];
        SplittableRandom rng = new SplittableRandom(seed);
        fill(oE, vocab * embed, (float) Math.sqrt(6.0 / (vocab + embed)), rng);
        fill(oW1, embed * hidden, (float) Math.sqrt(6.0 / (embed + hidden)), rng);
        fill(oW2, hidden * 2, (float) Math.sqrt(6.0 / (hidden + 2)), rng);
    }

    private void fill(int off, int n, float limit, SplittableRandom rng) {
        for (int i = 0; i < n; i++) w[off + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
    }

    /** Offset of the embedding table in {@link #values()} (row-major [vocab, embed]). */
    public int embeddingOffset() { return oE; }

    @Override
    public float[] values() { return w; }

    /** z[t, H] = relu(E[x_t] W1 + b1). */
    private float[] hiddenLayer(int[] x, int n) {
        float[] z = new float[n * h];
        for (int t = 0; t < n; t++) {
            int zo = t * h;
            System.arraycopy(w, oB1, z, zo, h);
            int e = oE + x[t] * d;
            for (int k = 0; k < d; k++) {
                float ek = w[e + k];
                int row = oW1 + k * h;
                for (int j = 0; j < h; j++) z[zo + j] += ek * w[row + j];
            }
            for (int j = 0; j < h; j++) if (z[zo + j] < 0) z[zo + j] = 0;
        }
        return z;
    }

    private float positive(float[] m) {
        float l0 = w[oB2];
        float l1 = w[oB2 + 1];
        for (int j = 0; j < h; j++) {
            l0 += m[j] * w[oW2 + j * 2];
            l1 += m[j] * w[oW2 + j * 2 + 1];
        }
        return (float) (1.0 / (1.0 + Math.exp(l0 - l1)));
    }

    @Override
    public Network.Loss lossAndGradient(SequenceBatch batch, float[] grad) {
        java.util.Arrays.fill(grad, 0f);
        int b = batch.size();
        double loss = 0;
        int scored = 0;
        int correct = 0;
        float[] m = new float[h];
        int[] arg = new int[h];
        for (int i = 0; i < b; i++) {
            int n = batch.lengths[i];
            if (n == 0) continue;
            int label = batch.targets[i][n - 1];
            if (label < 0) continue;
            int[] x = batch.inputs[i];
            float[] z = hiddenLayer(x, n);
            for (int j = 0; j < h; j++) {
                m[j] = z[j];
                arg[j] = 0;
            }
            for (int t = 1; t < n; t++) {
                for (int j = 0; j < h; j++) {
                    if (z[t * h + j] > m[j]) {
                        m[j] = z[t * h + j];
                        arg[j] = t;
                    }
                }
            }
            float p1 = positive(m);
            loss -= Math.log(Math.max(label == 1 ? p1 : 1 - p1, 1e-30f));
            if ((p1 >= 0.5f ? 1 : 0) == label) correct++;
            scored++;
            // d loss / d logits = p - onehot; summed here, divided by the batch's scored count below.
            float g1 = p1 - (label == 1 ? 1 : 0);
            float g0 = -g1;
            grad[oB2] += g0;
            grad[oB2 + 1] += g1;
            for (int j = 0; j < h; j++) {
                grad[oW2 + j * 2] += m[j] * g0;
                grad[oW2 + j * 2 + 1] += m[j] * g1;
                if (m[j] <= 0) continue; // ReLU inactive at the max: no gradient below
                float dm = g0 * w[oW2 + j * 2] + g1 * w[oW2 + j * 2 + 1];
                int e = oE + x[arg[j]] * d;
                grad[oB1 + j] += dm;
                for (int k = 0; k < d; k++) {
                    grad[oW1 + k * h + j] += w[e + k] * dm;
                    grad[e + k] += w[oW1 + k * h + j] * dm;
                }
            }
        }
        if (scored == 0) return new Network.Loss(0, 0, 0);
        float inv = 1f / scored;
        for (int j = 0; j < grad.length; j++) grad[j] *= inv;
        return new Network.Loss(loss / scored, scored, correct);
    }

    @Override
    public float[][] running(List<int[]> sequences) {
        float[][] out = new float[sequences.size()][];
        float[] m = new float[h];
        for (int i = 0; i < out.length; i++) {
            int[] x = sequences.get(i);
            float[] z = hiddenLayer(x, x.length);
            out[i] = new float[x.length];
            java.util.Arrays.fill(m, 0f); // ReLU outputs are >= 0, so 0 is a neutral start for the max
            for (int t = 0; t < x.length; t++) {
                for (int j = 0; j < h; j++) m[j] = Math.max(m[j], z[t * h + j]);
                out[i][t] = positive(m);
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "MLP (per-word linear %d + ReLU, max pool, linear), embedding %d, vocabulary %d", h, d, vocab);
    }
}
