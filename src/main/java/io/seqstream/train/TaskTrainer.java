package io.seqstream.train;

import io.seqstream.model.ModelSpec;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.backend.BackendKind;
import io.seqstream.train.backend.TrainingBackend;
import io.seqstream.train.backend.TrainingBackends;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.Score;
import io.seqstream.train.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a network on a synthetic {@link Task}: minibatches drawn through a {@link Curriculum}, loss and BPTT
 * (truncated when a window is set), clipping and Adam through the {@link Optimizer}, and a held-out check every few
 * steps on sequences generated from a separate seed that training never draws from. A level passes only when a
 * check above its threshold is confirmed on a set of {@link Task#unitsToPass()} held-out units (2560 sequences,
 * 100,000 echo tokens) drawn fresh for that confirmation from a third seed. At the top level the learning rate
 * halves (down to 1/8 of it) on a failed confirmation and, once a check reached the lower levels' threshold, after
 * {@link #PATIENCE} checks without a new best. Training stops when the top level passes, or at the step or time budget.
 */
public final class TaskTrainer {

    /**
     * @param batchSize   sequences per minibatch
     * @param maxSteps    update budget
     * @param maxTime     wall-clock budget
     * @param evalEvery   steps between held-out evaluations
     * @param heldOut     held-out sequences per level
     * @param seed        training randomness; the held-out sets use a different stream derived from it
     * @param bpttWindow  truncated BPTT window in steps; 0 = the task's own ({@link Task#trainingWindow()})
     * @param initSeed    parameter initialisation seed
     */
    public record Settings(int batchSize, long maxSteps, Duration maxTime, int evalEvery, int heldOut, long seed,
                           int bpttWindow, long initSeed) {
        public static Settings defaults() {
            return new Settings(50, 20_000, Duration.ofMinutes(10), 50, 500, 1, 0, 42);
        }

        public Settings withMaxSteps(long n) { return new Settings(batchSize, n, maxTime, evalEvery, heldOut, seed, bpttWindow, initSeed); }

        public Settings withMaxTime(Duration d) { return new Settings(batchSize, maxSteps, d, evalEvery, heldOut, seed, bpttWindow, initSeed); }

        public Settings withSeed(long s) { return new Settings(batchSize, maxSteps, maxTime, evalEvery, heldOut, s, bpttWindow, s + 41); }

        public Settings withBatchSize(int b) { return new Settings(b, maxSteps, maxTime, evalEvery, heldOut, seed, bpttWindow, initSeed); }

        public Settings withEvalEvery(int n) { return new Settings(batchSize, maxSteps, maxTime, n, heldOut, seed, bpttWindow, initSeed); }

        public Settings withHeldOut(int n) { return new Settings(batchSize, maxSteps, maxTime, evalEvery, n, seed, bpttWindow, initSeed); }

        public Settings withBpttWindow(int w) { return new Settings(batchSize, maxSteps, maxTime, evalEvery, heldOut, seed, w, initSeed); }
    }

    /**
     * @param parameters      the trained parameters
     * @param steps           updates made
     * @param examples        training sequences seen
     * @param level           curriculum level at the end
     * @param heldOutAccuracy held-out accuracy at the top level, in the task's measure: of the confirmation set when
     *                        solved, else of the last check
     * @param heldOutScore    correct and total behind heldOutAccuracy
     * @param solved          the top level passed the curriculum threshold, confirmed on the full held-out set
     * @param seconds         wall-clock training time
     * @param skippedSteps    updates skipped for non-finite loss or gradient
     */
    public record Result(Parameters parameters, long steps, long examples, int level, double heldOutAccuracy,
                         Score heldOutScore, boolean solved, double seconds, long skippedSteps) {
    }

    /** Called after every held-out evaluation. */
    public record Progress(long step, int level, double heldOutAccuracy, double loss, double seconds) {
    }

    /** Training tokens after which a held-out check is due even when evalEvery steps have not passed. */
    static final long CHECK_TOKENS = 200_000;
    /** Top-level checks without a new best before the learning rate is halved. */
    static final int PATIENCE = 10;

    private final Task task;
    private final ModelSpec spec;
    private final OptimizerConfig optimizerConfig;
    private final Settings settings;
    private final BackendKind backend;

    public TaskTrainer(Task task, ModelSpec spec, OptimizerConfig optimizerConfig, Settings settings) {
        this(task, spec, optimizerConfig, settings, BackendKind.KERNELS);
    }

    /** @param backend what computes the loss and gradient of each minibatch; held-out evaluation stays on the kernels */
    public TaskTrainer(Task task, ModelSpec spec, OptimizerConfig optimizerConfig, Settings settings, BackendKind backend) {
        if (spec.vocab() != task.vocab() || spec.classes() != task.classes() || spec.params() != task.params()) {
            throw new IllegalArgumentException("model " + spec + " does not fit task " + task.name() + " (vocab "
                    + task.vocab() + ", classes " + task.classes() + ", params " + task.params() + ")");
        }
        this.task = task;
        this.spec = spec;
        this.optimizerConfig = optimizerConfig;
        this.settings = settings;
        this.backend = backend;
    }

    public Result train(Curriculum curriculum, TrainingLog log, Consumer<Progress> listener) {
        return train(Parameters.xavier(spec, settings.initSeed()), curriculum, log, listener);
    }

    public Result train(Parameters params, Curriculum curriculum, TrainingLog log, Consumer<Progress> listener) {
        try (Session session = session(params, curriculum)) {
            return train(session, params, curriculum, log, listener);
        }
    }

    private Result train(Session session, Parameters params, Curriculum curriculum, TrainingLog log, Consumer<Progress> listener) {
        long start = System.nanoTime();
        long deadline = start + settings.maxTime().toNanos();
        Score topScore = null;
        boolean solved = false;
        long checkedAtTokens = 0;
        while (session.steps() < settings.maxSteps() && System.nanoTime() < deadline) {
            StepOutcome o = session.step();
            double held = Double.NaN;
            // Long levels are checked by tokens too: 50 steps of streams 2000 long would be minutes between checks.
            if (session.steps() % settings.evalEvery() == 0 || session.tokens() - checkedAtTokens >= CHECK_TOKENS) {
                checkedAtTokens = session.tokens();
                int before = curriculum.current();
                HeldOut.Evaluation e = session.evaluate();
                held = e.accuracy();
                if (before == curriculum.topLevel()) topScore = e.judged();
                if (curriculum.current() != before) topScore = null;
                solved = curriculum.finished();
                if (listener != null) listener.accept(new Progress(session.steps(), before, held, o.loss(), seconds(start)));
            }
            if (log != null) {
                log.add(new TrainingLog.Row(session.steps(), session.examples(), o.loss(), o.accuracy(), held, o.rawNorm(),
                        o.clippedNorm(), curriculum.current(), seconds(start)));
            }
            if (solved) break;
        }
        if (topScore == null) topScore = session.evaluate(task.topLevel()).judged();
        return new Result(params, session.steps(), session.examples(), curriculum.current(), topScore.accuracy(), topScore, solved,
                seconds(start), session.optimizer().skippedSteps());
    }

    /** A step-by-step training session over the given parameters (updated in place); close it to free its backend. */
    public Session session(Parameters params, Curriculum curriculum) {
        return new Session(params, curriculum);
    }

    /**
     * Training one step at a time, for loops that do other things between steps (the online trainer publishes
     * versions). Holds the network workspace, the optimiser state, the random source and the held-out sets.
     */
    public final class Session implements AutoCloseable {
        private final Parameters params;
        private final Curriculum curriculum;
        private final Network net = new Network(spec);
        private final TrainingBackend gradients = TrainingBackends.open(backend, spec);
        // Held-out sets get a workspace of their own: long streams must not grow the training one.
        private final Network evalNet = new Network(spec);
        private final Optimizer opt;
        private final float[] grad;
        private final Random rng = new Random(settings.seed());
        private final HeldOut heldOut = new HeldOut(task, settings.heldOut(), settings.seed() * 0x9E3779B97F4A7C15L + 17);
        private final double initialRate = optimizerConfig.learningRate();
        private double bestTopCheck = Double.NEGATIVE_INFINITY;
        private int sinceBest;
        private long steps;
        private long examples;
        private long tokens;
        private boolean poisonNext;

        private Session(Parameters params, Curriculum curriculum) {
            this.params = params;
            this.curriculum = curriculum;
            this.opt = new Optimizer(optimizerConfig, params.values().length);
            this.grad = new float[params.values().length];
        }

        /** One minibatch drawn through the curriculum, one update. */
        public StepOutcome step() {
            SequenceBatch batch = Batches.batch(task, curriculum, settings.batchSize(), rng);
            steps++;
            examples += batch.size();
            for (int i = 0; i < batch.size(); i++) tokens += batch.lengths[i];
            if (poisonNext) {
                poisonNext = false;
                Network.Loss loss = gradients.lossAndGradient(params, batch, null, grad);
                grad[0] = Float.NaN;
                Optimizer.Update u = opt.step(params.values(), grad, loss.value());
                return new StepOutcome(loss.value(), loss.accuracy(), u.rawNorm(), u.clippedNorm(), u.skipped());
            }
            return update(gradients, params, batch, grad, opt);
        }

        /**
         * Held-out check at the current level; when it reaches the level's threshold (critical examples right), the
         * confirmation on a fresh full-size set decides, and the curriculum advances on that.
         */
        public HeldOut.Evaluation evaluate() {
            int level = curriculum.current();
            double bar = curriculum.thresholdAt(level);
            HeldOut.Evaluation e = heldOut.evaluate(evalNet, params, level);
            if (level == curriculum.topLevel()) watchPlateau(e.accuracy());
            if (!(e.accuracy() >= bar && e.criticalCorrect())) {
                curriculum.observe(Math.min(e.accuracy(), bar - 1e-9));
                return e;
            }
            Score fresh = heldOut.confirm(evalNet, params, level);
            if (!(fresh.accuracy() >= bar) && level == curriculum.topLevel()) lowerLearningRate();
            curriculum.observe(fresh.accuracy());
            return e.confirmedBy(fresh);
        }

        /**
         * At the top level, once a check has reached the threshold of the levels below (close to the bar, not while
         * still learning), {@link #PATIENCE} checks without a new best lower the learning rate.
         */
        private void watchPlateau(double accuracy) {
            if (!(Math.max(accuracy, bestTopCheck) >= curriculum.threshold())) return;
            if (accuracy > bestTopCheck) {
                bestTopCheck = accuracy;
                sinceBest = 0;
            } else if (++sinceBest >= PATIENCE) {
                lowerLearningRate();
                sinceBest = 0;
            }
        }

        // Close to the bar the steps are too large to settle on it: a smaller one helps more than more steps.
        private void lowerLearningRate() {
            opt.setLearningRate(Math.max(initialRate / 8, opt.learningRate() / 2));
        }

        /** Held-out check at a given level, without touching the curriculum. */
        public HeldOut.Evaluation evaluate(int level) {
            return heldOut.evaluate(evalNet, params, level);
        }

        /** Makes the next step's gradient non-finite (fault injection for tests and drills). */
        public void poisonNextStep() { poisonNext = true; }

        public long steps() { return steps; }

        public long examples() { return examples; }

        /** Input tokens of every training sequence so far. */
        public long tokens() { return tokens; }

        public Curriculum curriculum() { return curriculum; }

        public Optimizer optimizer() { return opt; }

        public Parameters parameters() { return params; }

        /** The backend computing the gradients, e.g. for the trainer's start-up log. */
        public TrainingBackend backend() { return gradients; }

        @Override
        public void close() { gradients.close(); }
    }

    private StepOutcome update(TrainingBackend net, Parameters params, SequenceBatch batch, float[] grad, Optimizer opt) {
        int window = settings.bpttWindow() > 0 ? settings.bpttWindow() : task.trainingWindow();
        if (window <= 0 || batch.maxLength() <= window) {
            Network.Loss loss = net.lossAndGradient(params, batch, null, grad);
            Optimizer.Update u = opt.step(params.values(), grad, loss.value());
            return new StepOutcome(loss.value(), loss.accuracy(), u.rawNorm(), u.clippedNorm(), u.skipped());
        }
        // Truncated BPTT: consecutive windows carry the state forward; each window is one update.
        float[] state = new float[batch.size() * spec.stateWidth()];
        double lossSum = 0;
        long scored = 0;
        long correct = 0;
        double raw = 0;
        double clipped = 0;
        boolean skipped = false;
        for (int from = 0; from < batch.maxLength(); from += window) {
            SequenceBatch w = window(batch, from, Math.min(batch.maxLength(), from + window));
            Network.Loss loss = net.lossAndGradient(params, w, state, grad);
            if (loss.scored() == 0) continue;
            Optimizer.Update u = opt.step(params.values(), grad, loss.value());
            lossSum += loss.value() * loss.scored();
            scored += loss.scored();
            correct += loss.correct();
            raw = Math.max(raw, u.rawNorm());
            clipped = Math.max(clipped, u.clippedNorm());
            skipped |= u.skipped();
        }
        return new StepOutcome(scored == 0 ? 0 : lossSum / scored, scored == 0 ? Double.NaN : (double) correct / scored, raw, clipped, skipped);
    }

    /** Steps [from, to) of every sequence; lengths are clipped to the window. */
    static SequenceBatch window(SequenceBatch b, int from, int to) {
        int n = b.size();
        int[][] in = new int[n][];
        int[][] tg = new int[n][];
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = java.util.Arrays.copyOfRange(b.inputs[i], from, to);
            tg[i] = java.util.Arrays.copyOfRange(b.targets[i], from, to);
            len[i] = Math.max(0, Math.min(b.lengths[i], to) - from);
        }
        return new SequenceBatch(in, len, b.params, tg);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    /** What one update did. */
    public record StepOutcome(double loss, double accuracy, double rawNorm, double clippedNorm, boolean skipped) {
    }

    /**
     * Held-out data from seeds training never draws from: a fixed check set per level (the configured size, at most
     * the confirmation size), generated lazily, and a fresh confirmation set of {@link Task#unitsToPass()} units each
     * time a check passes.
     */
    public static final class HeldOut {
        private final Task task;
        private final int size;
        private final long seed;
        private final Random confirmations;
        private final List<List<SequenceBatch>> perLevel = new ArrayList<>();

        HeldOut(Task task, int size, long seed) {
            this.task = task;
            this.size = size;
            this.seed = seed;
            this.confirmations = new Random(seed * 31 + 0x5DEECE66DL);
            for (int l = 0; l < task.levelCount(); l++) perLevel.add(null);
        }

        /**
         * Accuracy and mean cross-entropy on the level's check set, whether every critical example is right, and the
         * confirmation's score when one was made (null otherwise).
         */
        public record Evaluation(double accuracy, double loss, boolean criticalCorrect, Score checked, Score confirmed) {
            Evaluation confirmedBy(Score fresh) { return new Evaluation(accuracy, loss, criticalCorrect, checked, fresh); }

            /** The score the level is judged by: the confirmation when there was one, else the check. */
            public Score judged() { return confirmed != null ? confirmed : checked; }

            /** Held-out examples behind {@link #judged()}. */
            public long size() { return judged().total(); }
        }

        /** Sequences in the check set at a level: the configured size, at most what the confirmation uses. */
        int checkSize(int level) {
            return Math.min(size, task.sequencesHolding(level, task.unitsToPass()));
        }

        Evaluation evaluate(Network net, Parameters params, int level) {
            List<SequenceBatch> batches = perLevel.get(level);
            if (batches == null) {
                batches = FreshData.draw(task, level, checkSize(level), new Random(seed + 1000L * level));
                perLevel.set(level, batches);
            }
            Score total = Score.ZERO;
            CrossEntropy.Sum loss = CrossEntropy.Sum.ZERO;
            for (SequenceBatch b : batches) {
                float[][][] probs = net.predict(params, b);
                total = total.plus(task.score(b, probs));
                loss = loss.plus(CrossEntropy.of(b, probs));
            }
            boolean critical = true;
            List<SequenceBatch.Example> must = task.critical(level);
            if (!must.isEmpty()) {
                SequenceBatch c = SequenceBatch.of(must);
                Score s = task.score(c, net.predict(params, c));
                critical = s.correct() == s.total();
            }
            return new Evaluation(total.accuracy(), loss.mean(), critical, total, null);
        }

        /** The score on a fresh set of {@link Task#unitsToPass()} units at the level, never drawn before. */
        Score confirm(Network net, Parameters params, int level) {
            int n = task.sequencesHolding(level, task.unitsToPass());
            return FreshData.score(task, net, params, FreshData.draw(task, level, n, confirmations));
        }
    }
}
