package io.seqstream.train.next;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.ModelTask;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.train.NextTokenExamples;
import io.seqstream.train.Optimizer;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.backend.BackendKind;
import io.seqstream.train.backend.TrainingBackend;
import io.seqstream.train.backend.TrainingBackends;
import io.seqstream.train.report.TrainingLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains character-level LSTM next-token models with the shared network, optimiser (Adam, global-norm clipping,
 * non-finite steps skipped) and masks: generated languages in epochs of length-bucketed batches (optionally with
 * a curriculum from short to long sequences), and a text corpus by truncated back-propagation through time over
 * parallel strips of the training part. Loss is the mean cross-entropy per token.
 */
public final class NextTokenTrainer {
    /** Curriculum stages for languages: longest input length per epoch; 0 = all. */
    static final int[] CURRICULUM_LENGTHS = {12, 25, 50, 0};

    /**
     * @param trainSize   generated training sequences (languages)
     * @param heldOutSize generated held-out sequences (languages), from a separate seed
     * @param bptt        truncated BPTT window (corpus)
     * @param stopAt      a language's training stops once this share of the check samples is accepted
     * @param finalLearningRate learning rate at maxSteps: a cosine from learningRate down to it (equal: constant)
     * @param checkTemperature  temperature of the check samples (1.0 draws from the model's own distribution, the
     *                    hardest test of a language: every wrong symbol it still gives weight to is drawn sometimes)
     * @param checkSamples check samples drawn (from a seed of their own) every 3 evaluations once the curriculum is done
     */
    public record Settings(int hidden, int layers, double learningRate, double clipNorm, int batchSize, long maxSteps,
                           Duration maxTime, int evalEvery, long seed, boolean curriculum, int bptt, int trainSize,
                           int heldOutSize, double stopAt, double finalLearningRate, double checkTemperature, int checkSamples) {
        public Settings {
            if (!(finalLearningRate > 0)) throw new IllegalArgumentException("final learning rate must be > 0, was " + finalLearningRate);
            if (!(checkTemperature > 0)) throw new IllegalArgumentException("check temperature must be > 0, was " + checkTemperature);
            if (checkSamples < 1) throw new IllegalArgumentException("check samples must be >= 1, was " + checkSamples);
        }

        /** Constant learning rate; 500 check samples at temperature 0.5. */
        public Settings(int hidden, int layers, double learningRate, double clipNorm, int batchSize, long maxSteps,
                        Duration maxTime, int evalEvery, long seed, boolean curriculum, int bptt, int trainSize,
                        int heldOutSize, double stopAt) {
            this(hidden, layers, learningRate, clipNorm, batchSize, maxSteps, maxTime, evalEvery, seed, curriculum, bptt, trainSize,
                    heldOutSize, stopAt, learningRate, 0.5, 500);
        }

        public static Settings language() {
            return new Settings(64, 1, 1e-2, 1.0, 32, 5000, Duration.ofMinutes(10), 100, 1, true, 0, 20_000, 2000, 0.999,
                    5e-4, 1.0, 2000);
        }

        public static Settings corpus() {
            return new Settings(128, 1, 1e-2, 1.0, 32, 2500, Duration.ofMinutes(10), 200, 1, false, 100, 0, 0, 1.0);
        }

        /** The cosine schedule's learning rate at update k (0-based). */
        public double learningRate(long k) {
            double progress = maxSteps <= 1 ? 1 : Math.min(1, (double) k / (maxSteps - 1));
            return finalLearningRate + (learningRate - finalLearningRate) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /**
     * A trained model and how training went.
     *
     * @param heldOut       held-out bits per token at the end (languages: the generated held-out set; corpus: the
     *                      first {@link #CORPUS_EVAL_CHARS} held-out characters; the full figure comes from the eval)
     * @param evaluations   (step, held-out bits per token) at every evaluation
     */
    public record Outcome(ModelSnapshot snapshot, TrainingLog log, long steps, long examples, double seconds, long skipped,
                          NextTokenEvaluation.Bits heldOut, List<double[]> evaluations, String stopped) {
    }

    /** Held-out characters evaluated during corpus training (the whole held-out part is measured once at the end). */
    public static final int CORPUS_EVAL_CHARS = 20_000;

    private final Settings settings;
    private final BackendKind backend;

    public NextTokenTrainer(Settings settings) {
        this(settings, BackendKind.KERNELS);
    }

    /** @param backend what computes each minibatch's gradient; held-out evaluation stays on the kernels */
    public NextTokenTrainer(Settings settings, BackendKind backend) {
        this.settings = settings;
        this.backend = backend;
    }

    public static ModelSpec spec(NextVocabulary vocabulary, int hidden, int layers) {
        return ModelSpec.oneHot(CellType.LSTM, hidden, vocabulary.size(), vocabulary.size()).withLayers(layers);
    }

    /** Metadata of a next-token model: task {@link ModelTask#NEXT}, its tokenizer, and its symbols as output classes. */
    public static ModelMetadata metadata(String name, NextVocabulary vocabulary, ModelSpec spec) {
        return new ModelMetadata(name, 0, ModelTask.NEXT, spec, vocabulary.tokenizer(), vocabulary.symbols(), 0, 0, Map.of(),
                System.currentTimeMillis());
    }

    /** A complete string as a training example: start, its characters, end. */
    public static SequenceBatch.Example example(NextVocabulary vocabulary, String s) {
        return NextTokenExamples.fromWindow(NextVocabulary.framed(vocabulary.encode(s)));
    }

    /** n strings of the language as examples. */
    public static List<SequenceBatch.Example> generate(Language language, int n, Random rng) {
        List<SequenceBatch.Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(example(language.vocabulary(), language.generate(rng)));
        return out;
    }

    /** The held-out set of a language for a training seed: never the training draws. */
    public static List<SequenceBatch.Example> heldOut(Language language, int n, long seed) {
        return generate(language, n, new Random(seed * 0x9E3779B97F4A7C15L + 17));
    }

    public Outcome trainLanguage(Language language, String modelName, Consumer<String> progress) {
        Settings s = settings;
        NextVocabulary vocabulary = language.vocabulary();
        ModelSpec spec = spec(vocabulary, s.hidden(), s.layers());
        Parameters p = Parameters.xavier(spec, s.seed() + 41);
        Random rng = new Random(s.seed());
        List<SequenceBatch.Example> train = generate(language, s.trainSize(), rng);
        List<SequenceBatch.Example> held = heldOut(language, s.heldOutSize(), s.seed());
        Network net = new Network(spec);
        try (TrainingBackend gradients = TrainingBackends.open(backend, spec)) {
            return trainLanguage(language, modelName, progress, spec, p, rng, train, held, net, gradients);
        }
    }

    private Outcome trainLanguage(Language language, String modelName, Consumer<String> progress, ModelSpec spec, Parameters p,
                                  Random rng, List<SequenceBatch.Example> train, List<SequenceBatch.Example> held, Network net,
                                  TrainingBackend gradients) {
        Settings s = settings;
        NextVocabulary vocabulary = language.vocabulary();
        Optimizer opt = new Optimizer(new OptimizerConfig(s.learningRate(), s.clipNorm(), 0), p.values().length);
        float[] grad = new float[p.values().length];
        TrainingLog log = new TrainingLog();
        List<double[]> evals = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + s.maxTime().toNanos();
        long steps = 0, examples = 0;
        int stage = s.curriculum() ? 0 : CURRICULUM_LENGTHS.length - 1;
        String stopped = "step budget";
        NextTokenEvaluation.Bits bits = null;
        Random checkRng = new Random(s.seed() + 99);
        outer:
        for (int epoch = 0; ; epoch++) {
            int cap = CURRICULUM_LENGTHS[stage];
            for (SequenceBatch b : LengthBuckets.epoch(train, s.batchSize(), cap, rng)) {
                opt.setLearningRate(s.learningRate(steps));
                Network.Loss loss = gradients.lossAndGradient(p, b, null, grad);
                Optimizer.Update u = opt.step(p.values(), grad, loss.value());
                steps++;
                examples += b.size();
                double heldAcc = Double.NaN;
                if (steps % s.evalEvery() == 0) {
                    bits = NextTokenEvaluation.onExamples(net, p, held);
                    heldAcc = bits.accuracy();
                    evals.add(new double[]{steps, bits.bitsPerToken()});
                    String line = String.format(java.util.Locale.ROOT, "  step %5d  epoch %d  max length %s  loss %.4f  held-out %.4f bits/token",
                            steps, epoch, cap == 0 ? "all" : String.valueOf(cap), loss.value(), bits.bitsPerToken());
                    if (stage == CURRICULUM_LENGTHS.length - 1 && steps % (3L * s.evalEvery()) == 0) {
                        NextTokenEvaluation.Judged j = NextTokenEvaluation.judge(p, language, s.checkSamples(), s.checkTemperature(), 500,
                                checkRng.nextLong());
                        line += String.format(java.util.Locale.ROOT, "  lr %.5f  %d check samples at temperature %.1f %s %.4f",
                                opt.learningRate(), s.checkSamples(), s.checkTemperature(), language.acceptsName(), j.acceptedShare());
                        if (j.acceptedShare() >= s.stopAt()) stopped = "check samples reached " + s.stopAt();
                    }
                    if (progress != null) progress.accept(line);
                }
                log.add(new TrainingLog.Row(steps, examples, loss.value(), loss.accuracy(), heldAcc, u.rawNorm(), u.clippedNorm(),
                        stage, (System.nanoTime() - start) / 1e9));
                if (stopped.startsWith("check")) break outer;
                if (steps >= s.maxSteps()) break outer;
                if (System.nanoTime() > deadline) {
                    stopped = "time budget";
                    break outer;
                }
            }
            if (stage < CURRICULUM_LENGTHS.length - 1) stage++;
        }
        bits = NextTokenEvaluation.onExamples(net, p, held);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("heldOutBitsPerToken", bits.bitsPerToken());
        metrics.put("heldOutAccuracy", bits.accuracy());
        metrics.put("seconds", seconds);
        metrics.put("examples", (double) examples);
        ModelMetadata meta = metadata(modelName, vocabulary, spec).withVersion(1, steps, stage, metrics);
        return new Outcome(new ModelSnapshot(meta, p), log, steps, examples, seconds, opt.skippedSteps(), bits, evals, stopped);
    }

    /**
     * Truncated BPTT over a corpus: the training text is cut into batchSize contiguous strips, each read from the
     * start token; every update takes the next bptt characters of every strip and carries the states over.
     */
    public Outcome trainCorpus(TextCorpus corpus, String modelName, Consumer<String> progress) {
        Settings s = settings;
        NextVocabulary vocabulary = corpus.vocabulary();
        ModelSpec spec = spec(vocabulary, s.hidden(), s.layers());
        Parameters p = Parameters.xavier(spec, s.seed() + 41);
        int[] ids = vocabulary.encode(corpus.train());
        int b = s.batchSize();
        int w = s.bptt();
        int stripLength = ids.length / b;
        int[][] strips = new int[b][stripLength + 1];
        for (int i = 0; i < b; i++) {
            strips[i][0] = NextVocabulary.START_ID;
            System.arraycopy(ids, i * stripLength, strips[i], 1, stripLength);
        }
        String evalText = corpus.heldOut().substring(0, Math.min(CORPUS_EVAL_CHARS, corpus.heldOut().length()));
        Network net = new Network(spec);
        try (TrainingBackend gradients = TrainingBackends.open(backend, spec)) {
            return trainCorpus(modelName, progress, vocabulary, spec, p, strips, evalText, net, gradients);
        }
    }

    private Outcome trainCorpus(String modelName, Consumer<String> progress, NextVocabulary vocabulary, ModelSpec spec,
                                Parameters p, int[][] strips, String evalText, Network net, TrainingBackend gradients) {
        Settings s = settings;
        int b = s.batchSize();
        int w = s.bptt();
        Optimizer opt = new Optimizer(new OptimizerConfig(s.learningRate(), s.clipNorm(), 0), p.values().length);
        float[] grad = new float[p.values().length];
        float[] state = new float[b * spec.stateWidth()];
        TrainingLog log = new TrainingLog();
        List<double[]> evals = new ArrayList<>();
        long start = System.nanoTime();
        long deadline = start + s.maxTime().toNanos();
        long steps = 0, examples = 0;
        int pos = 0;
        int epoch = 0;
        String stopped = "step budget";
        NextTokenEvaluation.Bits bits = null;
        int[][] in = new int[b][w];
        int[][] tg = new int[b][w];
        int[] len = new int[b];
        while (steps < s.maxSteps()) {
            if (System.nanoTime() > deadline) {
                stopped = "time budget";
                break;
            }
            if (pos + 1 >= strips[0].length) {
                pos = 0;
                epoch++;
                java.util.Arrays.fill(state, 0f);
            }
            int n = Math.min(w, strips[0].length - 1 - pos);
            for (int i = 0; i < b; i++) {
                java.util.Arrays.fill(in[i], 0);
                java.util.Arrays.fill(tg[i], -1);
                System.arraycopy(strips[i], pos, in[i], 0, n);
                System.arraycopy(strips[i], pos + 1, tg[i], 0, n);
                len[i] = n;
            }
            SequenceBatch batch = new SequenceBatch(in, len, null, tg);
            Network.Loss loss = gradients.lossAndGradient(p, batch, state, grad);
            Optimizer.Update u = opt.step(p.values(), grad, loss.value());
            pos += n;
            steps++;
            examples += (long) b * n;
            double heldAcc = Double.NaN;
            if (steps % s.evalEvery() == 0) {
                bits = NextTokenEvaluation.onText(net, p, vocabulary, evalText, 500);
                heldAcc = bits.accuracy();
                evals.add(new double[]{steps, bits.bitsPerToken()});
                if (progress != null) {
                    progress.accept(String.format(java.util.Locale.ROOT, "  step %5d  epoch %d  loss %.4f (%.3f bits)  held-out %.4f bits/char  %.0f s",
                            steps, epoch, loss.value(), loss.value() / Math.log(2), bits.bitsPerToken(), (System.nanoTime() - start) / 1e9));
                }
            }
            log.add(new TrainingLog.Row(steps, examples, loss.value(), loss.accuracy(), heldAcc, u.rawNorm(), u.clippedNorm(), 0,
                    (System.nanoTime() - start) / 1e9));
        }
        bits = NextTokenEvaluation.onText(net, p, vocabulary, evalText, 500);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("heldOutBitsPerChar20k", bits.bitsPerToken());
        metrics.put("seconds", seconds);
        metrics.put("examples", (double) examples);
        ModelMetadata meta = metadata(modelName, vocabulary, spec).withVersion(1, steps, 0, metrics);
        return new Outcome(new ModelSnapshot(meta, p), log, steps, examples, seconds, opt.skippedSteps(), bits, evals, stopped);
    }
}
