package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Readout;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.EchoTask;
import io.seqstream.train.task.OrderTask;
import io.seqstream.train.task.Task;
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
        assertTrue(r.heldOutScore().total() >= EchoTask.PASS_TOKENS, "solved on a confirmation of 100,000 tokens: " + r.heldOutScore());
        assertTrue(r.heldOutScore().accuracy() >= 0.95, r.heldOutScore().toString());
        assertEquals(task.topLevel(), r.level());
        assertEquals(r.steps(), log.size(), "one log row per step, with raw and clipped gradient norms");
        assertTrue(log.rows().stream().allMatch(row -> row.clippedGradNorm() <= 1.0 + 1e-6));
    }

    @Test
    void shouldConfirmAPassingCheckOnAFreshFullSizeSetBeforeTheLevelPasses() {
        OrderTask task = new OrderTask(OrderTask.Variant.SIX_A, 0.25, 0.5);
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 8, task.vocab(), task.classes());
        TaskTrainer trainer = new TaskTrainer(task, spec, new OptimizerConfig(1e-2, 1.0, 0), TaskTrainer.Settings.defaults().withHeldOut(40));
        // Threshold 0: every check passes, so every check is confirmed and the level always passes.
        TaskTrainer.Session open = trainer.session(Parameters.xavier(spec, 1), new Curriculum(2, 0.0, 0.2));
        TaskTrainer.HeldOut.Evaluation first = open.evaluate();
        assertEquals(40, first.checked().total(), "the check uses the configured size");
        assertEquals(Task.PASS_SEQUENCES, first.confirmed().total(), "the confirmation 2560 sequences");
        assertEquals(first.confirmed(), first.judged());
        assertEquals(1, open.curriculum().current());
        // Threshold 1 on an untrained model: the check fails and no confirmation is drawn; nothing passes.
        TaskTrainer.Session closed = trainer.session(Parameters.xavier(spec, 1), new Curriculum(2, 1.0, 0.2));
        TaskTrainer.HeldOut.Evaluation e = closed.evaluate();
        assertNull(e.confirmed());
        assertEquals(e.checked(), e.judged());
        assertEquals(0, closed.curriculum().current());
    }

    @Test
    void shouldLowerTheLearningRateWhenTheTopLevelCheckPassesButItsConfirmationDoesNot() {
        // A check of one sequence at threshold 0.5: an untrained model gets it right for some seeds (1 of 4 classes),
        // but never half of 2560 fresh sequences.
        OrderTask task = new OrderTask(OrderTask.Variant.SIX_A, 0.25);
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 4, task.vocab(), task.classes());
        for (long seed = 1; seed <= 40; seed++) {
            TaskTrainer trainer = new TaskTrainer(task, spec, new OptimizerConfig(1e-2, 1.0, 0),
                    TaskTrainer.Settings.defaults().withHeldOut(1).withSeed(seed));
            TaskTrainer.Session s = trainer.session(Parameters.xavier(spec, 1), Curriculum.none(0, 0.5));
            TaskTrainer.HeldOut.Evaluation e = s.evaluate();
            if (e.confirmed() == null) {
                assertEquals(1e-2, s.optimizer().learningRate(), "a failed check changes nothing");
                continue;
            }
            assertTrue(e.confirmed().accuracy() < 0.5, e.confirmed().toString());
            assertFalse(s.curriculum().finished(), "the check alone does not pass the level");
            assertEquals(5e-3, s.optimizer().learningRate(), 1e-12);
            for (int i = 0; i < 5; i++) s.evaluate();
            assertEquals(1e-2 / 8, s.optimizer().learningRate(), 1e-12, "halved on every miss, down to 1/8");
            return;
        }
        fail("no seed's one-sequence check passed");
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
