package io.seqstream.train.task;

import io.seqstream.model.SequenceBatch;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class MemoryTaskTest {

    @Test
    void shouldMakeBalancedExamplesWithAtMostOneZeroAndTargetAtLastStep() {
        MemoryTask task = new MemoryTask();
        assertArrayEquals(new int[] {10, 20, 50, 100, 200},
                java.util.stream.IntStream.range(0, task.levelCount()).map(task::length).toArray());
        Random rng = new Random(11);
        int n = 4000, allOnes = 0, zeros = 0, zeroFirst = 0;
        for (int i = 0; i < n; i++) {
            int level = i % task.levelCount();
            SequenceBatch.Example e = task.example(level, rng);
            int len = task.length(level);
            assertEquals(len, e.inputs().length);
            int count = 0, pos = -1;
            for (int t = 0; t < len; t++) {
                assertTrue(e.inputs()[t] == 0 || e.inputs()[t] == 1);
                if (e.inputs()[t] == 0) { count++; pos = t; }
                if (t < len - 1) assertEquals(-1, e.targets()[t], "no target before the last step");
            }
            assertTrue(count <= 1, "at most one zero");
            assertEquals(count == 0 ? MemoryTask.ALL_ONES : MemoryTask.ONE_ZERO, e.targets()[len - 1]);
            assertEquals(-1, e.param());
            if (count == 0) allOnes++; else { zeros++; if (pos == 0) zeroFirst++; }
        }
        assertEquals(0.5, allOnes / (double) n, 0.04, "balanced classes");
        assertEquals(0.25, zeroFirst / (double) zeros, 0.04, "zero-first share of one-zero examples");
    }

    @Test
    void shouldGiveTheHardPair() {
        List<SequenceBatch.Example> pair = MemoryTask.hardPair(50);
        assertEquals(2, pair.size());
        SequenceBatch.Example ones = pair.get(0), first = pair.get(1);
        for (int t = 0; t < 50; t++) {
            assertEquals(1, ones.inputs()[t]);
            assertEquals(t == 0 ? 0 : 1, first.inputs()[t]);
        }
        assertEquals(MemoryTask.ALL_ONES, ones.targets()[49]);
        assertEquals(MemoryTask.ONE_ZERO, first.targets()[49]);
        assertEquals(-1, ones.targets()[48]);
    }

    @Test
    void shouldScorePerSequenceAtTheLastStep() {
        MemoryTask task = new MemoryTask(3, 5);
        SequenceBatch batch = SequenceBatch.of(List.of(MemoryTask.sequence(3, -1), MemoryTask.sequence(5, 0)));
        float[][][] probs = new float[2][5][2];
        for (float[][] seq : probs) for (float[] p : seq) p[0] = 1f; // always "one zero"
        assertEquals(new Score(1, 2), task.score(batch, probs));
        probs[0][2] = new float[] {0.1f, 0.9f};
        assertEquals(new Score(2, 2), task.score(batch, probs));
        assertEquals("all-ones", task.classSymbol(1));
    }

    @Test
    void shouldBuildLevelsUpToALength() {
        MemoryTask task = MemoryTask.upTo(75);
        assertEquals(4, task.levelCount());
        assertEquals(75, task.length(task.topLevel()));
        assertEquals(50, task.length(2));
        assertEquals(3, MemoryTask.upTo(50).levelCount());
    }
}
