package io.seqstream.train.task;

import io.seqstream.model.SequenceBatch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class OrderTaskTest {

    @Test
    void shouldGenerateExperiment6a() {
        OrderTask task = OrderTask.sixA();
        assertEquals(8, task.vocab());
        assertEquals(4, task.classes());
        assertEquals("order-6a", task.name());
        check(task, task.topLevel(), 100, 110, new int[][] {{10, 20}, {50, 60}});
        assertEquals(List.of("XX", "XY", "YX", "YY"), List.of(task.classSymbol(0), task.classSymbol(1),
                task.classSymbol(2), task.classSymbol(3)));
    }

    @Test
    void shouldGenerateExperiment6b() {
        OrderTask task = OrderTask.sixB();
        assertEquals(8, task.classes());
        check(task, task.topLevel(), 100, 110, new int[][] {{10, 20}, {33, 43}, {66, 76}});
        assertEquals("XXX", task.classSymbol(0));
        assertEquals("XYY", task.classSymbol(3));
        assertEquals("YYY", task.classSymbol(7));
    }

    @Test
    void shouldScaleLowerLevelsDown() {
        OrderTask task = OrderTask.sixB();
        assertEquals(3, task.levelCount());
        OrderTask.Level l0 = task.level(0);
        assertEquals(25, l0.minLength());
        assertEquals(28, l0.maxLength());
        int[][] windows = l0.windows().stream().map(w -> new int[] {w.from(), w.to()}).toArray(int[][]::new);
        check(task, 0, 25, 28, windows);
        OrderTask.Level l1 = task.level(1);
        check(task, 1, l1.minLength(), l1.maxLength(),
                l1.windows().stream().map(w -> new int[] {w.from(), w.to()}).toArray(int[][]::new));
        assertTrue(task.describeLevel(2).contains("t3 in [66,76]"), task.describeLevel(2));
        assertThrows(IllegalArgumentException.class, () -> new OrderTask(OrderTask.Variant.SIX_B, 0.05, 1.0));
    }

    @Test
    void shouldScoreAtTheTrigger() {
        OrderTask task = OrderTask.sixA();
        SequenceBatch batch = task.batch(0, 4, new Random(5));
        float[][][] probs = EchoTaskTest.perfect(batch, 4);
        assertEquals(new Score(4, 4), task.score(batch, probs));
        int last = batch.lengths[1] - 1;
        EchoTaskTest.oneHot(probs[1][last], (batch.targets[1][last] + 1) % 4);
        assertEquals(new Score(3, 4), task.score(batch, probs));
    }

    /** Lengths, E first, B last, X/Y exactly once per window and nowhere else, a-d elsewhere, class = pattern. */
    private static void check(OrderTask task, int level, int minLen, int maxLen, int[][] windows) {
        Random rng = new Random(42 + level);
        int classes = task.classes();
        int[] classCounts = new int[classes];
        int minSeen = Integer.MAX_VALUE, maxSeen = 0;
        for (int i = 0; i < 2000; i++) {
            SequenceBatch.Example e = task.example(level, rng);
            int[] in = e.inputs();
            int len = in.length;
            minSeen = Math.min(minSeen, len);
            maxSeen = Math.max(maxSeen, len);
            assertTrue(len >= minLen && len <= maxLen, "length " + len);
            assertEquals(OrderTask.E, in[0]);
            assertEquals(OrderTask.TRIGGER, in[len - 1]);
            List<Integer> relevant = new ArrayList<>();
            for (int t = 1; t < len - 1; t++) {
                if (in[t] == OrderTask.X || in[t] == OrderTask.Y) relevant.add(t);
                else assertTrue(in[t] >= 0 && in[t] < OrderTask.DISTRACTORS, "a-d at " + t + ": " + in[t]);
            }
            assertEquals(windows.length, relevant.size(), "relevant symbols in " + task.render(in));
            int cls = 0;
            for (int k = 0; k < windows.length; k++) {
                int t = relevant.get(k);
                assertTrue(t >= windows[k][0] && t <= windows[k][1], "t" + (k + 1) + " = " + t);
                cls = cls * 2 + (in[t] == OrderTask.Y ? 1 : 0);
            }
            for (int t = 0; t < len - 1; t++) assertEquals(-1, e.targets()[t]);
            assertEquals(cls, e.targets()[len - 1]);
            StringBuilder pattern = new StringBuilder();
            for (int t : relevant) pattern.append(task.inputSymbol(in[t]));
            assertEquals(pattern.toString(), task.classSymbol(cls));
            classCounts[cls]++;
        }
        assertEquals(minLen, minSeen);
        assertEquals(maxLen, maxSeen);
        for (int c = 0; c < classes; c++) assertTrue(classCounts[c] > 2000 / classes / 2, "class " + c + " occurs");
    }
}
