package io.seqstream.cli;

import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.Network;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.TaskCatalog;
import io.seqstream.train.task.Score;
import io.seqstream.train.task.Task;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/** {@code eval}: a saved model's accuracy on fresh sequences of a task, level by level. */
final class EvalCommand {
    private EvalCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        if (NextTaskCommand.handles(args.get("task", ""))) return NextTaskCommand.eval(args, out);
        if ("sentiment".equals(args.get("task", ""))) return SentimentCommand.eval(args, out);
        ModelSnapshot m = ModelSnapshot.load(Path.of(args.get("model", "models/echo.model")));
        String name = args.get("task", "echo");
        Task task = TaskCatalog.task(name, args.integer("delay", 4), args.integer("max-length", 200));
        int n = args.integer("n", 1000);
        Random rng = new Random(args.integer("seed", 12345));
        Network net = new Network(m.metadata().spec());
        out.printf(Locale.ROOT, "%s v%d on %s, %d fresh sequences per level:%n", m.metadata().name(), m.metadata().version(), task.name(), n);
        for (int level = 0; level < task.levelCount(); level++) {
            Score total = Score.ZERO;
            for (int done = 0; done < n; done += 100) {
                SequenceBatch b = task.batch(level, Math.min(100, n - done), rng);
                total = total.plus(task.score(b, net.predict(m.parameters(), b)));
            }
            out.printf(Locale.ROOT, "  %-28s accuracy %.4f (%s)%n", task.describeLevel(level), total.accuracy(), total);
        }
        return 0;
    }
}
