package io.seqstream.cli;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.train.Curriculum;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskCatalog;
import io.seqstream.train.TaskTrainer;
import io.seqstream.train.backend.BackendKind;
import io.seqstream.train.report.ReportWriter;
import io.seqstream.train.report.Table;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.Task;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train}: trains a model on a generated task (or, through {@link NextTaskCommand} and {@link SentimentCommand},
 * a next-token or sentiment model), reports held-out accuracy, saves the model (and a report). The options of all three
 * kinds of task are declared here; an option the chosen task does not read is refused.
 */
@Command(name = "train", sortOptions = false, description = {"Train a model and save it.",
        "generated tasks: echo, echo-variable, memory, order-6a, order-6b",
        "next-token: brackets, ndfa, shakespeare (Tiny Shakespeare, --data)",
        "sentiment: word-level IMDb sentiment (train split only, the test split scored)"})
final class TrainCommand implements Callable<Integer> {
    private static final List<String> COMMON = List.of("--task", "--out", "--report", "--name", "--seed", "--hidden", "--lr", "--clip",
            "--batch", "--max-seconds", "--backend");
    static final Set<String> GENERATED = TaskOptions.names(COMMON, "--cell", "--layers", "--clip-value", "--max-steps", "--bptt",
            "--no-curriculum", "--threshold", "--top-threshold", "--delay", "--max-length");
    static final Set<String> NEXT = TaskOptions.names(COMMON, "--layers", "--max-steps", "--eval-every", "--no-curriculum", "--bptt",
            "--train-size", "--held-out", "--stop-at", "--eval-seed", "--data", "--lr-final", "--check-temperature", "--check-samples");
    static final Set<String> SENTIMENT = TaskOptions.names(COMMON, "--data", "--cell", "--glove", "--embed", "--vocab", "--max-words",
            "--epochs", "--eval-every", "--token-budget", "--validation", "--test-limit", "--no-test", "--results", "--lr-final", "--readout",
            "--word-dropout", "--split-seed", "--split-blocks", "--ngrams", "--ngram-buckets");
    static final Set<String> ENSEMBLE = TaskOptions.names(List.of("--task", "--out", "--name"), "--members", "--data", "--validation",
            "--split-seed", "--split-blocks", "--token-budget", "--test-limit", "--no-test", "--ngrams", "--ngram-buckets", "--results");

