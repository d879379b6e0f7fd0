package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Readout;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.EchoTask;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskTrainerTest {

    @Test
    void shouldTrainEchoWithDelayTwoOnShortSequencesBeyondNinetyFivePercent() {
        EchoTask task = EchoTask.fixed(2, 4, 8);
        ModelSpec spec = ModelSpec.oneHot(CellType.GRU, 32, task.vocab(), task.classes());
        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withMaxSteps(3000).withMaxTime(Duration.ofMinutes(2))
                .withBatchSize(32).withEvalEvery(25).withHeldOut(300);
        TrainingLog log = new TrainingLog();
        TaskTrainer.Result r = new TaskTrainer(task, spec, new OptimizerConfig(1e-2, 1.0, 0), settings)
                .train(new Curriculum(task.levelCount(), 0.95, 0.2), log, null);
        assertTrue(r.heldOutAccuracy() > 0.95, "held-out accuracy " + r.heldOutAccuracy() + " after " + r.steps() + " steps");
        assertTrue(r.solved());
        assertEquals(task.topLevel(), r.level());
        assertEquals(r.steps(), log.size(), "one log row per step, with raw and clipped gradient norms");
        assertTrue(log.rows().stream().allMatch(row -> row.clippedGradNorm() <= 1.0 + 1e-6));
    }

    @ParameterizedTest
    @EnumSource(Readout.class)
    void shouldCarryStateAcrossTruncatedWindowsExactlyAsOneFullPass(Readout readout) {
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 8, 5, 3).withLayers(2).withReadout(readout);
        Parameters p = Parameters.xavier(spec, 3);
        Random rng = new Random(2);
        int[][] in = new int[3][12];
        int[][] tg = new int[3][12];
        for (int[] row : in) for (int t = 0; t < row.length; t++) row[t] = rng.nextInt(5);
        SequenceBatch full = new SequenceBatch(in, new int[]{12, 12, 12}, null, tg);
        float[][][] expected = new Network(spec).predict(p, full);
        Network net = new Network(spec);
        float[] state = new float[3 * spec.stateWidth()];
        for (int from = 0; from < 12; from += 5) {
            SequenceBatch w = TaskTrainer.window(full, from, Math.min(12, from + 5));
            net.forward(p, w, state);
            float[][][] got = net.probabilities();
            for (int b = 0; b < 3; b++) {
                for (int t = 0; t < w.maxLength(); t++) assertArrayEquals(expected[b][from + t], got[b][t], 1e-6f);
            }
        }
    }
}
