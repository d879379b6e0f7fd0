package io.seqstream.train.online;

import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.CrossEntropy;
import io.seqstream.train.Optimizer;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskTrainer;
import io.seqstream.train.backend.BackendKind;
import io.seqstream.train.backend.TrainingBackend;
import io.seqstream.train.backend.TrainingBackends;
import io.seqstream.train.task.Score;
import io.seqstream.train.task.Scoring;
import java.time.Duration;
import java.util.Random;

/**
 * Trains on an {@link ExampleFeed}: each step pulls what has arrived, draws a minibatch and makes one clipped Adam
 * update. Held-out accuracy is counted over every step that has a target ({@link Scoring#perTarget}).
 */
public final class ExampleLearner implements OnlineLearner {
    /** Fewer held-out examples than this give no evaluation (a version is not judged on a handful). */
    static final int MIN_HELD_OUT = 20;

    private final ExampleFeed feed;
    private final Parameters params;
    private final Network net;
    private final TrainingBackend gradients;
    private final Optimizer opt;
    private final float[] grad;
    private final int batchSize;
    private final Random rng;
    private long steps;
    private long examples;
    private boolean poisonNext;

    public ExampleLearner(ExampleFeed feed, Parameters params, OptimizerConfig optimizer, int batchSize, long seed) {
        this(feed, params, optimizer, batchSize, seed, BackendKind.KERNELS);
    }

    /** @param backend what computes each minibatch's gradient; held-out evaluation stays on the kernels */
    public ExampleLearner(ExampleFeed feed, Parameters params, OptimizerConfig optimizer, int batchSize, long seed,
                          BackendKind backend) {
        this.feed = feed;
        this.params = params;
        this.net = new Network(params.spec());
        this.gradients = TrainingBackends.open(backend, params.spec());
        this.opt = new Optimizer(optimizer, params.values().length);
        this.grad = new float[params.values().length];
        this.batchSize = batchSize;
        this.rng = new Random(seed);
    }

    @Override
    public String describe() { return feed.describe() + ", gradients on " + gradients.device(); }

    @Override
    public TaskTrainer.StepOutcome step() {
        feed.pull(Duration.ofMillis(steps == 0 ? 200 : 0));
        ExampleFeed.Batch b = feed.next(batchSize, rng);
        if (b == null) {
            feed.pull(Duration.ofMillis(100));
            return null;
        }
        SequenceBatch batch = b.sequences();
        Network.Loss loss = gradients.lossAndGradient(params, batch, b.state(), grad);
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
        Score score = Score.ZERO;
        CrossEntropy.Sum loss = CrossEntropy.Sum.ZERO;
        for (SequenceBatch b : feed.heldOut()) {
            float[][][] probs = net.predict(params, b);
            loss = loss.plus(CrossEntropy.of(b, probs));
            score = score.plus(Scoring.perTarget(b, probs, params.spec().classes()));
        }
        return new Evaluation(score.accuracy(), loss.mean(), feed.heldOutSize());
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
    public void close() {
        try {
            feed.close();
        } finally {
            gradients.close();
        }
    }
}
