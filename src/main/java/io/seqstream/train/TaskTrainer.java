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
 * (truncated when a window is set), clipping and Adam through the {@link Optimizer}, and a held-out evaluation
 * every few steps on sequences generated from a separate seed that training never draws from. The curriculum
 * advances on that held-out accuracy; training stops when the top level passes, or at the step or time budget.
 */
public final class TaskTrainer {

    /**
     * @param batchSize   sequences per minibatch
     * @param maxSteps    update budget
     * @param maxTime     wall-clock budget
     * @param evalEvery   steps between held-out evaluations
     * @param heldOut     held-out sequences per level
     * @param seed        training randomness; the held-out sets use a different stream derived from it
     * @param bpttWindow  truncated BPTT window in steps; 0 = full sequences
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
     * @param heldOutAccuracy held-out accuracy at the top level, in the task's measure
     * @param solved          the top level passed the curriculum threshold
     * @param seconds         wall-clock training time
     * @param skippedSteps    updates skipped for non-finite loss or gradient
     */
    public record Result(Parameters parameters, long steps, long examples, int level, double heldOutAccuracy,
                         boolean solved, double seconds, long skippedSteps) {
    }

    /** Called after every held-out evaluation. */
    public record Progress(long step, int level, double heldOutAccuracy, double loss, double seconds) {
    }

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
        double topAccuracy = Double.NaN;
        boolean solved = false;
        while (session.steps() < settings.maxSteps() && System.nanoTime() < deadline) {
            StepOutcome o = session.step();
            double held = Double.NaN;
            if (session.steps() % settings.evalEvery() == 0) {
                int before = curriculum.current();
                HeldOut.Evaluation e = session.evaluate();
                held = e.accuracy();
                if (before == curriculum.topLevel()) topAccuracy = held;
                if (curriculum.current() != before) topAccuracy = Double.NaN;
                if (curriculum.finished() || (before == curriculum.topLevel() && held >= curriculum.threshold() && e.criticalCorrect())) {
                    solved = true;
                }
                if (listener != null) listener.accept(new Progress(session.steps(), before, held, o.loss(), seconds(start)));
            }
            if (log != null) {
                log.add(new TrainingLog.Row(session.steps(), session.examples(), o.loss(), o.accuracy(), held, o.rawNorm(),
                        o.clippedNorm(), curriculum.current(), seconds(start)));
            }
            if (solved) break;
        }
        if (Double.isNaN(topAccuracy)) topAccuracy = session.evaluate(task.topLevel()).accuracy();
        return new Result(params, session.steps(), session.examples(), curriculum.current(), topAccuracy, solved, seconds(start),
                session.optimizer().skippedSteps());
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
        private final Optimizer opt;
        private final float[] grad;
        private final Random rng = new Random(settings.seed());
        private final HeldOut heldOut = new HeldOut(task, settings.heldOut(), settings.seed() * 0x9E3779B97F4A7C15L + 17);
        private long steps;
        private long examples;
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
            if (poisonNext) {
                poisonNext = false;
                Network.Loss loss = gradients.lossAndGradient(params, batch, null, grad);
                grad[0] = Float.NaN;
                Optimizer.Update u = opt.step(params.values(), grad, loss.value());
                return new StepOutcome(loss.value(), loss.accuracy(), u.rawNorm(), u.clippedNorm(), u.skipped());
            }
            return update(gradients, params, batch, grad, opt);
        }

        /** Held-out evaluation at the current level; the curriculum advances on it. */
        public HeldOut.Evaluation evaluate() {
            HeldOut.Evaluation e = heldOut.evaluate(net, params, curriculum.current());
            curriculum.observe(e.criticalCorrect() ? e.accuracy() : Math.min(e.accuracy(), curriculum.threshold() - 1e-9));
            return e;
        }

        /** Held-out evaluation at a given level, without touching the curriculum. */
        public HeldOut.Evaluation evaluate(int level) {
            return heldOut.evaluate(net, params, level);
        }

        /** Makes the next step's gradient non-finite (fault injection for tests and drills). */
        public void poisonNextStep() { poisonNext = true; }

        public long steps() { return steps; }

        public long examples() { return examples; }

        public Curriculum curriculum() { return curriculum; }

        public Optimizer optimizer() { return opt; }

        public Parameters parameters() { return params; }

        /** The backend computing the gradients, e.g. for the trainer's start-up log. */
        public TrainingBackend backend() { return gradients; }

        @Override
        public void close() { gradients.close(); }
    }

    private StepOutcome update(TrainingBackend net, Parameters params, SequenceBatch batch, float[] grad, Optimizer opt) {
        int window = settings.bpttWindow();
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

    /** Fixed held-out sets, one per level, generated lazily from their own seed. */
    public static final class HeldOut {
        private final Task task;
        private final int size;
        private final long seed;
        private final List<List<SequenceBatch>> perLevel = new ArrayList<>();

        HeldOut(Task task, int size, long seed) {
            this.task = task;
            this.size = size;
            this.seed = seed;
            for (int l = 0; l < task.levelCount(); l++) perLevel.add(null);
        }

        /** Accuracy and mean cross-entropy on the level's held-out sample, and whether every critical example is right. */
        public record Evaluation(double accuracy, double loss, boolean criticalCorrect) {
        }

        Evaluation evaluate(Network net, Parameters params, int level) {
            List<SequenceBatch> batches = perLevel.get(level);
            if (batches == null) {
                Random r = new Random(seed + 1000L * level);
                batches = new ArrayList<>();
                for (int done = 0; done < size; done += 100) {
                    batches.add(task.batch(level, Math.min(100, size - done), r));
                }
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
            return new Evaluation(total.accuracy(), loss.mean(), critical);
        }
    }
}
