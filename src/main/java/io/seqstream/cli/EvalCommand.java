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
import java.util.Locale;
import java.util.Random;

/**
 * {@code eval}: a saved model's accuracy on fresh sequences of a task, level by level, or (echo, {@code --stream-length})
 * on long single streams, per position range.
 */
final class EvalCommand {
    private EvalCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        if (NextTaskCommand.handles(args.get("task", ""))) return NextTaskCommand.eval(args, out);
        if ("sentiment".equals(args.get("task", ""))) return SentimentCommand.eval(args, out);
        ModelSnapshot m = ModelSnapshot.load(Path.of(args.get("model", "models/echo.model")));
        String name = args.get("task", "echo");
        Task task = TaskCatalog.task(name, args.integer("delay", 4), args.integer("max-length", 200));
        Network net = new Network(m.metadata().spec());
        if (args.has("stream-length")) return streams(args, m, net, task, out);
        int n = args.integer("n", 1000);
        Random rng = new Random(args.integer("seed", 12345));
        out.printf(Locale.ROOT, "%s v%d on %s, %d fresh sequences per level:%n", m.metadata().name(), m.metadata().version(), task.name(), n);
        for (int level = 0; level < task.levelCount(); level++) {
            Score total = FreshData.score(task, net, m.parameters(), FreshData.draw(task, level, n, rng));
            out.printf(Locale.ROOT, "  %-28s accuracy %.4f (%s)%n", task.describeLevel(level), total.accuracy(), total);
        }
        return 0;
    }

    /**
     * {@code --stream-length N}: echo streams of N letters each read from a zero state to the end, as a live stream is;
     * per token overall and per position range. By default enough streams for 100,000 scored tokens.
     */
    private static int streams(Args args, ModelSnapshot m, Network net, Task task, PrintStream out) {
        if (!(task instanceof EchoTask echo)) throw new Args.UsageException("--stream-length scores echo tasks, not " + task.name());
        int length = args.integer("stream-length", 0);
        if (length <= echo.maxDelay()) throw new Args.UsageException("--stream-length must exceed the delay " + echo.maxDelay() + ", was " + length);
        int streams = args.integer("streams", (int) Math.max(1, (EchoTask.PASS_TOKENS + length - echo.maxDelay() - 1) / (length - echo.maxDelay())));
        int ranges = args.integer("ranges", Math.min(10, length));
        if (streams < 1) throw new Args.UsageException("--streams must be >= 1, was " + streams);
        if (ranges < 1 || ranges > length) throw new Args.UsageException("--ranges must be in [1, " + length + "], was " + ranges);
        Random rng = new Random(args.integer("seed", 12345));
        FreshData.StreamScore s = FreshData.streams(echo, net, m.parameters(), length, streams, ranges, rng);
        out.printf(Locale.ROOT, "%s v%d on %s, %d fresh streams of %d letters, each from a zero state:%n", m.metadata().name(),
                m.metadata().version(), task.name(), streams, length);
        for (int r = 0; r < s.byRange().size(); r++) {
            Score sc = s.byRange().get(r);
            out.printf(Locale.ROOT, "  positions %6d-%-6d accuracy %.4f (%s)%n", r * s.width(), Math.min(length, (r + 1) * s.width()) - 1,
                    sc.accuracy(), sc);
        }
        int worst = s.worstRange();
        out.printf(Locale.ROOT, "  all positions          accuracy %.4f (%s); lowest range %.4f (positions from %d)%n",
                s.total().accuracy(), s.total(), s.byRange().get(worst).accuracy(), worst * s.width());
        return 0;
    }
}
