package io.seqstream.jmh;

import io.seqstream.model.BatchedStep;
import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH twin of {@code ./seqstream bench step}: one batched step of K streams gathered from a state table of 4K rows,
 * one-hot input of 27 symbols, 27-class softmax head. Scores are microseconds per call; divide by K for per token.
 * The fork gets the Vector API module like the launcher, so it measures the path the product runs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class StepJmh {
    @Param({"GRU", "LSTM"})
    public CellType cell;

    @Param({"64", "128"})
    public int hidden;

    @Param({"1", "16", "256", "2048"})
    public int k;

    private Parameters params;
    private BatchedStep step;
    private float[] table;
    private int[] tokens;
    private int[] rows;
    private float[] probs;

    @Setup
    public void setUp() {
        ModelSpec spec = ModelSpec.oneHot(cell, hidden, 27, 27);
        params = Parameters.xavier(spec, 1);
        step = new BatchedStep(spec, k);
        table = new float[4 * k * spec.stateWidth()];
        Random rng = new Random(1);
        tokens = new int[k];
        rows = new int[k];
        for (int i = 0; i < k; i++) {
            tokens[i] = rng.nextInt(27);
            rows[i] = (i * 4 + rng.nextInt(4)) % (4 * k);
        }
        probs = new float[k * 27];
    }

    @Benchmark
    public float[] step() {
        step.step(params, k, tokens, null, table, rows, probs);
        return probs;
    }
}
