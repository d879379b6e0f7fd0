package io.seqstream.testing;

import io.seqstream.model.ModelSnapshot;
import io.seqstream.train.EchoModels;
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
    private static ModelSnapshot echo;

    private TestModels() {
    }

    /** GRU 64 echo, delay 4, trained to 99 % held-out accuracy at length 20. */
    public static synchronized ModelSnapshot echo() throws Exception {
        if (echo != null) return echo;
        if (Files.isRegularFile(ECHO)) {
            echo = ModelSnapshot.load(ECHO);
            return echo;
        }
        EchoModels.Trained t = EchoModels.train("echo-gru", new EchoTask(4), 64, new OptimizerConfig(3e-3, 1.0, 0),
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
}