    @Option(names = "--task", paramLabel = "TASK", description = "echo, echo-variable, memory, order-6a, order-6b, brackets, ndfa, "
            + "shakespeare, sentiment or sentiment-ensemble (default ${DEFAULT-VALUE}).")
    String task = "echo";
    @Option(names = "--out", paramLabel = "FILE", description = "Model file (default models/NAME.model).")
    Path out;
    @Option(names = "--report", paramLabel = "DIR", description = "Also write a markdown report with plots there.")
    Path report;
    @Option(names = "--name", description = "Model name (default from the task and cell).")
    String name;
    @Option(names = "--seed", description = "Training seed (default 1).")
    Integer seed;
    @Option(names = "--cell", description = "rnn, gru or lstm (sentiment also mlp; default per task).")
    String cell;
    @Option(names = "--hidden", paramLabel = "H", description = "Hidden size (default per task).")
    Integer hidden;
    @Option(names = "--layers", paramLabel = "L", description = "Layers (default 1).")
    Integer layers;
    @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate (default per task).")
    Double lr;
    @Option(names = "--clip", paramLabel = "NORM", description = "Global gradient-norm clip (default 1.0).")
    Double clip;
    @Option(names = "--clip-value", paramLabel = "V", description = "Element-wise clip, 0 = off (default ${DEFAULT-VALUE}).")
    double clipValue = 0;
    @Option(names = "--batch", paramLabel = "B", description = "Sequences per minibatch (default per task).")
    Integer batch;
    @Option(names = "--bptt", paramLabel = "W", description = "Truncated BPTT window in steps (0 = whole sequences).")
    Integer bptt;
    @Option(names = "--no-curriculum", description = "Train on the top level only, no curriculum.")
    boolean noCurriculum;
    @Option(names = "--max-steps", paramLabel = "N", description = "Update budget (default 20000 for generated tasks).")
    Integer maxSteps;
    @Option(names = "--max-seconds", paramLabel = "S", description = "Time budget (default per task).")
    Integer maxSeconds;
    @Option(names = "--threshold", paramLabel = "ACC", description = "Held-out accuracy that passes a level below the top "
            + "(echo 0.995, others 0.99).")
    Double threshold;
    @Option(names = "--top-threshold", paramLabel = "ACC", description = "Held-out accuracy that passes the top level, confirmed on "
            + "2560 fresh sequences or 100,000 fresh echo tokens (order 0.9992, echo 0.9995, memory 0.99).")
    Double topThreshold;
    @Option(names = "--delay", paramLabel = "D", description = "Echo: the delay (default ${DEFAULT-VALUE}).")
    int delay = 4;
    @Option(names = "--max-length", paramLabel = "L", description = "Memory: the longest sequence (default ${DEFAULT-VALUE}).")
    int maxLength = 200;
    @Option(names = "--eval-every", paramLabel = "N", description = "Next-token, sentiment: steps between held-out evaluations.")
    Integer evalEvery;
    @Option(names = "--train-size", paramLabel = "N", description = "Next-token languages: generated training strings.")
    Integer trainSize;
    @Option(names = "--held-out", paramLabel = "N", description = "Next-token languages: held-out strings.")
    Integer heldOut;
    @Option(names = "--stop-at", paramLabel = "SHARE", description = "Next-token languages: stop once this share of the check "
            + "samples is accepted (default 0.999).")
    Double stopAt;
    @Option(names = "--lr-final", paramLabel = "RATE", description = "Next-token, sentiment: learning rate at the end of a cosine "
            + "from --lr (next-token languages default 0.0005 at --max-steps; otherwise constant).")
    Double lrFinal;
    @Option(names = "--check-temperature", paramLabel = "T", description = "Next-token languages: temperature of the check samples "
            + "that stop training (default 1.0).")
    Double checkTemperature;
    @Option(names = "--check-samples", paramLabel = "N", description = "Next-token languages: check samples per check (default 2000).")
    Integer checkSamples;
    @Option(names = "--readout", paramLabel = "KIND", description = "Sentiment rnn/lstm: the head reads the last hidden state (last) "
            + "or the running mean of the hidden states (mean); default ${DEFAULT-VALUE}.")
    String readout = "last";
    @Option(names = "--ngrams", paramLabel = "N", description = "Sentiment rnn/lstm and sentiment-ensemble: a bag of hashed 1..N-grams beside the "
            + "recurrent layer, whose running sum the head adds to its logits; 0 = none (default ${DEFAULT-VALUE}).")
    int ngrams = 0;
    @Option(names = "--ngram-buckets", paramLabel = "B", description = "Sentiment: rows of the n-gram bag's hashed table "
            + "(default ${DEFAULT-VALUE}).")
    int ngramBuckets = 1 << 20;
    @Option(names = "--word-dropout", paramLabel = "P", description = "Sentiment: share of training words replaced by <unk> "
            + "(default ${DEFAULT-VALUE}).")
    double wordDropout = 0;
    @Option(names = "--split-seed", paramLabel = "N", description = "Sentiment: seed of the validation carving and so of the "
            + "vocabulary, apart from --seed (default ${DEFAULT-VALUE}).")
    long splitSeed = 1;
    @Option(names = "--split-blocks", paramLabel = "N", description = "Sentiment: carve validation from whole blocks of N "
            + "consecutive review ids (a movie's reviews), 0 = random reviews (default ${DEFAULT-VALUE}).")
    int splitBlocks = 0;
    @Option(names = "--members", paramLabel = "FILES", description = "sentiment-ensemble: comma-separated model files to fold into one.")
    String members;
    @Option(names = "--eval-seed", paramLabel = "N", description = "Next-token: seed of the judged samples (default ${DEFAULT-VALUE}).")
    long evalSeed = 2024;
    @Option(names = "--data", paramLabel = "PATH", description = "Shakespeare: the text (default the shared Tiny Shakespeare); "
            + "sentiment: the IMDb directory (default ../shared/data/imdb).")
    String data;
    @Option(names = "--glove", paramLabel = "FILE", description = "Sentiment: initialise the embedding from GloVe vectors.")
    Path glove;
    @Option(names = "--embed", paramLabel = "E", description = "Sentiment: embedding size without GloVe (default ${DEFAULT-VALUE}).")
    int embed = 50;
    @Option(names = "--vocab", paramLabel = "N", description = "Sentiment: vocabulary size (default ${DEFAULT-VALUE}).")
    int vocab = 10_000;
    @Option(names = "--max-words", paramLabel = "N", description = "Sentiment: last words of each review trained on (default ${DEFAULT-VALUE}).")
    int maxWords = 200;
    @Option(names = "--epochs", paramLabel = "N", description = "Sentiment: epochs (default ${DEFAULT-VALUE}).")
    int epochs = 2;
    @Option(names = "--token-budget", paramLabel = "N", description = "Sentiment: words per evaluation batch (default ${DEFAULT-VALUE}).")
    int tokenBudget = 40_000;
    @Option(names = "--validation", paramLabel = "N", description = "Sentiment: training reviews held out for validation (default ${DEFAULT-VALUE}).")
    int validation = 2500;
    @Option(names = "--test-limit", paramLabel = "N", description = "Sentiment: score only N test reviews (0 = all).")
    int testLimit = 0;
    @Option(names = "--no-test", description = "Sentiment: do not score the test split.")
    boolean noTest;
    @Option(names = "--results", paramLabel = "CSV", description = "Sentiment: append a row of results to this file.")
    Path results;
    @Option(names = "--backend", paramLabel = "NAME", description = "What computes the training gradients: kernels (CPU, "
            + "default), cuda (NVIDIA GPU) or cpu-device (the cuda code on the CPU, for checks); see README, GPU.")
    String backend = BackendKind.KERNELS.configName();
    @Mixin
    HelpOption help;
    @Spec
    CommandSpec spec;

