package io.seqstream.model;

/**
 * A bag of hashed n-grams beside the recurrent layers ("wide and deep"): every token adds, for n = 1..order, the
 * weight row of the bucket its n-gram (the token and the n - 1 tokens before it) hashes to, and the head adds the
 * running sum of those rows to its logits. The sum and the last order - 1 token ids are part of the stream's state,
 * so the model stays left to right and servable one token at a time. A recurrent network averages what it read into
 * a few dozen floats; the bag keeps exact phrase evidence ("not good", "waste of") whatever came between.
 *
 * <p>The bag moves the logits of classes 1..C-1 only: softmax ignores a shift common to all classes, so class 0's
 * column would add nothing but size (for sentiment, half of the table).
 *
 * <p>State part (after the recurrent layers and the mean readout): the running logit sums [classes - 1], then the
 * previous token ids, most recent first, each stored as id + 1 (0 = none, so a zeroed row is a fresh stream).
 *
 * @param order   longest n-gram (1-3)
 * @param buckets rows of the weight table [buckets, classes - 1] the n-grams hash into
 */
public record NgramBag(int order, int buckets) {

    public NgramBag {
        if (order < 1 || order > 3) throw new IllegalArgumentException("model spec: n-gram order must be 1..3, was " + order);
        if (buckets < 1) throw new IllegalArgumentException("model spec: n-gram buckets must be >= 1, was " + buckets);
    }

    /** Floats the bag adds to a stream's state: the running logit sums of classes 1..C-1, then order - 1 previous token ids. */
    public int stateWidth(int classes) { return classes - 1 + order - 1; }

    /** Parameters the bag adds: the weight table. */
    public long parameterCount(int classes) { return (long) buckets * (classes - 1); }

    /**
     * Every bucket a stream of these tokens adds, in order (token by token, n = 1..order): what the bag's running sums
     * add up after the last token. For training the bag on its own.
     */
    public int[] buckets(int[] tokens) {
        int[] out = new int[tokens.length * order];
        float[] prev = new float[Math.max(1, order - 1)];
        int k = 0;
        for (int token : tokens) {
            int count = ngramsEndingWith(prev, 0);
            for (int n = 1; n <= count; n++) out[k++] = bucket(n, token, prev, 0);
            shiftIn(token, prev, 0, prev, 0);
        }
        return java.util.Arrays.copyOf(out, k);
    }

    /** How many n-grams the next token ends: one more than the previous ids known (stored > 0), at most order. */
    private int ngramsEndingWith(float[] state, int prevOff) {
        int known = 0;
        while (known < order - 1 && state[prevOff + known] > 0f) known++;
        return known + 1;
    }

    /** The previous ids after the token: it first (as id + 1), the older ones one place on; in place when in == out. */
    private void shiftIn(int token, float[] in, int inPrev, float[] out, int outPrev) {
        for (int k = order - 2; k >= 1; k--) out[outPrev + k] = in[inPrev + k - 1];
        if (order > 1) out[outPrev] = token + 1f;
    }

    /** Bucket of the n-gram ending with token, with the previous ids prev[0] (most recent) .. prev[n - 2]. */
    int bucket(int n, int token, float[] state, int prevOff) {
        long x = 0x9E3779B97F4A7C15L * n + token;
        for (int k = 0; k < n - 1; k++) {
            x = mix(x) + (long) state[prevOff + k];
        }
        return (int) Long.remainderUnsigned(mix(x), buckets);
    }

    private static long mix(long x) {
        x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
        x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
        return x ^ (x >>> 31);
    }

    /**
     * Advances one stream's bag part by one token: out = in's sums plus the rows of the token's n-grams, and the
     * token shifted into the previous ids. The full-sequence pass and the batched step both go through here, so they
     * produce the same bits. in and out may not overlap.
     *
     * @param features out: the buckets added, order entries from featOff (-1 where the stream has fewer tokens); may be null
     */
    void advance(float[] w, int tableOff, int classes, float[] in, int inOff, int token, float[] out, int outOff,
                 int[] features, int featOff) {
        int columns = classes - 1;
        System.arraycopy(in, inOff, out, outOff, columns);
        int prevOff = inOff + columns;
        int count = ngramsEndingWith(in, prevOff);
        for (int n = 1; n <= order; n++) {
            int f = n <= count ? bucket(n, token, in, prevOff) : -1;
            if (features != null) features[featOff + n - 1] = f;
            if (f < 0) continue;
            int row = tableOff + f * columns;
            for (int c = 0; c < columns; c++) out[outOff + c] += w[row + c];
        }
        shiftIn(token, in, prevOff, out, outOff + columns);
    }
}
