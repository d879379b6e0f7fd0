package io.seqstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {
    private static final ModelSpec SPEC = ModelSpec.oneHot(CellType.LSTM, 12, 6, 6);
    private static final Parameters P = Parameters.xavier(SPEC, 5);

    /** Greedy decoding by the full-sequence forward pass, one token at a time. */
    private static int[] greedyOffline(int[] prefix, int max, int end) {
        Network net = new Network(SPEC);
        int[] seq = prefix.clone();
        int[] out = new int[0];
        for (int i = 0; i < max; i++) {
            float[][] probs = net.predict(P, new SequenceBatch(new int[][]{seq}, new int[]{seq.length}, null,
                    new int[][]{new int[seq.length]}))[0];
            float[] last = probs[seq.length - 1];
            int best = 0;
            for (int j = 1; j < last.length; j++) if (last[j] > last[best]) best = j;
            if (best == end) break;
            out = java.util.Arrays.copyOf(out, out.length + 1);
            out[out.length - 1] = best;
            seq = java.util.Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = best;
        }
        return out;
    }

    @Test
    void shouldFollowTheArgmaxOfTheForwardPassAtTemperatureZero() {
        int[] prefix = {0, 3, 4};
        List<Sampler.Sample> s = new Sampler(P).sample(prefix, 3, 0, 25, -1, new Random(1));
        int[] expected = greedyOffline(prefix, 25, -1);
        for (Sampler.Sample x : s) {
            assertArrayEquals(expected, x.ids());
            assertFalse(x.ended());
        }
        assertEquals(25, expected.length);
    }

    @Test
    void shouldStopAtTheEndTokenAndLeaveItOut() {
        int[] prefix = {0};
        int[] greedy = greedyOffline(prefix, 30, -1);
        int end = greedy[4];
        int firstEnd = 0;
        while (greedy[firstEnd] != end) firstEnd++;
        Sampler.Sample s = new Sampler(P).sample(prefix, 1, 0, 30, end, new Random(1)).get(0);
        assertTrue(s.ended());
        assertArrayEquals(java.util.Arrays.copyOf(greedy, firstEnd), s.ids());
    }

    @Test
    void shouldRepeatWithTheSameRandomSeedAndDifferWithAnother() {
        Sampler sampler = new Sampler(P);
        List<Sampler.Sample> a = sampler.sample(new int[]{0}, 5, 1.0, 40, -1, new Random(9));
        List<Sampler.Sample> b = sampler.sample(new int[]{0}, 5, 1.0, 40, -1, new Random(9));
        List<Sampler.Sample> c = sampler.sample(new int[]{0}, 5, 1.0, 40, -1, new Random(10));
        for (int i = 0; i < 5; i++) assertArrayEquals(a.get(i).ids(), b.get(i).ids());
        assertNotEquals(java.util.Arrays.deepToString(a.stream().map(Sampler.Sample::ids).toArray()),
                java.util.Arrays.deepToString(c.stream().map(Sampler.Sample::ids).toArray()));
    }

    @Test
    void shouldDrawFromTheDistributionSharpenedByTheTemperature() {
        float[] p = {0.1f, 0.2f, 0.7f};
        double[] w = new double[3];
        Random rng = new Random(3);
        for (double t : new double[]{1.0, 0.5, 2.0}) {
            int[] counts = new int[3];
            int n = 60_000;
            for (int i = 0; i < n; i++) counts[Sampler.draw(p, 0, 3, t, rng, w)]++;
            double z = 0;
            for (float x : p) z += Math.pow(x, 1 / t);
            for (int j = 0; j < 3; j++) {
                assertEquals(Math.pow(p[j], 1 / t) / z, (double) counts[j] / n, 0.008, "temperature " + t + ", class " + j);
            }
        }
        assertEquals(2, Sampler.draw(p, 0, 3, 0, rng, w), "temperature 0 = argmax");
    }

    @Test
    void shouldRefuseBadArguments() {
        Sampler s = new Sampler(P);
        assertThrows(IllegalArgumentException.class, () -> s.sample(new int[0], 1, 1, 5, -1, new Random()));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new int[]{0}, 1, -0.5, 5, -1, new Random()));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new int[]{0}, 0, 1, 5, -1, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(Parameters.xavier(ModelSpec.oneHot(CellType.GRU, 4, 5, 2), 1)));
    }
}
