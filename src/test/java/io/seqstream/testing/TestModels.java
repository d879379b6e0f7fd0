package io.seqstream.testing;

import io.seqstream.model.ModelSnapshot;
import io.seqstream.train.EchoModels;
import io.seqstream.train.next.Language;
import io.seqstream.train.next.NextTokenTrainer;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskTrainer;
import io.seqstream.train.task.EchoTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Models for integration tests, trained by the product's own trainer with a fixed seed, once per build:
 * the file under target/ is reused by later test classes and runs.
 */
public final class TestModels {
    private static final Path ECHO = Path.of("target", "test-models", "echo-gru-d4.model");
    private static final Path NEXT = Path.of("target", "test-models", "next-ndfa-lstm16.model");
    private static ModelSnapshot echo;
    private static ModelSnapshot next;

    private TestModels() {
    }

    /**
     * GRU 64 echo, delay 4, trained to 99 % held-out accuracy at length 20 (the short levels only: the tests compare
     * serving with this model's own forward pass, and the long levels would cost every test JVM seconds more).
     */
    public static synchronized ModelSnapshot echo() throws Exception {
        if (echo != null) return echo;
        if (Files.isRegularFile(ECHO)) {
            echo = ModelSnapshot.load(ECHO);
            return echo;
        }
        EchoModels.Trained t = EchoModels.train("echo-gru", EchoTask.fixed(4, 5, 10, 20), 64, new OptimizerConfig(3e-3, 1.0, 0),
                TaskTrainer.Settings.defaults().withMaxSteps(6000).withMaxTime(Duration.ofMinutes(5)), 0.99, null, null);
        if (!t.result().solved()) throw new IllegalStateException("echo model did not train: " + t.result());
        t.snapshot().save(ECHO);
        echo = t.snapshot();
        return echo;
    }

    /** Saves the echo model where a product configuration expects it. */
    public static Path echoFile() throws Exception {
        echo();
        return ECHO.toAbsolutePath();
    }

    /**
     * A small next-token model (LSTM 16 on the ndfa language, 300 steps: about a second). Its predictions are
     * sensible but not perfect; tests compare serving with its own offline forward pass, not with the language.
     */
    public static synchronized ModelSnapshot next() throws Exception {
        if (next != null) return next;
        if (Files.isRegularFile(NEXT)) {
            next = ModelSnapshot.load(NEXT);
            return next;
        }
        NextTokenTrainer.Settings s = new NextTokenTrainer.Settings(16, 1, 1e-2, 1.0, 32, 300, Duration.ofMinutes(2), 100, 3,
                false, 0, 2000, 200, 2.0);
        next = new NextTokenTrainer(s).trainLanguage(Language.named("ndfa"), "next-ndfa", null).snapshot();
        next.save(NEXT);
        return next;
    }

    public static Path nextFile() throws Exception {
        next();
        return NEXT.toAbsolutePath();
    }
}
