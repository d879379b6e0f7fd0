package io.seqstream.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Generates continuations from a next-token model with {@link BatchedStep}, the step the processors serve with:
 * n samples advance together, one batched step per generated position, and a sample leaves the batch when it
 * draws the end token. Temperature t reweights the model's distribution to p^(1/t) (renormalised); t = 0 takes
 * the most likely token.
 */
public final class Sampler {
    private final Parameters params;
    private final ModelSpec spec;
    private final BatchedStep step;

    public Sampler(Parameters params) {
        this.params = params;
        this.spec = params.spec();
        if (spec.params() > 0) throw new IllegalArgumentException("sampling: models with a stream parameter are not supported");
        if (spec.vocab() != spec.classes()) {
            throw new IllegalArgumentException("sampling needs inputs and outputs over the same ids (vocab " + spec.vocab()
                    + ", classes " + spec.classes() + ")");
        }
        this.step = new BatchedStep(spec, 64);
    }

    /**
     * One generated continuation.
     *
     * @param ids   the generated ids (the end token left out)
     * @param ended the end token was drawn (false: cut at the maximum length)
     */
    public record Sample(int[] ids, boolean ended) {
    }

    /**
     * @param prefix      ids fed before generating (e.g. the start token and the seed text); at least one
     * @param n           samples
     * @param temperature 0 = argmax; otherwise &gt; 0
     * @param maxLength   most ids generated per sample
     * @param endId       the id that ends a sample, or -1 for none
     */
    public List<Sample> sample(int[] prefix, int n, double temperature, int maxLength, int endId, Random rng) {
        if (prefix.length == 0) throw new IllegalArgumentException("sampling needs at least one prefix token (the start token)");
        if (!(temperature >= 0) || Double.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0, was " + temperature);
        if (n < 1) throw new IllegalArgumentException("need at least one sample, was " + n);
        if (maxLength < 0) throw new IllegalArgumentException("max length must be >= 0, was " + maxLength);
        int classes = spec.classes();
        float[] states = new float[n * spec.stateWidth()];
        float[] probs = new float[n * classes];
        int[] rows = new int[n];
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) rows[i] = i;
        for (int id : prefix) {
            Arrays.fill(tokens, id);
            step.step(params, n, tokens, null, states, rows, probs);
        }
        int[][] generated = new int[n][maxLength];
        int[] lengths = new int[n];
        boolean[] ended = new boolean[n];
        // active[j] = sample whose state row is rows[j]; probs row j belongs to it.
        int[] active = new int[n];
        for (int i = 0; i < n; i++) active[i] = i;
        int k = n;
        double[] w = new double[classes];
        for (int pos = 0; pos < maxLength && k > 0; pos++) {
            int keep = 0;
            for (int j = 0; j < k; j++) {
                int s = active[j];
                int id = draw(probs, j * classes, classes, temperature, rng, w);
                if (id == endId) {
                    ended[s] = true;
                    continue;
                }
                generated[s][lengths[s]++] = id;
                active[keep] = s;
                rows[keep] = s;
                tokens[keep] = id;
                keep++;
            }
            k = keep;
            if (k > 0 && pos + 1 < maxLength) step.step(params, k, tokens, null, states, rows, probs);
        }
        List<Sample> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) samples.add(new Sample(Arrays.copyOf(generated[i], lengths[i]), ended[i]));
        return samples;
    }

    /** Draws from one distribution reweighted by the temperature. */
    static int draw(float[] p, int off, int classes, double temperature, Random rng, double[] w) {
        int best = 0;
        for (int j = 1; j < classes; j++) if (p[off + j] > p[off + best]) best = j;
        if (temperature == 0) return best;
        double max = Math.log(Math.max(p[off + best], Float.MIN_VALUE));
        double sum = 0;
        for (int j = 0; j < classes; j++) {
            double v = p[off + j] <= 0 ? 0 : Math.exp((Math.log(p[off + j]) - max) / temperature);
            w[j] = v;
            sum += v;
        }
        double u = rng.nextDouble() * sum;
        for (int j = 0; j < classes; j++) {
            u -= w[j];
            if (u < 0) return j;
        }
        return best;
    }
}
