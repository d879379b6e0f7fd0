package io.seqstream.train.sentiment;

import io.seqstream.model.ModelSpec;
import io.seqstream.model.NgramBag;
import io.seqstream.model.ParameterLayout;
import io.seqstream.model.Parameters;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A trained recurrent sentiment model and a separately trained {@link NgramBag} folded into one servable model whose
 * logit is the network's plus alpha times the bag's. Each part is trained on its own (trained together, the bag
 * memorises the training reviews within an epoch and the network learns little beside it); the bag's regularisation
 * and alpha are picked on the validation reviews only.
 */
public final class HybridSentiment {
    /** Regularisation strengths tried for the bag (mean log loss + lambda |w|^2). */
    public static final double[] LAMBDAS = {3e-5, 1e-4, 3e-4};
    /** Weights of the bag's logit against the network's tried on validation. */
    public static final double[] ALPHAS = {0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3};

    /**
     * @param temperature what the folded logit is divided by, fitted on validation for calibrated running scores
     * @param validationAccuracy of the folded model; bagAccuracy of the bag alone; networkAccuracy of the network alone
     */
    public record Result(Parameters parameters, NgramBagFit.Weights bag, double alpha, double temperature, double validationAccuracy,
                         double bagAccuracy, double networkAccuracy) {
    }

    private HybridSentiment() {
    }

    /** Fits the bag on the training reviews, picks lambda and alpha on validation and folds the bag into the network. */
    public static Result build(Parameters network, NgramBag bag, Encoded train, Encoded validation, int tokenBudget,
                               Consumer<String> progress) {
        NgramBagFit.Rows rows = NgramBagFit.rows(bag, train.ids(), train.labels());
        NgramBagFit.Weights best = null;
        double bestAcc = -1;
        double[] bestScores = null;
        for (double lambda : LAMBDAS) {
            long t0 = System.nanoTime();
            NgramBagFit.Weights w = NgramBagFit.fit(bag, rows, lambda, 400);
            double[] s = bagLogits(bag, w, validation.ids());
            double acc = accuracy(s, null, 0, validation.labels());
            progress.accept(String.format(Locale.ROOT, "  n-gram bag, lambda %.0e: validation accuracy %.4f (%d L-BFGS iterations, %.1f s)",
                    lambda, acc, w.iterations(), (System.nanoTime() - t0) / 1e9));
            if (acc > bestAcc) {
                bestAcc = acc;
                best = w;
                bestScores = s;
            }
        }
        double[] net = networkLogits(new RecurrentModel(network), validation.ids(), tokenBudget);
        double netAcc = accuracy(net, null, 0, validation.labels());
        double bestAlpha = ALPHAS[0];
        double bestFolded = -1;
        for (double alpha : ALPHAS) {
            double acc = accuracy(net, bestScores, alpha, validation.labels());
            if (acc > bestFolded) {
                bestFolded = acc;
                bestAlpha = alpha;
            }
        }
        progress.accept(String.format(Locale.ROOT, "  network alone %.4f, bag alone %.4f (lambda %.0e); network + %.2f x bag: %.4f on validation",
                netAcc, bestAcc, best.lambda(), bestAlpha, bestFolded));
        double temperature = temperature(net, bestScores, bestAlpha, validation.labels());
        Parameters folded = fold(network, bag, best, bestAlpha, temperature);
        SentimentEvaluation.Result check = SentimentEvaluation.evaluate(new RecurrentModel(folded), validation, tokenBudget);
        progress.accept(String.format(Locale.ROOT, "  folded logit divided by %.3f (fitted on validation: log loss %.4f)",
                temperature, check.meanLogLoss()));
        return new Result(folded, best, bestAlpha, temperature, check.finalAccuracy(), bestAcc, netAcc);
    }

    /**
     * The network's parameters with the bag's table attached, the logit being (network + alpha * bag) / temperature:
     * the head's Wy and by divided by the temperature, the table (class 1's logit) holding alpha / temperature * weights.
     */
    public static Parameters fold(Parameters network, NgramBag bag, NgramBagFit.Weights w, double alpha, double temperature) {
        if (network.spec().ngrams() != null) throw new IllegalArgumentException("the network already has an n-gram bag");
        if (network.spec().classes() != 2) throw new IllegalArgumentException("the bag folds into two-class models only");
        ModelSpec spec = network.spec().withNgrams(bag);
        Parameters out = Parameters.zeros(spec);
        ParameterLayout l = out.layout();
        float[] v = out.values();
        // The table comes last in the layout, so everything before it sits where it sat in the network alone.
        System.arraycopy(network.values(), 0, v, 0, network.values().length);
        double a = alpha / temperature;
        for (int j = l.wy(); j < l.by() + 2; j++) v[j] = (float) (v[j] / temperature);
        for (int f = 0; f < bag.buckets(); f++) v[l.ngrams() + f] = (float) (a * w.weights()[f]);
        v[l.by() + 1] += (float) (a * w.bias());
        return out;
    }

    /** The temperature T minimising the mean log loss of sigmoid((net + alpha * bag) / T), by golden section on log T. */
    static double temperature(double[] net, double[] bag, double alpha, int[] labels) {
        java.util.function.DoubleUnaryOperator loss = logT -> {
            double t = Math.exp(logT);
            double sum = 0;
            for (int i = 0; i < labels.length; i++) {
                double z = (net[i] + alpha * bag[i]) / t;
                double s = labels[i] == 1 ? z : -z;
                sum += s > 0 ? Math.log1p(Math.exp(-s)) : -s + Math.log1p(Math.exp(s));
            }
            return sum / labels.length;
        };
        double lo = Math.log(0.05);
        double hi = Math.log(20);
        double g = (Math.sqrt(5) - 1) / 2;
        for (int it = 0; it < 60; it++) {
            double m1 = hi - g * (hi - lo);
            double m2 = lo + g * (hi - lo);
            if (loss.applyAsDouble(m1) <= loss.applyAsDouble(m2)) hi = m2;
            else lo = m1;
        }
        return Math.exp((lo + hi) / 2);
    }

    static double[] bagLogits(NgramBag bag, NgramBagFit.Weights w, List<int[]> reviews) {
        double[] s = new double[reviews.size()];
        for (int i = 0; i < s.length; i++) s[i] = w.logit(bag, reviews.get(i));
        return s;
    }

    /** The network's final logit (positive minus negative) per review. */
    static double[] networkLogits(RecurrentModel model, List<int[]> reviews, int tokenBudget) {
        double[] z = new double[reviews.size()];
        SentimentEvaluation.forEachRunning(model, reviews, tokenBudget, (run, i) -> {
            double q = Math.min(1 - 1e-7, Math.max(1e-7, run[run.length - 1]));
            z[i] = Math.log(q / (1 - q));
        });
        return z;
    }

    private static double accuracy(double[] a, double[] b, double alpha, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            double z = a[i] + (b == null ? 0 : alpha * b[i]);
            if ((z >= 0 ? 1 : 0) == labels[i]) correct++;
        }
        return (double) correct / labels.length;
    }
}
