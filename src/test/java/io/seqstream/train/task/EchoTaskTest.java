package io.seqstream.train.task;

import io.seqstream.model.SequenceBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class EchoTaskTest {

    @Test
    void shouldShiftInputByFixedDelayWithBlanksBefore() {
        EchoTask task = new EchoTask(4);
        assertEquals(27, task.vocab());
        assertEquals(27, task.classes());
        assertEquals(0, task.params());
        assertEquals(5, task.levelCount());
        assertEquals(20, task.length(2));
        assertEquals(2000, task.length(task.topLevel()), "the top level is a long stream");
        Random rng = new Random(1);
        for (int level = 0; level < task.levelCount(); level++) {
            for (int i = 0; i < 50; i++) {
                SequenceBatch.Example e = task.example(level, rng);
                assertEquals(task.length(level), e.inputs().length);
                assertEquals(-1, e.param());
                for (int t = 0; t < e.inputs().length; t++) {
                    assertTrue(e.inputs()[t] >= 1 && e.inputs()[t] <= 26, "inputs are letters, never blank");
                    assertEquals(t < 4 ? EchoTask.BLANK : e.inputs()[t - 4], e.targets()[t], "target at " + t);
                }
            }
        }
    }

    @Test
    void shouldShiftInputByVariableDelayGivenAsParam() {
        EchoTask task = EchoTask.variable();
        assertEquals(9, task.params());
        assertTrue(task.variableDelay());
        Random rng = new Random(2);
        Set<Integer> delays = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            SequenceBatch.Example e = task.example(i % task.levelCount(), rng);
            int d = e.param();
            assertTrue(d >= 0 && d <= 8, "delay " + d);
            assertTrue(e.inputs().length > d);
            delays.add(d);
            for (int t = 0; t < e.inputs().length; t++) {
                assertEquals(t < d ? EchoTask.BLANK : e.inputs()[t - d], e.targets()[t]);
            }
        }
        assertEquals(9, delays.size(), "all delays 0..8 occur");
    }

    @Test
    void shouldGrowTheLargestDelayPerLevelKeepingNineDelayCategories() {
        EchoTask task = EchoTask.variableGrowingDelay();
        assertEquals(9, task.params(), "the stream parameter always has delays 0..8");
        assertEquals(4, task.levelCount());
        int[] largest = {2, 4, 6, 8};
        Random rng = new Random(5);
        for (int level = 0; level < task.levelCount(); level++) {
            Set<Integer> delays = new HashSet<>();
            for (int i = 0; i < 400; i++) {
                SequenceBatch.Example e = task.example(level, rng);
                assertEquals(20, e.inputs().length);
                delays.add(e.param());
            }
            assertEquals(largest[level] + 1, delays.size(), "level " + level + " draws 0.." + largest[level]);
            assertEquals(largest[level], delays.stream().mapToInt(Integer::intValue).max().orElseThrow());
        }
        assertEquals("length 20, delay 0..4", task.describeLevel(1));
    }

    @Test
    void shouldRejectLengthsNotAboveTheDelay() {
        assertThrows(IllegalArgumentException.class, () -> EchoTask.fixed(4, 4, 10));
        assertThrows(IllegalArgumentException.class, () -> EchoTask.variable(8, 8, 20));
    }

    @Test
    void shouldBeDeterministicGivenTheRandom() {
        EchoTask task = EchoTask.variable();
        SequenceBatch a = task.batch(2, 8, new Random(7));
        SequenceBatch b = task.batch(2, 8, new Random(7));
        assertArrayEquals(a.inputs, b.inputs);
        assertArrayEquals(a.targets, b.targets);
        assertArrayEquals(a.params, b.params);
    }

    @Test
    void shouldScoreOnlyStepsAtOrAfterTheDelay() {
        EchoTask task = new EchoTask(4);
        SequenceBatch batch = task.batch(0, 3, new Random(3)); // length 5: one scored step per sequence
        float[][][] probs = perfect(batch, 27);
        // wrong predictions at the blank steps t < d must not count
        for (float[][] seq : probs) for (int t = 0; t < 4; t++) oneHot(seq[t], 5);
        Score s = task.score(batch, probs);
        assertEquals(new Score(3, 3), s);
        assertEquals(1.0, s.accuracy());
        // a wrong prediction at t >= d counts
        oneHot(probs[0][4], batch.targets[0][4] == 1 ? 2 : 1);
        assertEquals(new Score(2, 3), task.score(batch, probs));
    }

    @Test
    void shouldScoreVariableDelayPerSequenceAndIgnorePadding() {
        EchoTask task = EchoTask.variable(8, 10, 20);
        Random rng = new Random(4);
        List<SequenceBatch.Example> ex = new ArrayList<>();
        ex.add(task.example(0, rng));
        ex.add(task.example(1, rng));
        SequenceBatch batch = SequenceBatch.of(ex);
        float[][][] probs = perfect(batch, 27);
        long expected = 0;
        for (int b = 0; b < batch.size(); b++) expected += batch.lengths[b] - batch.params[b];
        assertEquals(new Score(expected, expected), task.score(batch, probs));
        assertEquals(Double.NaN, Score.ZERO.accuracy());
        assertEquals(new Score(3, 5), new Score(1, 2).plus(new Score(2, 3)));
    }

    @Test
    void shouldHoldTheTokensToPassInFewLongStreamsOrManyShortSequences() {
        EchoTask task = new EchoTask(4);
        assertEquals(EchoTask.PASS_TOKENS, task.unitsToPass());
        assertEquals(51, task.sequencesHolding(task.topLevel(), EchoTask.PASS_TOKENS), "1996 scored tokens per stream of 2000");
        assertEquals(6250, task.sequencesHolding(2, EchoTask.PASS_TOKENS), "16 per sequence of 20");
        EchoTask variable = EchoTask.variableGrowingDelay();
        assertEquals(8334, variable.sequencesHolding(variable.topLevel(), EchoTask.PASS_TOKENS), "at least 12 per sequence (delay <= 8)");
        assertEquals(EchoTask.WINDOW, task.trainingWindow());
    }

    @Test
    void shouldDrawStreamsOfAnyLengthWithTheTopLevelsDelays() {
        EchoTask task = EchoTask.variableGrowingDelay();
        Random rng = new Random(4);
        Set<Integer> delays = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            SequenceBatch.Example e = task.stream(5000, rng);
            assertEquals(5000, e.inputs().length);
            assertArrayEquals(EchoTask.targets(e.inputs(), e.param()), e.targets());
            delays.add(e.param());
        }
        assertEquals(9, delays.size(), "delays 0..8 as at the top level");
        assertThrows(IllegalArgumentException.class, () -> new EchoTask(4).stream(4, rng));
    }

    @Test
    void shouldRenderSymbols() {
        EchoTask task = new EchoTask();
        assertEquals("_", task.inputSymbol(0));
        assertEquals("a", task.inputSymbol(1));
        assertEquals("z", task.classSymbol(26));
        assertEquals("_ab", task.render(new int[] {0, 1, 2}));
    }

    /** probs that put all mass on the target (class 0 where there is none). */
    static float[][][] perfect(SequenceBatch batch, int classes) {
        float[][][] p = new float[batch.size()][batch.maxLength()][classes];
        for (int b = 0; b < batch.size(); b++) {
            for (int t = 0; t < batch.maxLength(); t++) oneHot(p[b][t], Math.max(0, batch.targets[b][t]));
        }
        return p;
    }

    static void oneHot(float[] p, int k) {
        java.util.Arrays.fill(p, 0f);
        p[k] = 1f;
    }
}
