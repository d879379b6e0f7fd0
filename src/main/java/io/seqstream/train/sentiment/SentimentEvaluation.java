package io.seqstream.train.sentiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ObjIntConsumer;
import java.util.stream.IntStream;

/**
 * Accuracy of a sentiment model on whole reviews (the running score after the last word) and the running
 * accuracy a live reader sees part-way: the score after the first 25 %, 50 % and 75 % of each review's words
 * (at least one word). A score of 0.5 or more reads as positive. Reviews are batched by length under a token
 * budget and a count limit, so long reviews do not pad short ones.
 */
public final class SentimentEvaluation {
    /** The fractions of each review after which the running accuracy is measured. */
    public static final double[] FRACTIONS = {0.25, 0.5, 0.75, 1.0};
    /** Reviews per evaluation batch at most. */
    public static final int MAX_BATCH = 64;

    private SentimentEvaluation() {
    }

    /**
     * @param accuracy    per fraction of {@link #FRACTIONS}; the last one (1.0) is the test accuracy
     * @param reviews     reviews scored
     * @param meanLogLoss cross-entropy of the final score
     */
    public record Result(double[] accuracy, int reviews, double meanLogLoss) {
        public double finalAccuracy() { return accuracy[accuracy.length - 1]; }
    }

    /** Word position (0-based) whose running score counts at a fraction of a review of n words. */
    public static int position(int n, double fraction) {
        return Math.max(1, (int) Math.ceil(fraction * n)) - 1;
    }

    public static Result evaluate(RunningScorer model, Encoded data, int tokenBudget) {
        int n = data.size();
        long[] correct = new long[FRACTIONS.length];
        double[] logLoss = {0};
        forEachRunning(model, data.ids(), tokenBudget, (run, i) -> {
            int label = data.labels()[i];
            for (int f = 0; f < FRACTIONS.length; f++) {
                int pred = run[position(run.length, FRACTIONS[f])] >= 0.5f ? 1 : 0;
                if (pred == label) correct[f]++;
            }
            float last = run[run.length - 1];
            logLoss[0] -= Math.log(Math.max(label == 1 ? last : 1 - last, 1e-30));
        });
        double[] acc = new double[FRACTIONS.length];
        for (int f = 0; f < acc.length; f++) acc[f] = n == 0 ? Double.NaN : (double) correct[f] / n;
        return new Result(acc, n, n == 0 ? Double.NaN : logLoss[0] / n);
    }

    /**
     * Runs the model over the sequences batched by length (shortest first, under the token budget and at most
     * {@link #MAX_BATCH} per batch, so long sequences do not pad short ones) and hands each sequence's running scores
     * to each, with the sequence's index in ids.
     */
    public static void forEachRunning(RunningScorer model, List<int[]> ids, int tokenBudget, ObjIntConsumer<float[]> each) {
        int n = ids.size();
        Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
        java.util.Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        int from = 0;
        while (from < n) {
            int to = from;
            List<int[]> batch = new ArrayList<>();
            // Sorted ascending: the last sequence added is the longest, so padded size = count * its length.
            // At most MAX_BATCH reviews: the network's workspace grows to the largest batch times the longest review.
            while (to < n && (batch.isEmpty() || (batch.size() < MAX_BATCH
                    && (long) (batch.size() + 1) * ids.get(order[to]).length <= tokenBudget))) {
                batch.add(ids.get(order[to]));
                to++;
            }
            float[][] p = model.running(batch);
            for (int k = 0; k < batch.size(); k++) each.accept(p[k], order[from + k]);
            from = to;
        }
    }
}
