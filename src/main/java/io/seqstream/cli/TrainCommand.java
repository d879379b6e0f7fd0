package io.seqstream.cli;

import io.seqstream.train.EchoModels;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskTrainer;
import io.seqstream.train.report.ReportWriter;
import io.seqstream.train.report.Table;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.EchoTask;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code train}: trains a model on generated data, reports held-out accuracy, saves it. */
final class TrainCommand {
    private TrainCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        String task = args.get("task", "echo");
        int hidden = args.integer("hidden", 64);
        long maxSteps = args.integer("max-steps", 20_000);
        long seed = args.integer("seed", 1);
        Path report = args.has("report") ? Path.of(args.get("report", "")) : null;
        return switch (task) {
            case "echo" -> trainEcho(args.integer("delay", 4), false, hidden,
                    Path.of(args.get("out", "models/echo.model")), report, maxSteps, seed, out) ? 0 : 1;
            case "echo-variable" -> trainEcho(0, true, hidden,
                    Path.of(args.get("out", "models/echo-variable.model")), report, maxSteps, seed, out) ? 0 : 1;
            default -> throw new Args.UsageException("unknown task '" + task + "' (echo, echo-variable)");
        };
    }

    /** Trains and saves an echo model; true when it reached 99 % held-out accuracy at length 20. */
    static boolean trainEcho(int delay, boolean variable, int hidden, Path outFile, Path reportDir, long maxSteps, long seed,
                             PrintStream out) throws Exception {
        EchoTask task = variable ? EchoTask.variable() : new EchoTask(delay);
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withMaxSteps(maxSteps).withSeed(seed);
        OptimizerConfig opt = new OptimizerConfig(3e-3, 1.0, 0);
        TrainingLog log = new TrainingLog();
        String name = variable ? "echo-variable-gru" : "echo-gru";
        EchoModels.Trained t = EchoModels.train(name, task, hidden, opt, settings, 0.99, log,
                p -> out.printf(Locale.ROOT, "  step %5d  level %d (%s)  held-out accuracy %.4f  loss %.4f  %.1f s%n",
                        p.step(), p.level(), task.describeLevel(p.level()), p.heldOutAccuracy(), p.loss(), p.seconds()));
        t.snapshot().save(outFile);
        TaskTrainer.Result r = t.result();
        out.printf(Locale.ROOT, "%s: held-out accuracy %.4f at %s after %d steps (%d sequences, %.1f s); saved %s%n",
                name, r.heldOutAccuracy(), task.describeLevel(task.topLevel()), r.steps(), r.examples(), r.seconds(), outFile);
        if (reportDir != null) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("task", task.name());
            s.put("model", "GRU " + hidden + (variable ? ", delay as stream parameter" : ""));
            s.put("optimiser", "Adam lr " + opt.learningRate() + ", global-norm clip " + opt.clipNorm());
            s.put("batch", String.valueOf(settings.batchSize()));
            Table table = new Table("held-out accuracy", "steps", "sequences", "seconds")
                    .row(String.format(Locale.ROOT, "%.4f", r.heldOutAccuracy()), String.valueOf(r.steps()),
                            String.valueOf(r.examples()), String.format(Locale.ROOT, "%.1f", r.seconds()));
            new ReportWriter(reportDir).write(name, "Training " + name, s, table, log);
        }
        return r.solved();
    }
}
