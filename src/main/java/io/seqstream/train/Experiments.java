package io.seqstream.train;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.train.report.ReportWriter;
import io.seqstream.train.report.Table;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.EchoTask;
import io.seqstream.train.task.MemoryTask;
import io.seqstream.train.task.Task;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Regenerates the course-task results from scratch: echo (fixed and variable delay), memory (longest length
 * learned per cell, with and without curriculum) and temporal order 6a/6b (LSTM, with RNN for comparison).
 * Each training is single-threaded; two run at a time. Every run writes its report (markdown, CSV, PNG) and the
 * summary goes to results.md.
 */
public final class Experiments {
    private static final int[] MEMORY_LENGTHS = {10, 20, 50, 100, 200};

    private Experiments() {
    }

    /**
     * @param quick a smoke-test scale: tiny budgets, a subset of runs
     */
    public record Options(boolean quick, int threads) {
    }

    /** One training run. */
    record Run(String id, String title, String task, int taskArg, CellType cell, int hidden, double lr, int batch,
               boolean curriculum, long budget) {
    }

    /** What a run achieved. */
    record Outcome(Run run, String reached, double heldOut, long steps, long examples, double seconds, boolean solved,
                   String report) {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of("docs");
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) out = Path.of(args[++i]);
            if (args[i].equals("--quick")) quick = true;
        }
        System.exit(run(out, new Options(quick, 2), System.out));
    }

    public static int run(Path outDir, Options options, PrintStream log) throws Exception {
        long t0 = System.nanoTime();
        Path reports = outDir.resolve("results");
        Files.createDirectories(reports);
        ExecutorService pool = Executors.newFixedThreadPool(options.threads());
        List<Future<Outcome>> single = new ArrayList<>();
        for (Run r : singleRuns(options.quick())) single.add(pool.submit(() -> train(r, reports, log)));
        List<Future<List<Outcome>>> ladders = new ArrayList<>();
        for (Run r : memoryLadders(options.quick())) ladders.add(pool.submit(() -> ladder(r, reports, log)));
        List<Outcome> outcomes = new ArrayList<>();
        for (Future<Outcome> f : single) outcomes.add(f.get());
        List<List<Outcome>> memory = new ArrayList<>();
        for (Future<List<Outcome>> f : ladders) memory.add(f.get());
        pool.shutdown();
        double minutes = (System.nanoTime() - t0) / 60e9;
        Path results = outDir.resolve("results.md");
        String others = Files.exists(results) ? otherSections(Files.readString(results)) : "";
        Files.writeString(results, summary(outcomes, memory, minutes, options) + others);
        log.printf(Locale.ROOT, "experiments finished in %.1f min; summary in %s%n", minutes, outDir.resolve("results.md"));
        return 0;
    }

    private static List<Run> singleRuns(boolean quick) {
        List<Run> runs = new ArrayList<>();
        runs.add(new Run("echo-d4-gru", "Echo, delay 4", "echo", 4, CellType.GRU, 64, 3e-3, 50, true, steps(quick, 20_000)));
        runs.add(new Run("echo-variable-gru", "Echo, delay 0-8 as stream parameter", "echo-variable", 0, CellType.GRU, 128, 3e-3, 50, true,
                steps(quick, 20_000)));
        runs.add(new Run("order-6a-lstm", "Temporal order 6a", "order-6a", 0, CellType.LSTM, 32, 1e-2, 32, true, steps(quick, 6_000)));
        runs.add(new Run("order-6b-lstm", "Temporal order 6b", "order-6b", 0, CellType.LSTM, 32, 1e-2, 32, true, steps(quick, 6_000)));
        if (!quick) {
            runs.add(new Run("order-6a-lstm-nocurr", "Temporal order 6a, no curriculum", "order-6a", 0, CellType.LSTM, 32, 1e-2, 32, false, 6_000));
            runs.add(new Run("order-6b-lstm-nocurr", "Temporal order 6b, no curriculum", "order-6b", 0, CellType.LSTM, 32, 1e-2, 32, false, 6_000));
            runs.add(new Run("order-6a-rnn", "Temporal order 6a (Elman RNN)", "order-6a", 0, CellType.RNN, 32, 1e-2, 32, true, 20_000));
            runs.add(new Run("order-6b-rnn", "Temporal order 6b (Elman RNN)", "order-6b", 0, CellType.RNN, 32, 1e-2, 32, true, 20_000));
        }
        return runs;
    }

    /** Memory: per cell, one curriculum run over the lengths, and a from-scratch run per length without one. */
    private static List<Run> memoryLadders(boolean quick) {
        List<Run> runs = new ArrayList<>();
        for (CellType cell : new CellType[]{CellType.LSTM, CellType.RNN}) {
            for (boolean curriculum : new boolean[]{true, false}) {
                String id = "memory-" + cell.name().toLowerCase(Locale.ROOT) + (curriculum ? "" : "-nocurr");
                runs.add(new Run(id, "Memory, " + cell + (curriculum ? ", curriculum 10-200" : ", no curriculum"), "memory",
                        quick ? 20 : 200, cell, 32, 1e-2, 32, curriculum, steps(quick, curriculum ? 5_000 : 2_000)));
                if (quick) break;
            }
        }
        return runs;
    }

    /**
     * Budgets are steps, not seconds, so that a run's outcome depends on its seed alone and not on how busy the
     * machine was (a time budget cut LSTM's length-200 memory run short on a loaded machine).
     */
    private static long steps(boolean quick, long steps) {
        return quick ? 20 : steps;
    }

    private static Outcome train(Run r, Path reports, PrintStream log) throws IOException {
        Task task = TaskCatalog.task(r.task(), r.taskArg(), r.taskArg());
        return train(r, task, r.id(), reports, log);
    }

    private static Outcome train(Run r, Task task, String reportName, Path reports, PrintStream log) throws IOException {
        ModelSpec spec = TaskCatalog.spec(task, r.cell(), r.hidden(), 1);
        OptimizerConfig opt = new OptimizerConfig(r.lr(), 1.0, 0);
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withMaxSteps(r.budget()).withMaxTime(Duration.ofHours(2))
                .withBatchSize(r.batch()).withSeed(7);
        // Echo's bar is "more than 99 % per token": its levels are passed at 99.5 %, clear of the bar; the sequence
        // tasks' bar is 99 % of sequences.
        double threshold = task instanceof EchoTask ? 0.995 : 0.99;
        Curriculum curriculum = r.curriculum() ? new Curriculum(task.levelCount(), threshold, Curriculum.DEFAULT_MIX)
                : Curriculum.none(task.topLevel(), threshold);
        TrainingLog trainingLog = new TrainingLog();
        TaskTrainer.Result res = new TaskTrainer(task, spec, opt, settings).train(curriculum, trainingLog, null);
        String reached = res.solved() ? task.describeLevel(res.level())
                : (r.curriculum() && res.level() > 0 ? "passed " + task.describeLevel(res.level() - 1) : "none");
        Map<String, String> s = new LinkedHashMap<>();
        s.put("task", task.name() + " (" + task.describeLevel(task.topLevel()) + ")");
        s.put("model", r.cell() + ", hidden " + r.hidden() + ", one-hot input");
        s.put("optimiser", "Adam lr " + r.lr() + ", global L2-norm clip 1.0");
        s.put("batch", String.valueOf(r.batch()));
        s.put("curriculum", (r.curriculum() ? task.levelCount() + " levels, advance at " : "none (top level only), solved at ")
                + String.format(Locale.ROOT, "%.1f", threshold * 100) + " % held-out" + (r.curriculum() ? ", 20 % from earlier levels" : ""));
        s.put("held-out", "500 fresh sequences per level from a separate seed" + (task.critical(task.topLevel()).isEmpty() ? "" : ", plus the hard pair"));
        s.put("budget", r.budget() + " steps");
        Table t = new Table("held-out accuracy", "reached", "steps", "sequences", "seconds", "solved")
                .row(fmt(res.heldOutAccuracy()), reached, String.valueOf(res.steps()), String.valueOf(res.examples()),
                        String.format(Locale.ROOT, "%.1f", res.seconds()), res.solved() ? "yes" : "no");
        new ReportWriter(reports).write(reportName, r.title(), s, t, trainingLog.thinned(2000));
        log.printf(Locale.ROOT, "  %-28s %-45s held-out %s  %s  %d steps  %.0f s%n", reportName, reached,
                fmt(res.heldOutAccuracy()), res.solved() ? "solved" : "NOT solved", res.steps(), res.seconds());
        return new Outcome(r, reached, res.heldOutAccuracy(), res.steps(), res.examples(), res.seconds(), res.solved(),
                "results/" + reportName + ".md");
    }

    /**
     * With curriculum: one run through all lengths; the longest length learned is the last level passed.
     * Without: each length from scratch, in increasing order, until the first one not learned within budget.
     */
    private static List<Outcome> ladder(Run r, Path reports, PrintStream log) throws IOException {
        List<Outcome> out = new ArrayList<>();
        if (r.curriculum()) {
            out.add(train(r, MemoryTask.upTo(r.taskArg()), r.id(), reports, log));
            return out;
        }
        for (int length : MEMORY_LENGTHS) {
            if (length > r.taskArg()) break;
            Task task = new MemoryTask(length);
            Outcome o = train(r, task, r.id() + "-" + length, reports, log);
            out.add(o);
            if (!o.solved()) break;
        }
        return out;
    }

    private static String summary(List<Outcome> outcomes, List<List<Outcome>> memory, double minutes, Options options) {
        StringBuilder sb = new StringBuilder();
        sb.append("# Results: the course tasks\n\n");
        sb.append("Every number below comes from one run of `./seqstream experiments --out docs")
                .append(options.quick() ? " --quick" : "").append("` on a 2-core machine (")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores seen by the JVM), two trainings at a time, ")
                .append(String.format(Locale.ROOT, "%.1f minutes in all", minutes)).append(". Held-out accuracy is measured on fresh ")
                .append("sequences generated from a seed that training never draws from: per token (positions >= the delay) for echo, ")
                .append("per sequence for memory and temporal order. Models: one layer, one-hot input, Adam, gradient clipping by ")
                .append("the global L2 norm (1.0), Xavier initialisation, LSTM forget bias 1.\n\n");
        sb.append("## Longest memory length learned (> 99 % held-out, hard pair included)\n\n");
        Table mem = new Table("cell", "curriculum", "longest length learned", "steps", "seconds", "reports");
        for (List<Outcome> ladder : memory) {
            Run r = ladder.get(0).run();
            String longest = "none";
            long steps = 0;
            double seconds = 0;
            StringBuilder links = new StringBuilder();
            for (Outcome o : ladder) {
                steps += o.steps();
                seconds += o.seconds();
                if (o.solved()) longest = r.curriculum() ? o.reached() : "length " + lengthOf(o);
                else if (r.curriculum() && o.reached().startsWith("passed ")) longest = o.reached().substring(7);
                links.append(links.length() == 0 ? "" : ", ").append("[").append(r.curriculum() ? "run" : lengthOf(o)).append("](")
                        .append(o.report()).append(")");
            }
            mem.row(r.cell().name(), r.curriculum() ? "yes (10, 20, 50, 100, 200)" : "no (each length from scratch)",
                    longest, String.valueOf(steps), String.format(Locale.ROOT, "%.0f", seconds), links.toString());
        }
        sb.append(mem.toMarkdown()).append("\n");
        sb.append("## Every run\n\n");
        Table all = new Table("experiment", "cell", "curriculum", "reached", "held-out accuracy", "steps", "sequences", "seconds", "solved", "report");
        List<Outcome> every = new ArrayList<>(outcomes);
        memory.forEach(every::addAll);
        for (Outcome o : every) {
            all.row(o.run().title(), o.run().cell().name(), o.run().curriculum() ? "yes" : "no", o.reached(), fmt(o.heldOut()),
                    String.valueOf(o.steps()), String.valueOf(o.examples()), String.format(Locale.ROOT, "%.1f", o.seconds()),
                    o.solved() ? "yes" : "no", "[report](" + o.report() + ")");
        }
        sb.append(all.toMarkdown()).append("\n");
        sb.append("Each report has the settings, the training curve (loss, train and held-out accuracy, raw and clipped ")
                .append("gradient norm, curriculum level) as a PNG, and the per-step CSV.\n\n");
        sb.append("## Reproduce\n\n```bash\n./seqstream experiments --out docs      # this whole page, from scratch\n")
                .append("./seqstream train --task order-6b --cell lstm --hidden 32 --lr 0.01 --batch 32 --report docs/train\n")
                .append("./seqstream train --task memory --max-length 200 --cell rnn --hidden 32 --lr 0.01 --batch 32 --no-curriculum\n```\n");
        return sb.toString();
    }

    private static String lengthOf(Outcome o) {
        return o.report().replaceAll(".*-(\\d+)\\.md$", "$1");
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * The sections of results.md that other commands wrote (next-token, sentiment, ...): everything from the first
     * second-level heading that is not one of the experiments' own. The experiments rewrite only their part.
     */
    static String otherSections(String existing) {
        java.util.Set<String> own = java.util.Set.of("## Longest memory length learned", "## Every run", "## Reproduce");
        int at = 0;
        while ((at = existing.indexOf("\n## ", at)) >= 0) {
            int lineEnd = existing.indexOf('\n', at + 1);
            String heading = existing.substring(at + 1, lineEnd < 0 ? existing.length() : lineEnd);
            if (own.stream().noneMatch(heading::startsWith)) return "\n" + existing.substring(at + 1);
            at = lineEnd < 0 ? existing.length() : lineEnd;
        }
        return "";
    }
}
