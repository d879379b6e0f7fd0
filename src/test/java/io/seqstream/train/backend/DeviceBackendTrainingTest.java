package io.seqstream.train.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.train.Curriculum;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskCatalog;
import io.seqstream.train.TaskTrainer;
import io.seqstream.train.task.EchoTask;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device trainer's code (on the plain-Java device) trains a real model through the unchanged loop (curriculum,
 * clipping, Adam): echo with delay 2 passes 95 % held-out, judged by the kernels, and the saved model, loaded, scores
 * above 95 % on the kernels' held-out check too.
 */
class DeviceBackendTrainingTest {

    @Test
    void shouldTrainEchoOnTheDeviceCodeIntoAModelTheKernelsServe(@TempDir Path dir) throws Exception {
        EchoTask task = EchoTask.fixed(2, 4, 8);
        ModelSpec spec = ModelSpec.oneHot(CellType.GRU, 32, task.vocab(), task.classes());
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withMaxSteps(3000).withMaxTime(Duration.ofMinutes(4))
                .withBatchSize(32).withEvalEvery(25).withHeldOut(300);
        TaskTrainer.Result r = new TaskTrainer(task, spec, new OptimizerConfig(1e-2, 1.0, 0), settings, BackendKind.CPU_DEVICE)
                .train(new Curriculum(task.levelCount(), 0.95, 0.2), null, null);
        assertTrue(r.solved() && r.heldOutAccuracy() > 0.95, "held-out accuracy " + r.heldOutAccuracy() + " after " + r.steps() + " steps");
        assertEquals(0, r.skippedSteps());

        Path file = dir.resolve("echo.model");
        new ModelSnapshot(TaskCatalog.metadata("echo-device", task, spec).withVersion(1, r.steps(), r.level(), Map.of()),
                r.parameters()).save(file);
        ModelSnapshot loaded = ModelSnapshot.load(file);
        TaskTrainer.Session check = new TaskTrainer(task, spec, new OptimizerConfig(1e-2, 1.0, 0), settings)
                .session(loaded.parameters(), Curriculum.none(task.topLevel(), 0.95));
        double served = check.evaluate(task.topLevel()).accuracy();
        assertTrue(served > 0.95, "the loaded model on the kernels: held-out accuracy " + served);
    }
}
