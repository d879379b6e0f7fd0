package io.seqstream.train;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.train.report.ReportWriter;
import io.seqstream.train.report.Table;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.EchoTask;
import io.seqstream.train.task.MemoryTask;
import io.seqstream.train.task.Score;
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
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Regenerates the course-task results from scratch: echo (fixed and variable delay), memory (longest length
 * learned per cell, with and without curriculum) and temporal order 6a/6b (LSTM, with RNN for comparison).
 * Each training is single-threaded; two run at a time. Every trained model is then scored as {@code ./seqstream eval}
 * scores it, on fresh data from seed {@link #FRESH_SEED}, which no training or held-out check draws from (fixed-delay
 * echo also on long single streams). Every run writes its report (markdown, CSV, PNG) with the commands that
 * reproduce it, and the summary goes to results.md.
 */
public final class Experiments {
    private static final int[] MEMORY_LENGTHS = {10, 20, 50, 100, 200};
    /** The seed of the fresh data every figure is scored on; training uses 7, its held-out checks seeds derived from 7. */
    static final int FRESH_SEED = 999;
    /** Fresh sequences for the per-sequence tasks: Hochreiter &amp; Schmidhuber's test-set size. */
    static final int FRESH_SEQUENCES = 2560;
    /** Length of the single streams fixed-delay echo is also scored on. */
    static final int STREAM_LENGTH = 10_000;
    /** Training seed of every run. */
    static final int TRAIN_SEED = 7;

    private Experiments() {
    }

    /**
     * @param quick a smoke-test scale: tiny budgets, a subset of runs
     */
    public record Options(boolean quick, int threads) {
    }

    /** One training run. */
    record Run(String id, String title, String task, int taskArg, CellType cell, int hidden, double lr, int batch,
               boolean curriculum, long budget, boolean quick) {
    }

