package io.seqstream.cli;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.train.Curriculum;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskCatalog;
import io.seqstream.train.TaskTrainer;
import io.seqstream.train.report.ReportWriter;
import io.seqstream.train.report.Table;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.Task;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code train}: trains a model on a generated task, reports held-out accuracy, saves the model (and a report). */
final class TrainCommand {
    /** Echo's bar is more than 99 % per token: a level is passed at 99.5 %, clear of it. */
    static final double ECHO_THRESHOLD = 0.995;

    private TrainCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        String name = args.get("task", "echo");
        if (NextTaskCommand.handles(name)) return NextTaskCommand.train(args, out);
        if (name.equals("sentiment")) return SentimentCommand.train(args, out);
        if (name.equals("sentiment-ensemble")) return SentimentCommand.ensemble(args, out);
        Task task = TaskCatalog.task(name, args.integer("delay", 4), args.integer("max-length", 200));
        CellType cell = args.has("cell") ? CellType.parse(args.get("cell", "")) : TaskCatalog.defaultCell(name);
        ModelSpec spec = TaskCatalog.spec(task, cell, args.integer("hidden", TaskCatalog.defaultHidden(name)), args.integer("layers", 1));
        OptimizerConfig opt = new OptimizerConfig(args.decimal("lr", name.startsWith("echo") ? 3e-3 : 1e-2),
                args.decimal("clip", 1.0), args.decimal("clip-value", 0));
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults()
                .withMaxSteps(args.integer("max-steps", 20_000))
                .withMaxTime(Duration.ofSeconds(args.integer("max-seconds", 900)))
                .withSeed(args.integer("seed", 1))
                .withBatchSize(args.integer("batch", name.startsWith("echo") ? 50 : 32))
                .withBpttWindow(args.integer("bptt", 0));
        boolean curriculum = !args.flag("no-curriculum");
        String modelName = args.get("name", TaskCatalog.defaultModelName(name, cell));
        Path outFile = Path.of(args.get("out", "models/" + modelName + ".model"));
        Path report = args.has("report") ? Path.of(args.get("report", "")) : null;
        double threshold = args.decimal("threshold", name.startsWith("echo") ? ECHO_THRESHOLD : 0.99);
        return train(task, spec, opt, settings, curriculum, threshold, modelName, outFile, report, out) ? 0 : 1;
    }

    /** Trains the product's echo model (GRU, fixed delay) as {@code run} does on first start. */
    static boolean trainEcho(int delay, boolean variable, int hidden, Path outFile, Path reportDir, long maxSteps, long seed,
                             PrintStream out) throws Exception {
        Task task = TaskCatalog.task(variable ? "echo-variable" : "echo", delay, 0);
        ModelSpec spec = TaskCatalog.spec(task, CellType.GRU, hidden, 1);
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withMaxSteps(maxSteps).withSeed(seed);
        return train(task, spec, new OptimizerConfig(3e-3, 1.0, 0), settings, true, ECHO_THRESHOLD,
                variable ? "echo-variable-gru" : "echo-gru", outFile, reportDir, out);
    }

    static boolean train(Task task, ModelSpec spec, OptimizerConfig opt, TaskTrainer.Settings settings, boolean withCurriculum,
                         double threshold, String modelName, Path outFile, Path reportDir, PrintStream out) throws Exception {
        Curriculum curriculum = withCurriculum ? new Curriculum(task.levelCount(), threshold, Curriculum.DEFAULT_MIX)
                : Curriculum.none(task.topLevel(), threshold);
        TrainingLog log = new TrainingLog();
        TaskTrainer.Result r = new TaskTrainer(task, spec, opt, settings).train(curriculum, log,
                p -> out.printf(Locale.ROOT, "  step %5d  level %d (%s)  held-out accuracy %.4f  loss %.4f  %.1f s%n",
                        p.step(), p.level(), task.describeLevel(p.level()), p.heldOutAccuracy(), p.loss(), p.seconds()));
        ModelMetadata meta = TaskCatalog.metadata(modelName, task, spec).withVersion(1, r.steps(), r.level(),
                Map.of("heldOutAccuracy", r.heldOutAccuracy(), "seconds", r.seconds(), "examples", (double) r.examples()));
        new ModelSnapshot(meta, r.parameters()).save(outFile);
        out.printf(Locale.ROOT, "%s: held-out accuracy %.4f at %s after %d steps (%d sequences, %.1f s)%s; saved %s%n",
                modelName, r.heldOutAccuracy(), task.describeLevel(r.level()), r.steps(), r.examples(), r.seconds(),
                r.solved() ? "" : " - did NOT reach " + threshold, outFile);
        if (reportDir != null) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("task", task.name());
            s.put("model", spec.cell() + " hidden " + spec.hidden() + ", " + spec.layers() + " layer(s)");
            s.put("optimiser", "Adam lr " + opt.learningRate() + ", global-norm clip " + opt.clipNorm());
            s.put("batch", String.valueOf(settings.batchSize()));
            s.put("curriculum", withCurriculum ? "levels " + task.levelCount() + ", threshold " + threshold + ", 20 % earlier levels" : "none");
            Table table = new Table("held-out accuracy", "level reached", "steps", "sequences", "seconds", "solved")
                    .row(String.format(Locale.ROOT, "%.4f", r.heldOutAccuracy()), task.describeLevel(r.level()), String.valueOf(r.steps()),
                            String.valueOf(r.examples()), String.format(Locale.ROOT, "%.1f", r.seconds()), String.valueOf(r.solved()));
            out.println("report: " + new ReportWriter(reportDir).write(modelName, "Training " + modelName, s, table, log));
        }
        return r.solved();
    }
}
