package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.task.EchoTask;
import io.seqstream.train.task.OrderTask;
import io.seqstream.train.task.Score;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FreshDataTest {

    @Test
    void shouldBoundBatchesInTokensAndSequencesWithoutChangingWhatIsDrawn() {
        EchoTask task = new EchoTask(4);
        List<SequenceBatch> longOnes = FreshData.draw(task, task.topLevel(), 25, new Random(3));
        assertEquals(3, longOnes.size(), "10 streams of 2000 per batch: 20,000 tokens");
        assertEquals(25, longOnes.stream().mapToInt(SequenceBatch::size).sum());
        List<SequenceBatch> shortOnes = FreshData.draw(task, 0, 250, new Random(3));
        assertEquals(List.of(100, 100, 50), shortOnes.stream().map(SequenceBatch::size).toList());
        SequenceBatch same = task.batch(0, 100, new Random(3));
        assertTrue(java.util.Arrays.deepEquals(same.inputs, shortOnes.get(0).inputs), "the same sequences as one plain batch");
    }

    @Test
    void shouldScoreEveryTokenFromTheDelayOnOnceByPositionRange() {
        EchoTask task = EchoTask.variableGrowingDelay();
        ModelSpec spec = TaskCatalog.spec(task, CellType.GRU, 8, 1);
        FreshData.StreamScore s = FreshData.streams(task, new Network(spec), Parameters.xavier(spec, 2), 1000, 5, 4, new Random(9));
        assertEquals(250, s.width());
        assertEquals(4, s.byRange().size());
        long delays = 0;
        Random again = new Random(9);
        for (int i = 0; i < 5; i++) delays += task.stream(1000, again).param();
        assertEquals(5 * 1000 - delays, s.total().total(), "positions at or after each stream's delay");
        assertEquals(s.total(), s.byRange().stream().reduce(Score.ZERO, Score::plus));
        assertEquals(5 * 250, s.byRange().get(3).total(), "the last range is full");
        assertTrue(s.total().accuracy() < 0.2, "an untrained model is near chance: " + s.total());
        int worst = s.worstRange();
        for (Score r : s.byRange()) assertTrue(r.accuracy() >= s.byRange().get(worst).accuracy());
    }

    @Test
    void shouldScoreALevelAsTheTaskDoes() {
        OrderTask task = OrderTask.sixA();
        ModelSpec spec = TaskCatalog.spec(task, CellType.LSTM, 4, 1);
        Parameters p = Parameters.xavier(spec, 5);
        Score s = FreshData.score(task, new Network(spec), p, FreshData.draw(task, 0, 130, new Random(1)));
        SequenceBatch b = task.batch(0, 130, new Random(1));
        assertEquals(task.score(b, new Network(spec).predict(p, b)), s);
    }
}
