package io.seqstream.cli;

import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.Network;
import io.seqstream.train.FreshData;
import io.seqstream.train.TaskCatalog;
import io.seqstream.train.task.EchoTask;
import io.seqstream.train.task.Score;
import io.seqstream.train.task.Task;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import static io.seqstream.cli.TrainCommand.or;

/**
 * {@code eval}: a saved model's accuracy on fresh sequences of a task, level by level, or for echo on long single streams
 * per position range ({@code --stream-length}) (next-token and sentiment models
 * through {@link NextTaskCommand} and {@link SentimentCommand}).
 */
@Command(name = "eval", sortOptions = false, description = {"Score a saved model on data its training never saw.",
        "generated tasks: accuracy per level on fresh sequences",
        "brackets, ndfa: samples judged by the language; shakespeare: held-out bits per character",
        "sentiment: the IMDb test split"})
final class EvalCommand implements Callable<Integer> {
    private static final List<String> COMMON = List.of("--task", "--model");
    static final Set<String> GENERATED = TaskOptions.names(COMMON, "--n", "--seed", "--delay", "--max-length", "--stream-length",
            "--streams", "--ranges");
    static final Set<String> NEXT = TaskOptions.names(COMMON, "--n", "--seed", "--temperature", "--max", "--held-out", "--data");
    static final Set<String> SENTIMENT = TaskOptions.names(COMMON, "--data", "--test-limit", "--token-budget");

    @Option(names = "--task", paramLabel = "TASK", description = "The task the model was trained on (default ${DEFAULT-VALUE}).")
    String task = "echo";
    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default models/echo.model, models/TASK.model for "
            + "next-token tasks, models/sentiment-lstm.model).")
    Path model;
    @Option(names = "--n", paramLabel = "N", description = "Sequences per level, or samples judged (default ${DEFAULT-VALUE}).")
    int n = 1000;
    @Option(names = "--seed", description = "Seed of the fresh data (default 12345; next-token 2024).")
    Integer seed;
    @Option(names = "--delay", paramLabel = "D", description = "Echo: the delay (default ${DEFAULT-VALUE}).")
    int delay = 4;
    @Option(names = "--max-length", paramLabel = "L", description = "Memory: the longest sequence (default ${DEFAULT-VALUE}).")
    int maxLength = 200;
    @Option(names = "--stream-length", paramLabel = "N", description = "Echo: score single streams of N letters, each read from a "
            + "zero state as a live stream is, per position range (instead of the levels).")
    Integer streamLength;
    @Option(names = "--streams", paramLabel = "K", description = "Echo with --stream-length: streams scored (default: enough for "
            + "100,000 tokens).")
    Integer streams;
    @Option(names = "--ranges", paramLabel = "R", description = "Echo with --stream-length: position ranges reported (default 10).")
    Integer ranges;
    @Option(names = "--temperature", paramLabel = "T", description = "Brackets, ndfa: sampling temperature (default 0.5).")
    Double temperature;
    @Option(names = "--max", paramLabel = "N", description = "Brackets, ndfa: longest sample (default 500).")
    Integer max;
    @Option(names = "--held-out", paramLabel = "N", description = "Brackets, ndfa: fresh strings scored in bits per token (default 2000).")
    Integer heldOut;
    @Option(names = "--data", paramLabel = "PATH", description = "Shakespeare: the text; sentiment: the IMDb directory.")
    String data;
    @Option(names = "--test-limit", paramLabel = "N", description = "Sentiment: score only N test reviews (0 = all).")
    int testLimit = 0;
    @Option(names = "--token-budget", paramLabel = "N", description = "Sentiment: words per evaluation batch (default ${DEFAULT-VALUE}).")
    int tokenBudget = 40_000;
    @Mixin
    HelpOption help;
    @Spec
    CommandSpec spec;

    private final PrintStream out;

    EvalCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (NextTaskCommand.handles(task)) {
            TaskOptions.check(spec, task, NEXT);
            return NextTaskCommand.eval(this, out);
        }
        if (task.equals("sentiment")) {
            TaskOptions.check(spec, task, SENTIMENT);
            return SentimentCommand.eval(this, out);
        }
        TaskOptions.check(spec, task, GENERATED);
        ModelSnapshot m = ModelSnapshot.load(or(model, Path.of("models/echo.model")));
        Task t = TaskCatalog.task(task, delay, maxLength);
        Random rng = new Random(or(seed, 12345));
        Network net = new Network(m.metadata().spec());
        if (streamLength != null) return streams(m, net, t, rng);
        if (streams != null || ranges != null) throw new UsageException("--streams and --ranges go with --stream-length");
        out.printf(Locale.ROOT, "%s v%d on %s, %d fresh sequences per level:%n", m.metadata().name(), m.metadata().version(), t.name(), n);
        for (int level = 0; level < t.levelCount(); level++) {
            // Drawn in the same order as one plain batch after another, in batches bounded in tokens for long levels.
            Score total = FreshData.score(t, net, m.parameters(), FreshData.draw(t, level, n, rng));
            out.printf(Locale.ROOT, "  %-28s accuracy %.4f (%s)%n", t.describeLevel(level), total.accuracy(), total);
        }
        return 0;
    }

    /** {@code --stream-length N}: echo streams of N letters each, per token overall and per position range. */
    private int streams(ModelSnapshot m, Network net, Task t, Random rng) {
        if (!(t instanceof EchoTask echo)) throw new UsageException("--stream-length scores echo tasks, not " + t.name());
        int length = streamLength;
        if (length <= echo.maxDelay()) throw new UsageException("--stream-length must exceed the delay " + echo.maxDelay() + ", was " + length);
        int k = or(streams, (int) Math.max(1, (EchoTask.PASS_TOKENS + length - echo.maxDelay() - 1) / (length - echo.maxDelay())));
        int r = or(ranges, Math.min(10, length));
        if (k < 1) throw new UsageException("--streams must be >= 1, was " + k);
        if (r < 1 || r > length) throw new UsageException("--ranges must be in [1, " + length + "], was " + r);
        FreshData.StreamScore s = FreshData.streams(echo, net, m.parameters(), length, k, r, rng);
        out.printf(Locale.ROOT, "%s v%d on %s, %d fresh streams of %d letters, each from a zero state:%n", m.metadata().name(),
                m.metadata().version(), t.name(), k, length);
        for (int i = 0; i < s.byRange().size(); i++) {
            Score sc = s.byRange().get(i);
            out.printf(Locale.ROOT, "  positions %6d-%-6d accuracy %.4f (%s)%n", i * s.width(), Math.min(length, (i + 1) * s.width()) - 1,
                    sc.accuracy(), sc);
        }
        int worst = s.worstRange();
        out.printf(Locale.ROOT, "  all positions          accuracy %.4f (%s); lowest range %.4f (positions from %d)%n",
                s.total().accuracy(), s.total(), s.byRange().get(worst).accuracy(), worst * s.width());
        return 0;
    }
}
