package io.seqstream.train.online;

import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.CrossEntropy;
import io.seqstream.train.Optimizer;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskTrainer;
import java.time.Duration;
import java.util.Random;

/**
 * Trains on an {@link ExampleFeed}: each step pulls what has arrived, draws a minibatch and makes one clipped Adam
 * update. Held-out accuracy is counted over every step that has a target (tokens for next-token models, the final
 * step for sequence labels).
 */
public final class ExampleLearner implements OnlineLearner {
    /** Fewer held-out examples than this give no evaluation (a version is not judged on a handful). */
    static final int MIN_HELD_OUT = 20;

    private final ExampleFeed feed;
    private final Parameters params;
    private final Network net;
    private final Optimizer opt;
    private final float[] grad;
    private final int batchSize;
    private final Random rng;
    private long steps;
    private long examples;
    private boolean poisonNext;

    public ExampleLearner(ExampleFeed feed, Parameters params, OptimizerConfig optimizer, int batchSize, long seed) {
        this.feed = feed;
        this.params = params;
        this.net = new Network(params.spec());
        this.opt = new Optimizer(optimizer, params.values().length);
        this.grad = new float[params.values().length];
        this.batchSize = batchSize;
        this.rng = new Random(seed);
    }

    @Override
    public String describe() { return feed.describe(); }

    @Override
    public TaskTrainer.StepOutcome step() {
        feed.pull(Duration.ofMillis(steps == 0 ? 200 : 0));
        ExampleFeed.Batch b = feed.next(batchSize, rng);
        if (b == null) {
            feed.pull(Duration.ofMillis(100));
            return null;
        }
        SequenceBatch batch = b.sequences();
        Network.Loss loss = net.lossAndGradient(params, batch, b.state(), grad);
        if (poisonNext) {
            poisonNext = false;
            grad[0] = Float.NaN;
        }
        Optimizer.Update u = opt.step(params.values(), grad, loss.value());
        feed.completed(b);
        steps++;
        examples += batch.size();
        return new TaskTrainer.StepOutcome(loss.value(), loss.accuracy(), u.rawNorm(), u.clippedNorm(), u.skipped());
    }

    @Override
    public Evaluation evaluate() {
        if (feed.heldOutSize() < MIN_HELD_OUT) return null;
        long scored = 0;
        long correct = 0;
        CrossEntropy.Sum loss = CrossEntropy.Sum.ZERO;
        for (SequenceBatch b : feed.heldOut()) {
            float[][][] probs = net.predict(params, b);
            loss = loss.plus(CrossEntropy.of(b, probs));
            for (int i = 0; i < b.size(); i++) {
                for (int s = 0; s < b.lengths[i]; s++) {
                    int target = b.targets[i][s];
                    if (target < 0) continue;
                    scored++;
                    if (argmax(probs[i][s]) == target) correct++;
                }
            }
        }
        return new Evaluation(scored == 0 ? Double.NaN : (double) correct / scored, loss.mean(), feed.heldOutSize());
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) if (p[c] > p[best]) best = c;
        return best;
    }

    @Override
    public Parameters parameters() { return params; }

    @Override
    public long steps() { return steps; }

    @Override
    public long examples() { return examples; }

    @Override
    public double learningRate() { return opt.learningRate(); }

    @Override
    public void poisonNextStep() { poisonNext = true; }

    @Override
    public void close() { feed.close(); }
}
