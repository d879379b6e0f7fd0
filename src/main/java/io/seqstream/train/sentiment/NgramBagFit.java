package io.seqstream.train.sentiment;

import io.seqstream.model.NgramBag;
import io.seqstream.train.Lbfgs;
import java.util.Arrays;
import java.util.List;

/**
 * Trains an {@link NgramBag} on its own: L2-regularised logistic regression on the counts of each review's hashed
 * n-grams (whole reviews, every n-gram the served bag would add), minimised with L-BFGS. Convex, so the fit depends on
 * the data and the regularisation only; the caller picks the regularisation on validation.
 */
public final class NgramBagFit {

    /** Logit of the positive class = bias + sum of weights[bucket] over the review's n-grams. */
    public record Weights(float[] weights, float bias, double lambda, int iterations) {

        /** The positive-class logit after the whole review. */
        public double logit(NgramBag bag, int[] tokens) {
            double z = bias;
            for (int f : bag.buckets(tokens)) z += weights[f];
            return z;
        }
    }

    /** Reviews as sorted distinct buckets with their counts (CSR rows). */
    record Rows(int[] start, int[] bucket, float[] count, int[] labels) {
        int size() { return labels.length; }
    }

    private NgramBagFit() {
    }

    static Rows rows(NgramBag bag, List<int[]> reviews, int[] labels) {
        int[] start = new int[reviews.size() + 1];
        int[][] parts = new int[reviews.size()][];
        float[][] counts = new float[reviews.size()][];
        int total = 0;
        for (int i = 0; i < reviews.size(); i++) {
            int[] b = bag.buckets(reviews.get(i));
            Arrays.sort(b);
            int distinct = 0;
            for (int k = 0; k < b.length; k++) if (k == 0 || b[k] != b[k - 1]) distinct++;
            parts[i] = new int[distinct];
            counts[i] = new float[distinct];
            int d = -1;
            for (int k = 0; k < b.length; k++) {
                if (k == 0 || b[k] != b[k - 1]) parts[i][++d] = b[k];
                counts[i][d]++;
            }
            total += distinct;
        }
        int[] bucket = new int[total];
        float[] count = new float[total];
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            start[i] = at;
            System.arraycopy(parts[i], 0, bucket, at, parts[i].length);
            System.arraycopy(counts[i], 0, count, at, counts[i].length);
            at += parts[i].length;
        }
        start[parts.length] = at;
        return new Rows(start, bucket, count, labels.clone());
    }

    /**
     * Minimises mean log loss + lambda * |weights|^2 (the bias is not regularised) over the training reviews.
     */
    public static Weights fit(NgramBag bag, Encoded train, double lambda, int maxIterations) {
        return fit(bag, rows(bag, train.ids(), train.labels()), lambda, maxIterations);
    }

    static Weights fit(NgramBag bag, Rows data, double lambda, int maxIterations) {
        int m = bag.buckets();
        int n = data.size();
        double[] z = new double[n];
        Lbfgs.Objective objective = (x, grad) -> {
            double loss = 0;
            for (int i = 0; i < n; i++) {
                double s = x[m];
                for (int k = data.start()[i]; k < data.start()[i + 1]; k++) s += x[data.bucket()[k]] * data.count()[k];
                z[i] = s;
                // log(1 + e^s) - y s, computed without overflow
                loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - data.labels()[i] * s;
            }
            double reg = 0;
            for (int j = 0; j < m; j++) {
                reg += x[j] * x[j];
                grad[j] = 2 * lambda * x[j];
            }
            grad[m] = 0;
            for (int i = 0; i < n; i++) {
                double r = (1 / (1 + Math.exp(-z[i])) - data.labels()[i]) / n;
                for (int k = data.start()[i]; k < data.start()[i + 1]; k++) grad[data.bucket()[k]] += r * data.count()[k];
                grad[m] += r;
            }
            return loss / n + lambda * reg;
        };
        Lbfgs.Result r = new Lbfgs(8, maxIterations, 1e-7).minimize(objective, new double[m + 1]);
        float[] w = new float[m];
        for (int j = 0; j < m; j++) w[j] = (float) r.x()[j];
        return new Weights(w, (float) r.x()[m], lambda, r.iterations());
    }
}
