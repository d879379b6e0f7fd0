package io.seqstream.train.sentiment;

import io.seqstream.model.Network;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.Optimizer;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.report.TrainingLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a {@link SentimentModel} on encoded reviews: each review cut to its last {@code maxWords} words, the label
 * scored at the true last word only, length-bucketed minibatches (reviews of similar length together, so little
 * padding), global-norm clipping and Adam. The validation set (carved from the training split) is scored on
 * whole reviews every {@code evalEvery} updates and at the end; the parameters with the best validation accuracy
 * are the result (copied back into the model).
 */
public final class SentimentTrainer {

    /**
     * @param maxWords    words kept from the end of each training review (0 = all)
     * @param batchSize   reviews per update
     * @param epochs      passes over the training reviews
     * @param evalEvery   updates between validation runs
     * @param tokenBudget padded words per evaluation batch
     * @param finalLearningRate the learning rate at the last planned update: a cosine from the optimiser's rate down
     *                    to it over all epochs (equal to the optimiser's rate: constant)
     * @param wordDropout share of training words replaced by the unknown word (id 0), drawn anew for every batch
     */
    public record Settings(int maxWords, int batchSize, int epochs, OptimizerConfig optimizer, long seed, Duration maxTime,
                           int evalEvery, int tokenBudget, double finalLearningRate, double wordDropout) {
        public Settings {
            if (!(finalLearningRate > 0)) throw new IllegalArgumentException("final learning rate must be > 0, was " + finalLearningRate);
            if (!(wordDropout >= 0 && wordDropout < 1)) throw new IllegalArgumentException("word dropout must be in [0, 1), was " + wordDropout);
        }

        /** Constant learning rate, no word dropout. */
        public Settings(int maxWords, int batchSize, int epochs, OptimizerConfig optimizer, long seed, Duration maxTime,
                        int evalEvery, int tokenBudget) {
            this(maxWords, batchSize, epochs, optimizer, seed, maxTime, evalEvery, tokenBudget, optimizer.learningRate(), 0);
        }

        /** The cosine schedule's learning rate at update k (0-based) of total. */
        public double learningRate(long k, long total) {
            double start = optimizer.learningRate();
            double progress = total <= 1 ? 1 : Math.min(1, (double) k / (total - 1));
            return finalLearningRate + (start - finalLearningRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /**
     * @param validationAccuracy best validation accuracy (whole reviews)
     * @param bestStep           update after which it was measured
     */
    public record Result(double validationAccuracy, long bestStep, long steps, long examples, double seconds,
                         TrainingLog log, long skippedSteps) {
    }

    private SentimentTrainer() {
    }

    public static Result train(SentimentModel model, Encoded train, Encoded validation, Settings s, Consumer<String> progress) {
        List<SequenceBatch.Example> examples = new ArrayList<>(train.size());
        for (int i = 0; i < train.size(); i++) examples.add(SentimentExamples.example(train.ids().get(i), train.labels()[i], s.maxWords()));
        float[] w = model.values();
        float[] grad = new float[w.length];
        Optimizer opt = new Optimizer(s.optimizer(), w.length);
        Random rng = new Random(s.seed());
        Random dropRng = new Random(s.seed() + 7);
        long planned = (long) s.epochs() * ((train.size() + s.batchSize() - 1) / s.batchSize());
        TrainingLog log = new TrainingLog();
        long start = System.nanoTime();
        long deadline = start + s.maxTime().toNanos();
        float[] best = w.clone();
        double bestAcc = -1;
        long bestStep = 0;
        long steps = 0;
        long seen = 0;
        boolean out = false;
        for (int epoch = 0; epoch < s.epochs() && !out; epoch++) {
            for (List<SequenceBatch.Example> b : buckets(examples, s.batchSize(), rng)) {
                SequenceBatch batch = SequenceBatch.of(s.wordDropout() > 0 ? dropWords(b, s.wordDropout(), dropRng) : b);
                opt.setLearningRate(s.learningRate(steps, planned));
                Network.Loss loss = model.lossAndGradient(batch, grad);
                Optimizer.Update u = opt.step(w, grad, loss.value());
                steps++;
                seen += b.size();
                double held = Double.NaN;
                boolean last = System.nanoTime() > deadline;
                if (steps % s.evalEvery() == 0 || last) {
                    held = SentimentEvaluation.evaluate(model, validation, s.tokenBudget()).finalAccuracy();
                    if (held > bestAcc) {
                        bestAcc = held;
                        bestStep = steps;
                        System.arraycopy(w, 0, best, 0, w.length);
                    }
                    progress.accept(String.format(java.util.Locale.ROOT, "  epoch %d  step %5d  loss %.4f  validation accuracy %.4f  %.0f s",
                            epoch + 1, steps, loss.value(), held, (System.nanoTime() - start) / 1e9));
                }
                log.add(new TrainingLog.Row(steps, seen, loss.value(), loss.accuracy(), held, u.rawNorm(), u.clippedNorm(), epoch + 1,
                        (System.nanoTime() - start) / 1e9));
                if (last) {
                    out = true;
                    break;
                }
            }
        }
        if (steps % s.evalEvery() != 0 && !out) {
            double held = SentimentEvaluation.evaluate(model, validation, s.tokenBudget()).finalAccuracy();
            if (held > bestAcc) {
                bestAcc = held;
                bestStep = steps;
                System.arraycopy(w, 0, best, 0, w.length);
            }
            progress.accept(String.format(java.util.Locale.ROOT, "  end  step %5d  validation accuracy %.4f", steps, held));
        }
        System.arraycopy(best, 0, w, 0, w.length);
        return new Result(bestAcc, bestStep, steps, seen, (System.nanoTime() - start) / 1e9, log, opt.skippedSteps());
    }

    /** Copies of the examples with each word replaced by the unknown word (id 0) with probability p. */
    static List<SequenceBatch.Example> dropWords(List<SequenceBatch.Example> batch, double p, Random rng) {
        List<SequenceBatch.Example> out = new ArrayList<>(batch.size());
        for (SequenceBatch.Example e : batch) {
            int[] in = e.inputs().clone();
            for (int t = 0; t < in.length; t++) if (rng.nextDouble() < p) in[t] = 0;
            out.add(new SequenceBatch.Example(in, e.targets(), e.param()));
        }
        return out;
    }

    /**
     * One epoch's minibatches: shuffled, then sorted by length within windows of 50 batches and cut, then the
     * batches shuffled, so each batch holds reviews of about one length yet epochs differ.
     */
    static List<List<SequenceBatch.Example>> buckets(List<SequenceBatch.Example> examples, int batchSize, Random rng) {
        List<SequenceBatch.Example> all = new ArrayList<>(examples);
        Collections.shuffle(all, rng);
        int window = batchSize * 50;
        List<List<SequenceBatch.Example>> batches = new ArrayList<>();
        for (int from = 0; from < all.size(); from += window) {
            List<SequenceBatch.Example> part = new ArrayList<>(all.subList(from, Math.min(all.size(), from + window)));
            part.sort(Comparator.comparingInt(e -> e.inputs().length));
            for (int i = 0; i < part.size(); i += batchSize) batches.add(part.subList(i, Math.min(part.size(), i + batchSize)));
        }
        Collections.shuffle(batches, rng);
        return batches;
    }
}
