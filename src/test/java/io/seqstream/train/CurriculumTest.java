package io.seqstream.train;

import io.seqstream.model.SequenceBatch;
import io.seqstream.train.task.EchoTask;
import io.seqstream.train.task.MemoryTask;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class CurriculumTest {

    @Test
    void shouldAdvanceOnlyAtOrAboveThreshold() {
        Curriculum c = new Curriculum(3, 0.99, 0.2);
        assertEquals(0, c.current());
        assertFalse(c.observe(0.98));
        assertFalse(c.observe(Double.NaN));
        assertEquals(0, c.current());
        assertTrue(c.observe(0.99));
        assertEquals(1, c.current());
        assertFalse(c.finished());
        assertTrue(c.observe(1.0));
        assertEquals(2, c.current());
        assertFalse(c.finished());
    }

    @Test
    void shouldPassTheTopLevelOnlyAtItsOwnThreshold() {
        Curriculum c = new Curriculum(2, 0.99, 0.2, 0.9992);
        assertEquals(0.99, c.thresholdAt(0));
        assertEquals(0.9992, c.thresholdAt(1));
        assertTrue(c.observe(0.99));
        assertFalse(c.observe(0.999));
        assertFalse(c.finished(), "99.9 % is short of the top level's 99.92 %");
        assertFalse(c.observe(0.9992));
        assertTrue(c.finished());
        Curriculum none = Curriculum.none(2, 0.9995);
        assertFalse(none.observe(0.999));
        assertFalse(none.finished());
    }

    @Test
    void shouldResumeAtALevelAlreadyPassed() {
        Curriculum c = new Curriculum(5).resumeAt(3);
        assertEquals(3, c.current());
        assertTrue(c.observe(1.0));
        assertEquals(4, c.current());
        assertThrows(IllegalArgumentException.class, () -> new Curriculum(5).resumeAt(5));
        assertEquals(2, Curriculum.none(2).resumeAt(0).current(), "without a curriculum it stays at the top");
    }

    @Test
    void shouldNeverGoBeyondTheTop() {
        Curriculum c = new Curriculum(2);
        assertTrue(c.observe(1.0));
        assertFalse(c.observe(0.5));
        assertFalse(c.finished());
        assertFalse(c.observe(1.0));
        assertTrue(c.finished());
        assertFalse(c.observe(1.0));
        assertEquals(1, c.current());
    }

    @Test
    void shouldDrawAboutTwentyPercentFromEarlierLevels() {
        Curriculum c = new Curriculum(5);
        Random rng = new Random(2024);
        for (int i = 0; i < 1000; i++) assertEquals(0, c.sampleLevel(rng), "no earlier level at level 0");
        c.observe(1);
        c.observe(1);
        c.observe(1); // now level 3
        int n = 20000, earlier = 0;
        int[] counts = new int[5];
        for (int i = 0; i < n; i++) {
            int l = c.sampleLevel(rng);
            assertTrue(l <= 3, "never above the current level");
            counts[l]++;
            if (l < 3) earlier++;
        }
        assertEquals(0.2, earlier / (double) n, 0.02);
        for (int l = 0; l < 3; l++) assertEquals(earlier / 3.0, counts[l], earlier * 0.1, "uniform over earlier levels");
    }

    @Test
    void shouldAlwaysSampleTheTopWithoutCurriculum() {
        Curriculum c = Curriculum.none(4);
        assertFalse(c.enabled());
        assertEquals(4, c.current());
        Random rng = new Random(1);
        for (int i = 0; i < 1000; i++) assertEquals(4, c.sampleLevel(rng));
        assertFalse(c.observe(0.5));
        assertFalse(c.finished());
        assertFalse(c.observe(0.995));
        assertTrue(c.finished());
        assertEquals(4, c.current());
    }

    @Test
    void shouldBuildMixedBatches() {
        EchoTask task = EchoTask.variable();
        Curriculum c = new Curriculum(task.levelCount());
        c.observe(1);
        c.observe(1); // top level, length 20
        SequenceBatch batch = Batches.batch(task, c, 200, new Random(9));
        assertEquals(200, batch.size());
        assertEquals(20, batch.maxLength());
        assertNotNull(batch.params);
        int shorter = 0;
        for (int b = 0; b < batch.size(); b++) {
            if (batch.lengths[b] < 20) {
                shorter++;
                for (int t = batch.lengths[b]; t < 20; t++) assertEquals(-1, batch.targets[b][t], "padding has no target");
            }
        }
        assertTrue(shorter > 10 && shorter < 80, "about 20 % from earlier levels: " + shorter);

        SequenceBatch none = Batches.batch(new MemoryTask(), Curriculum.none(4), 16, new Random(9));
        for (int len : none.lengths) assertEquals(200, len);
        assertNull(none.params);
    }
}
