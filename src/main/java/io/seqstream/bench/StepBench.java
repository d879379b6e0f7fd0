package io.seqstream.bench;

import io.seqstream.model.BatchedStep;
import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The processor's batched step in isolation: K streams gathered from a state table of 4K rows, one step,
 * scattered back, with a 27-symbol one-hot input and softmax head (the echo shape). Reports microseconds per
 * token after warm-up, the median of several timed rounds.
 */
public final class StepBench {
    private StepBench() {
    }

    public record Result(CellType cell, int hidden, int k, double microsPerCall, double microsPerToken) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cell", cell.name());
            m.put("hidden", hidden);
            m.put("k", k);
            m.put("usPerCall", microsPerCall);
            m.put("usPerToken", microsPerToken);
            return m;
        }
    }

    /**
     * Untimed runs of every cell on small and large waves, so that C2 has compiled the Vector API kernels before the
     * first measurement: until then they run as allocating Java code, hundreds of times slower (the first shape of a
     * run once measured 1785 us per token instead of about 2).
     */
    public static void warmUp(double seconds) {
        for (CellType cell : new CellType[]{CellType.GRU, CellType.LSTM}) {
            for (int k : new int[]{1, 64}) run(cell, 64, k, seconds / 4);
        }
    }

    public static Result run(CellType cell, int hidden, int k, double seconds) {
        ModelSpec spec = ModelSpec.oneHot(cell, hidden, 27, 27);
        Parameters p = Parameters.xavier(spec, 1);
        BatchedStep step = new BatchedStep(spec, k);
        int rows = 4 * k;
        float[] table = new float[rows * spec.stateWidth()];
        Random rng = new Random(1);
        int[] tokens = new int[k];
        int[] picked = new int[k];
        for (int i = 0; i < k; i++) {
            tokens[i] = rng.nextInt(27);
            picked[i] = (i * 4 + rng.nextInt(4)) % rows;
        }
        float[] probs = new float[k * 27];
        long warm = System.nanoTime() + (long) (seconds * 0.4e9);
        while (System.nanoTime() < warm) step.step(p, k, tokens, null, table, picked, probs);
        double[] rounds = new double[7];
        long perRound = (long) (seconds * 0.6e9 / rounds.length);
        for (int r = 0; r < rounds.length; r++) {
            long calls = 0;
            long t0 = System.nanoTime();
            long end = t0 + perRound;
            long now;
            do {
                step.step(p, k, tokens, null, table, picked, probs);
                calls++;
                now = System.nanoTime();
            } while (now < end);
            rounds[r] = (now - t0) / 1e3 / calls;
        }
        java.util.Arrays.sort(rounds);
        double perCall = rounds[rounds.length / 2];
        return new Result(cell, hidden, k, perCall, perCall / k);
    }
}
