package io.seqstream.stream;

import io.seqstream.model.BatchedStep;
import io.seqstream.model.ModelSpec;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.StateTable;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Warm join: runs a processor's hot path (batched steps at wave sizes 1..256, output formatting, state encoding) on
 * generated input and a scratch state table before the processor subscribes, so that a fresh JVM serves its first
 * partitions with JIT-compiled kernels instead of lagging seconds behind the feed (the Vector API code is very slow
 * until C2 compiles it). Only scratch objects are touched: the model's parameters are read, never written.
 */
public final class KernelWarmup {
    /**
     * Wave sizes, small ones most often: the cost is the tokens, the compilation needs the calls. 256 covers the
     * kernels' widest blocking and its tails.
     */
    private static final int[] WAVES = {1, 1, 2, 3, 4, 5, 7, 8, 1, 2, 4, 13, 16, 32, 64, 256};
    /** Waves per scratch transaction, as a poll with several tokens per stream would give. */
    private static final int WAVES_PER_POLL = 8;
    private static final long SEED = 42;

    private KernelWarmup() {
    }

    /**
     * What a warm-up did.
     *
     * @param steps  batched steps run
     * @param tokens stream-steps (sum of the wave sizes)
     * @param took   wall time
     */
    public record WarmupReport(int steps, long tokens, Duration took) {
        @Override
        public String toString() {
            return steps + " steps (" + tokens + " tokens) in " + took.toMillis() + " ms";
        }
    }

    /** Runs {@code steps} batched steps (0 = nothing) with a budget of one minute. */
    public static WarmupReport warm(ServedModel model, String pipeline, int steps) {
        return warm(model, pipeline, steps, Duration.ofMinutes(1));
    }

    /**
     * Runs {@code steps} batched steps, stopping early when the budget is spent (a big model on a slow machine
     * should join late rather than never).
     */
    public static WarmupReport warm(ServedModel model, String pipeline, int steps, Duration budget) {
        long t0 = System.nanoTime();
        if (steps <= 0) return new WarmupReport(0, 0, Duration.ZERO);
        long deadline = t0 + budget.toNanos();
        ModelSpec spec = model.spec();
        int classes = spec.classes();
        int maxWave = WAVES[0];
        for (int k : WAVES) maxWave = Math.max(maxWave, k);
        BatchedStep step = new BatchedStep(spec, maxWave);
        StateTable table = new StateTable(spec.stateWidth(), maxWave);
        SplittableRandom rng = new SplittableRandom(SEED);
        String[] ids = new String[maxWave];
        for (int i = 0; i < maxWave; i++) ids[i] = "warmup-" + i;
        int[] tokens = new int[maxWave];
        int[] params = spec.params() > 0 ? new int[maxWave] : null;
        int[] rows = new int[maxWave];
        float[] probs = new float[maxWave * classes];
        long sum = 0;
        long bytes = 0;
        int done = 0;
        while (done < steps && System.nanoTime() < deadline) {
            int k = WAVES[done % WAVES.length];
            long now = System.currentTimeMillis();
            for (int i = 0; i < k; i++) {
                rows[i] = table.slotForUpdate(ids[i], 0, now);
                tokens[i] = rng.nextInt(spec.vocab());
                if (params != null) params[i] = rng.nextInt(spec.params());
            }
            step.step(model.parameters(), k, tokens, params, table.matrix(), rows, probs);
            for (int i = 0; i < k; i++) {
                long pos = table.position(rows[i]);
                bytes += OutputFormat.format(model, pipeline, ids[i], pos, "a", probs, i * classes, classes, now).length;
                table.setPosition(rows[i], pos + 1);
                table.setModelVersion(rows[i], model.version());
            }
            sum += k;
            done++;
            if (done % WAVES_PER_POLL == 0) commit(table);
        }
        commit(table);
        // Keeps the formatted bytes observable, so the JIT cannot drop the formatting as dead code.
        if (bytes < 0) throw new AssertionError();
        return new WarmupReport(done, sum, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** The changelog encoding of a transaction's touched streams, then the table's commit. */
    private static void commit(StateTable table) {
        long bytes = 0;
        for (String id : table.touched()) {
            int slot = table.slot(id);
            if (slot >= 0) bytes += table.encode(slot).length;
        }
        table.commit();
        if (bytes < 0) throw new AssertionError();
    }
}
