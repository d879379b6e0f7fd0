package io.seqstream.bench;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.train.Curriculum;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskTrainer;
import io.seqstream.train.task.EchoTask;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Time and batches to 99 % held-out accuracy on echo delay 4 with a GRU of 64 units, batch 50, Adam 1e-3 (clip 1.0),
 * evaluated every 50 batches: the same task and settings as {@code bench/pytorch_train_echo.py}. Runs with the
 * curriculum over lengths 5, 10, 20 or straight on length 20, since the curriculum changes the count.
 */
public final class TrainBench {
    private TrainBench() {
    }

    /** One training run. */
    public record Result(String variant, long batches, double seconds, double heldOutAccuracy, boolean solved) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("variant", variant);
            m.put("batches", batches);
            m.put("seconds", seconds);
            m.put("heldOutAccuracy", heldOutAccuracy);
            m.put("solved", solved);
            return m;
        }
    }

    public static Result run(boolean curriculum, long seed, Duration maxTime) {
        // Lengths 5, 10, 20: the task the PyTorch reference trains (the product's long-stream levels come after it).
        EchoTask task = EchoTask.fixed(4, 5, 10, 20);
        ModelSpec spec = ModelSpec.oneHot(CellType.GRU, 64, task.vocab(), task.classes());
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withSeed(seed).withMaxTime(maxTime)
                .withBatchSize(50).withEvalEvery(50);
        Curriculum c = curriculum ? new Curriculum(task.levelCount()) : Curriculum.none(task.topLevel());
        TaskTrainer.Result r = new TaskTrainer(task, spec, new OptimizerConfig(1e-3, 1.0, 0), settings).train(c, null, null);
        return new Result(curriculum ? "seqstream, curriculum 5/10/20" : "seqstream, length 20 only", r.steps(), r.seconds(),
                r.heldOutAccuracy(), r.solved());
    }
}