    /**
     * What a run achieved.
     *
     * @param judged  the held-out score the stopping rule saw last (the confirmation set when solved)
     * @param fresh   the top level on fresh data of seed {@link #FRESH_SEED}, as {@code eval} prints it
     * @param streams fixed-delay echo on long single streams of seed {@link #FRESH_SEED}; null for other tasks
     */
    record Outcome(Run run, String reached, Score judged, Score fresh, FreshData.StreamScore streams, long steps, long examples,
                   double seconds, boolean solved, String report, List<String> commands) {
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
        runs.add(new Run("echo-d4-gru", "Echo, delay 4", "echo", 4, CellType.GRU, 64, 3e-3, 50, true, steps(quick, 20_000), quick));
        runs.add(new Run("echo-variable-gru", "Echo, delay 0-8 as stream parameter", "echo-variable", 0, CellType.GRU, 128, 3e-3, 50, true,
                steps(quick, 60_000), quick));
        runs.add(new Run("order-6a-lstm", "Temporal order 6a", "order-6a", 0, CellType.LSTM, 32, 1e-2, 32, true, steps(quick, 6_000), quick));
        runs.add(new Run("order-6b-lstm", "Temporal order 6b", "order-6b", 0, CellType.LSTM, 32, 1e-2, 32, true, steps(quick, 6_000), quick));
        if (!quick) {
            runs.add(new Run("order-6a-lstm-nocurr", "Temporal order 6a, no curriculum", "order-6a", 0, CellType.LSTM, 32, 1e-2, 32, false, 6_000, false));
            runs.add(new Run("order-6b-lstm-nocurr", "Temporal order 6b, no curriculum", "order-6b", 0, CellType.LSTM, 32, 1e-2, 32, false, 6_000, false));
            runs.add(new Run("order-6a-rnn", "Temporal order 6a (Elman RNN)", "order-6a", 0, CellType.RNN, 32, 1e-2, 32, true, 20_000, false));
            runs.add(new Run("order-6b-rnn", "Temporal order 6b (Elman RNN)", "order-6b", 0, CellType.RNN, 32, 1e-2, 32, true, 20_000, false));
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
                        quick ? 20 : 200, cell, 32, 1e-2, 32, curriculum, steps(quick, curriculum ? 5_000 : 2_000), quick));
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
        String args = "--task " + r.task() + (r.task().equals("memory") ? " --max-length " + r.taskArg() : "");
        return train(r, task, r.id(), args, reports, log);
    }

    /**
     * @param taskArgs the {@code train}/{@code eval} options that make the same task (the commands in the report
     *                 train the same model, bit for bit, and score it on the same fresh data)
     */
    private static Outcome train(Run r, Task task, String reportName, String taskArgs, Path reports, PrintStream log) throws IOException {
        ModelSpec spec = TaskCatalog.spec(task, r.cell(), r.hidden(), 1);
        OptimizerConfig opt = new OptimizerConfig(r.lr(), 1.0, 0);
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withMaxSteps(r.budget()).withMaxTime(Duration.ofHours(2))
                .withBatchSize(r.batch()).withSeed(TRAIN_SEED);
        Curriculum curriculum = TaskCatalog.curriculum(task, r.curriculum());
        TrainingLog trainingLog = new TrainingLog();
        TaskTrainer.Result res = new TaskTrainer(task, spec, opt, settings).train(curriculum, trainingLog, null);
        String reached = res.solved() ? task.describeLevel(res.level())
                : (r.curriculum() && res.level() > 0 ? "passed " + task.describeLevel(res.level() - 1) : "none");
        // The quick smoke test scores on a twentieth of the fresh data (its figures are not reported anywhere).
        int n = r.quick() ? Math.max(1, freshSequences(task) / 20) : freshSequences(task);
        Score fresh = fresh(task, spec, res.parameters(), n);
        FreshData.StreamScore streams = task instanceof EchoTask echo && !echo.variableDelay()
                ? FreshData.streams(echo, new Network(spec), res.parameters(), r.quick() ? 1000 : STREAM_LENGTH, streamCount(echo), 10,
                        new Random(FRESH_SEED))
                : null;
        String model = "models/" + reportName + ".model";
        List<String> commands = new ArrayList<>();
        commands.add(String.format(Locale.ROOT, "./seqstream train %s --cell %s --hidden %d --lr %s --batch %d --seed %d --max-steps %d "
                        + "--max-seconds 7200%s --out %s", taskArgs, r.cell().name().toLowerCase(Locale.ROOT), r.hidden(), r.lr(), r.batch(),
                TRAIN_SEED, r.budget(), r.curriculum() ? "" : " --no-curriculum", model));
        commands.add(String.format(Locale.ROOT, "./seqstream eval %s --model %s --seed %d --n %d", taskArgs, model, FRESH_SEED, n));
        if (streams != null) {
            commands.add(String.format(Locale.ROOT, "./seqstream eval %s --model %s --seed %d --stream-length %d", taskArgs, model,
                    FRESH_SEED, STREAM_LENGTH));
        }
        Map<String, String> s = new LinkedHashMap<>();
        s.put("task", task.name() + " (" + task.describeLevel(task.topLevel()) + ")");
        s.put("model", r.cell() + ", hidden " + r.hidden() + ", one-hot input");
        s.put("optimiser", "Adam lr " + r.lr() + ", global L2-norm clip 1.0" + (task.trainingWindow() > 0
                ? ", truncated BPTT in windows of " + task.trainingWindow() + " steps (state carried) for longer sequences" : ""));
        s.put("batch", String.valueOf(r.batch()));
        s.put("curriculum", (r.curriculum() ? task.levelCount() + " levels, advance at " + pct(curriculum.threshold()) + " held-out, top level at "
                : "none (top level only), solved at ") + pct(curriculum.thresholdAt(task.topLevel()))
                + (r.curriculum() ? ", 20 % from earlier levels" : ""));
        s.put("stopping rule", "a held-out check every 50 steps (or 200,000 training tokens) on "
                + (task.unitsToPass() == Task.PASS_SEQUENCES ? "500 sequences" : "at most 500 sequences")
                + " from a separate seed" + (task.critical(task.topLevel()).isEmpty() ? "" : ", plus the hard pair")
                + "; a level passes when a fresh set of " + units(task, task.unitsToPass()) + " confirms the threshold");
        s.put("budget", r.budget() + " steps");
        s.put("fresh data", units(task, fresh.total()) + " at the top level, seed " + FRESH_SEED + " (never used in training)");
        s.put("reproduce", String.join("; ", commands));
        Table t = new Table("held-out at the stop", "fresh data (seed " + FRESH_SEED + ")", "reached", "steps", "sequences", "seconds", "solved")
                .row(score(res.heldOutScore()), score(fresh), reached, String.valueOf(res.steps()), String.valueOf(res.examples()),
                        String.format(Locale.ROOT, "%.1f", res.seconds()), res.solved() ? "yes" : "no");
        if (streams != null) s.put("long streams", streamSummary(streams));
        new ReportWriter(reports).write(reportName, r.title(), s, t, trainingLog.thinned(2000));
        log.printf(Locale.ROOT, "  %-28s %-45s held-out %s  fresh %s  %s  %d steps  %.0f s%n", reportName, reached,
                score(res.heldOutScore()), score(fresh), res.solved() ? "solved" : "NOT solved", res.steps(), res.seconds());
        return new Outcome(r, reached, res.heldOutScore(), fresh, streams, res.steps(), res.examples(), res.seconds(), res.solved(),
                "results/" + reportName + ".md", List.copyOf(commands));
    }

    /** Fresh sequences per level: 2560, or for echo enough for 100,000 tokens at the top level. */
    static int freshSequences(Task task) {
        return task.sequencesHolding(task.topLevel(), task.unitsToPass());
    }

    /** Streams of {@link #STREAM_LENGTH} letters that hold 100,000 scored tokens (what {@code eval --stream-length} draws). */
    static int streamCount(EchoTask echo) {
        long perStream = STREAM_LENGTH - echo.maxDelay();
        return (int) ((EchoTask.PASS_TOKENS + perStream - 1) / perStream);
    }

    /**
     * The top level's score exactly as {@code ./seqstream eval --seed 999 --n n} computes it: every level in turn from
     * one random source, n sequences each.
     */
    static Score fresh(Task task, ModelSpec spec, Parameters params, int n) {
        Network net = new Network(spec);
        Random rng = new Random(FRESH_SEED);
        Score top = Score.ZERO;
        for (int level = 0; level < task.levelCount(); level++) top = FreshData.score(task, net, params, FreshData.draw(task, level, n, rng));
        return top;
    }

    private static String streamSummary(FreshData.StreamScore s) {
        int worst = s.worstRange();
        return String.format(Locale.ROOT, "%d letters per stream: %s per token; lowest position range %d-%d: %s", STREAM_LENGTH,
                score(s.total()), worst * s.width(), (worst + 1) * s.width() - 1, score(s.byRange().get(worst)));
    }

    private static String units(Task task, long n) {
        return String.format(Locale.ROOT, "%,d", n) + (task.unitsToPass() == Task.PASS_SEQUENCES ? " sequences" : " tokens");
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%s %%", new java.math.BigDecimal(v * 100).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString());
    }

    /** "correct/total (accuracy)", the wrong ones countable. */
    static String score(Score s) {
        return s == null || s.total() == 0 ? "-" : String.format(Locale.ROOT, "%d/%d (%.4f)", s.correct(), s.total(), s.accuracy());
    }

    /**
     * With curriculum: one run through all lengths; the longest length learned is the last level passed.
     * Without: each length from scratch, in increasing order, until the first one not learned within budget.
     */
    private static List<Outcome> ladder(Run r, Path reports, PrintStream log) throws IOException {
        List<Outcome> out = new ArrayList<>();
        if (r.curriculum()) {
            out.add(train(r, MemoryTask.upTo(r.taskArg()), r.id(), "--task memory --max-length " + r.taskArg(), reports, log));
            return out;
        }
        for (int length : MEMORY_LENGTHS) {
            if (length > r.taskArg()) break;
            // The top level alone of the task the CLI makes for this length, so that its commands reproduce the run.
            Task task = MemoryTask.upTo(length);
            Outcome o = train(r, task, r.id() + "-" + length, "--task memory --max-length " + length, reports, log);
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
                .append(String.format(Locale.ROOT, "%.1f minutes in all, load average %.0f over the last 15 minutes when it finished",
                        minutes, loadAverage15())).append(". Accuracy is per token (positions >= the ")
                .append("delay) for echo, per sequence for memory and temporal order. **Stopping rule**: every 50 steps (or 200,000 ")
                .append("training tokens) a check on held-out sequences from a seed training never draws from; when it reaches the ")
                .append("level's threshold, a fresh set of 2560 sequences (memory, order) or 100,000 tokens (echo) from a third seed ")
                .append("must confirm it before the level passes (at the top level the learning rate halves, down to 1/8, on a ")
                .append("failed confirmation and, once a check reached the lower levels' threshold, after 10 checks without a new ")
                .append("best). Top-level thresholds: temporal order 99.92 % (2 wrong of 2560, the bar of Hochreiter & ")
                .append("Schmidhuber 1997), echo 99.95 % per token, memory 99 % with the hard pair right; the levels below pass at ")
                .append("99 % (echo 99.5 %). **Fresh data**: each trained model is then scored as `./seqstream eval --seed ")
                .append(FRESH_SEED).append("` scores it, on ").append(FRESH_SEQUENCES).append(" sequences (memory, order) or 100,000 ")
                .append("tokens (echo) that neither training nor its checks ever drew; fixed-delay echo also on single streams of ")
                .append(String.format(Locale.ROOT, "%,d", STREAM_LENGTH)).append(" letters, each read from a zero state as a live ")
                .append("stream is. Models: one layer, one-hot input, Adam, gradient clipping by the global L2 norm (1.0), Xavier ")
                .append("initialisation, LSTM forget bias 1; echo trains its long levels (200 and 2000 letters) by truncated BPTT in ")
                .append("windows of ").append(EchoTask.WINDOW).append(" steps with the state carried.\n\n");
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
        Table all = new Table("experiment", "cell", "curriculum", "reached", "held-out at the stop", "fresh data, seed " + FRESH_SEED,
                "steps", "sequences", "seconds", "solved", "report");
        List<Outcome> every = new ArrayList<>(outcomes);
        memory.forEach(every::addAll);
        for (Outcome o : every) {
            all.row(o.run().title(), o.run().cell().name(), o.run().curriculum() ? "yes" : "no", o.reached(), score(o.judged()),
                    score(o.fresh()), String.valueOf(o.steps()), String.valueOf(o.examples()), String.format(Locale.ROOT, "%.1f", o.seconds()),
                    o.solved() ? "yes" : "no", "[report](" + o.report() + ")");
        }
        sb.append(all.toMarkdown()).append("\n");
        sb.append("\"held-out at the stop\" is the confirmation set that passed the top level (or, unsolved, the last check); ")
                .append("\"fresh data\" is the top level on seed ").append(FRESH_SEED).append(", correct/total. Each report has the ")
                .append("settings, the commands that reproduce it, the training curve (loss, train and held-out accuracy, raw and ")
                .append("clipped gradient norm, curriculum level) as a PNG, and the per-step CSV.\n\n");
        sb.append("## Echo on long streams\n\n");
        Table streams = new Table("experiment", "streams", "all positions", "lowest position range", "report");
        for (Outcome o : every) {
            if (o.streams() == null) continue;
            FreshData.StreamScore st = o.streams();
            int worst = st.worstRange();
            streams.row(o.run().title(), String.format(Locale.ROOT, "%d of %,d letters, seed %d", streamCount((EchoTask) TaskCatalog.task(
                            o.run().task(), o.run().taskArg(), 0)), STREAM_LENGTH, FRESH_SEED), score(st.total()),
                    String.format(Locale.ROOT, "%d-%d: %s", worst * st.width(), (worst + 1) * st.width() - 1, score(st.byRange().get(worst))),
                    "[report](" + o.report() + ")");
        }
        sb.append(streams.toMarkdown()).append("\n");
        sb.append("The model `./seqstream run` trains on first start is this one (GRU 64, delay 4, seed 1 instead of ")
                .append(TRAIN_SEED).append(", the same curriculum and stopping rule).\n\n");
        sb.append("## Reproduce\n\n```bash\n./seqstream experiments --out docs      # this whole page, from scratch\n");
        for (Outcome o : outcomes) {
            if (!o.run().curriculum() || o.run().cell() == CellType.RNN) continue;
            sb.append("# ").append(o.run().title()).append('\n');
            for (String c : o.commands()) sb.append(c).append('\n');
        }
        sb.append("```\n\nEvery other run's commands are in its report.\n");
        return sb.toString();
    }

    /** The 15-minute load average (from /proc/loadavg where there is one): how busy the machine was, to read the seconds by. */
    private static double loadAverage15() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[2]);
        } catch (IOException | RuntimeException e) {
            return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }

    private static String lengthOf(Outcome o) {
        return o.report().replaceAll(".*-(\\d+)\\.md$", "$1");
    }

    /**
     * The sections of results.md that other commands wrote (next-token, sentiment, ...): everything from the first
     * second-level heading that is not one of the experiments' own. The experiments rewrite only their part.
     */
    static String otherSections(String existing) {
        java.util.Set<String> own = java.util.Set.of("## Longest memory length learned", "## Every run", "## Echo on long streams",
                "## Reproduce");
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