    private final PrintStream console;

    TrainCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        if (NextTaskCommand.handles(task)) {
            TaskOptions.check(spec, task, NEXT);
            return NextTaskCommand.train(this, console);
        }
        if (task.equals("sentiment")) {
            TaskOptions.check(spec, task, SENTIMENT);
            return SentimentCommand.train(this, console);
        }
        if (task.equals("sentiment-ensemble")) {
            TaskOptions.check(spec, task, ENSEMBLE);
            return SentimentCommand.ensemble(this, console);
        }
        TaskOptions.check(spec, task, GENERATED);
        boolean echo = task.startsWith("echo");
        Task t = TaskCatalog.task(task, delay, maxLength);
        CellType cellType = cell != null ? CellType.parse(cell) : TaskCatalog.defaultCell(task);
        ModelSpec modelSpec = TaskCatalog.spec(t, cellType, or(hidden, TaskCatalog.defaultHidden(task)), or(layers, 1));
        OptimizerConfig opt = new OptimizerConfig(or(lr, echo ? 3e-3 : 1e-2), or(clip, 1.0), clipValue);
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults()
                .withMaxSteps(or(maxSteps, 20_000))
                .withMaxTime(Duration.ofSeconds(or(maxSeconds, 900)))
                .withSeed(or(seed, 1))
                .withBatchSize(or(batch, echo ? 50 : 32))
                .withBpttWindow(or(bptt, 0));
        String modelName = or(name, TaskCatalog.defaultModelName(task, cellType));
        Path outFile = or(out, Path.of("models/" + modelName + ".model"));
        double top = or(topThreshold, TaskCatalog.topThreshold(t));
        Curriculum curriculum = noCurriculum ? Curriculum.none(t.topLevel(), top)
                : new Curriculum(t.levelCount(), or(threshold, TaskCatalog.levelThreshold(t)), Curriculum.DEFAULT_MIX, top);
        return train(t, modelSpec, opt, settings, curriculum, modelName, outFile, report, console, backend()) ? 0 : 1;
    }

    /** {@code --backend}, parsed; an unknown name is a usage error that lists the backends. */
    BackendKind backend() {
        try {
            return BackendKind.parse(backend);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--backend: " + e.getMessage());
        }
    }

    /** The option's value, or the task's default when it was not given. */
    static <T> T or(T given, T taskDefault) {
        return given != null ? given : taskDefault;
    }

    /**
     * The first-run echo model at file: trained there first (GRU 64, delay 4, seed 1) when the file is missing, as
     * {@code run} does on first start and the benches and drills that run on it do too.
     */
    static Path ensureEchoModel(Path file, PrintStream out) throws Exception {
        if (Files.isRegularFile(file)) return file;
        out.println("No model at " + file + ": training the echo model first (GRU 64, delay 4, until 99.95 % of "
                + "100,000 held-out tokens of 2000-letter streams are right)");
        trainEcho(4, false, 64, file, null, 20_000, 1, out);
        return file;
    }

    /** Trains the product's echo model (GRU, fixed delay) as {@code run} does on first start. */
    static boolean trainEcho(int delay, boolean variable, int hidden, Path outFile, Path reportDir, long maxSteps, long seed,
                             PrintStream out) throws Exception {
        Task task = TaskCatalog.task(variable ? "echo-variable" : "echo", delay, 0);
        ModelSpec spec = TaskCatalog.spec(task, CellType.GRU, hidden, 1);
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withMaxSteps(maxSteps).withSeed(seed);
        return train(task, spec, new OptimizerConfig(3e-3, 1.0, 0), settings, TaskCatalog.curriculum(task, true),
                variable ? "echo-variable-gru" : "echo-gru", outFile, reportDir, out, BackendKind.KERNELS);
    }

    static boolean train(Task task, ModelSpec spec, OptimizerConfig opt, TaskTrainer.Settings settings, Curriculum curriculum,
                         String modelName, Path outFile, Path reportDir, PrintStream out, BackendKind backend) throws Exception {
        double topThreshold = curriculum.thresholdAt(curriculum.topLevel());
        TrainingLog log = new TrainingLog();
        TrainingProgress progress = new TrainingProgress(task, curriculum.current(), curriculum.levels(), curriculum.threshold(),
                settings.maxSteps(), settings.maxTime().toMillis() / 1000.0, ProgressLine.on(out));
        TaskTrainer.Result r;
        try {
            r = new TaskTrainer(task, spec, opt, settings, backend).train(curriculum, log, progress::accept);
        } finally {
            progress.finish();
        }
        ModelMetadata meta = TaskCatalog.metadata(modelName, task, spec).withVersion(1, r.steps(), r.level(),
                Map.of("heldOutAccuracy", r.heldOutAccuracy(), "seconds", r.seconds(), "examples", (double) r.examples()));
        new ModelSnapshot(meta, r.parameters()).save(outFile);
        out.printf(Locale.ROOT, "%s: held-out accuracy %.4f (%s) at %s after %d steps (%d sequences, %.1f s)%s; saved %s%n",
                modelName, r.heldOutAccuracy(), r.heldOutScore(), task.describeLevel(r.level()), r.steps(), r.examples(), r.seconds(),
                r.solved() ? "" : " - did NOT reach " + topThreshold, outFile);
        if (reportDir != null) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("task", task.name());
            s.put("model", spec.cell() + " hidden " + spec.hidden() + ", " + spec.layers() + " layer(s)");
            s.put("optimiser", "Adam lr " + opt.learningRate() + ", global-norm clip " + opt.clipNorm());
            s.put("batch", String.valueOf(settings.batchSize()));
            s.put("gradients", backend.configName() + " backend");
            s.put("curriculum", curriculum.enabled() ? "levels " + task.levelCount() + ", threshold " + curriculum.threshold()
                    + " (top level " + topThreshold + "), 20 % earlier levels" : "none, top level at " + topThreshold);
            s.put("stopping rule", "a level passes when a check on held-out data reaches its threshold and a fresh set of "
                    + task.unitsToPass() + (task.unitsToPass() == Task.PASS_SEQUENCES ? " sequences" : " tokens") + " confirms it");
            Table table = new Table("held-out accuracy", "level reached", "steps", "sequences", "seconds", "solved")
                    .row(String.format(Locale.ROOT, "%.4f", r.heldOutAccuracy()), task.describeLevel(r.level()), String.valueOf(r.steps()),
                            String.valueOf(r.examples()), String.format(Locale.ROOT, "%.1f", r.seconds()), String.valueOf(r.solved()));
            out.println("report: " + new ReportWriter(reportDir).write(modelName, "Training " + modelName, s, table, log));
        }
        return r.solved();
    }
}
