package io.seqstream.train;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.TrainingMeters;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.Parameters;
import io.seqstream.serve.ModelPublisher;
import io.seqstream.train.task.Task;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online training of one model beside serving, on a thread of its own. It trains a private copy of the
 * parameters (never the object a processor serves); every {@code publishEvery} steps, and whenever it passes a
 * curriculum level, it evaluates the copy on held-out data, and a finite copy not worse than the last published
 * version by more than the margin is published to the models topic as the next version, which processors apply
 * between batches.
 */
public final class TrainerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerVerticle.class);

    private static final int CURRICULUM_EVERY = 50;

    private final SeqstreamConfig.Trainer config;
    private final ModelSnapshot start;
    private final ModelPublisher publisher;
    private final TrainingMeters meters;
    private final Task task;
    private final TaskTrainer.Session session;
    private Thread thread;
    private volatile boolean running = true;
    private volatile long version;
    private volatile double publishedAccuracy;

    public TrainerVerticle(SeqstreamConfig.Trainer config, ModelSnapshot start, ModelPublisher publisher, TrainingMeters meters) {
        this.config = config;
        this.start = start;
        this.publisher = publisher;
        this.meters = meters;
        this.task = TaskCatalog.task(config.task(), config.delay(), 200);
        ModelMetadata m = start.metadata();
        Parameters params = config.fromScratch() ? Parameters.xavier(m.spec(), config.seed() + 101) : start.parameters().copy();
        TaskTrainer trainer = new TaskTrainer(task, m.spec(), new OptimizerConfig(config.learningRate(), config.clipNorm(), 0),
                TaskTrainer.Settings.defaults().withBatchSize(config.batchSize()).withSeed(config.seed()).withHeldOut(300));
        Curriculum curriculum = config.curriculum() ? new Curriculum(task.levelCount(), 0.99, Curriculum.DEFAULT_MIX)
                : Curriculum.none(task.topLevel(), 0.99);
        this.session = trainer.session(params, curriculum);
        this.version = m.version();
        Double acc = m.metrics().get("heldOutAccuracy");
        this.publishedAccuracy = config.fromScratch() || acc == null ? Double.NEGATIVE_INFINITY : acc;
    }

    @Override
    public Future<?> start() {
        thread = new Thread(this::loop, "seqstream-trainer-" + start.metadata().name());
        thread.setDaemon(true);
        thread.start();
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        running = false;
        return vertx.executeBlocking(() -> {
            thread.join(30_000);
            return null;
        });
    }

    private void loop() {
        // Loading ND4J's natives takes seconds: done here, off the event loop.
        LOG.info("trainer for {} on task {}: ND4J backend {} (the step and BPTT kernels run in plain Java on the CPU)",
                start.metadata().name(), task.name(), Nd4jInfo.backend());
        try {
            while (running) {
                TaskTrainer.StepOutcome o = session.step();
                meters.step(o.loss(), o.rawNorm(), o.clippedNorm(), o.clippedNorm() < o.rawNorm(), o.skipped(),
                        config.batchSize(), session.optimizer().learningRate());
                boolean due = session.steps() % config.publishEvery() == 0;
                int level = session.curriculum().current();
                boolean levelPassed = false;
                // The curriculum is judged more often than versions are published, so a passed level is seen
                // (and published) within CURRICULUM_EVERY steps rather than at the next publishing step.
                if (due || session.steps() % CURRICULUM_EVERY == 0) {
                    session.evaluate();
                    levelPassed = session.curriculum().current() != level;
                }
                if (due || levelPassed) maybePublish(o.loss(), level);
            }
        } catch (RuntimeException e) {
            LOG.error("trainer for {} stopped", start.metadata().name(), e);
        }
    }

    /** Publishes the copy as the next version when it is finite and not worse than the published one. */
    private void maybePublish(double loss, int trainedAtLevel) {
        double accuracy = session.evaluate(task.topLevel()).accuracy();
        meters.evaluated(accuracy, session.curriculum().current());
        Parameters p = session.parameters();
        if (!p.isFinite() || !Double.isFinite(loss) || accuracy < publishedAccuracy - config.margin()) {
            meters.rejected();
            LOG.info("trainer {}: step {} candidate not published (finite {}, held-out {} vs published {})", start.metadata().name(),
                    session.steps(), p.isFinite(), accuracy, publishedAccuracy);
            return;
        }
        long next = version + 1;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("heldOutAccuracy", accuracy);
        metrics.put("loss", loss);
        metrics.put("examples", (double) session.examples());
        ModelMetadata meta = start.metadata().withVersion(next, session.steps(), trainedAtLevel, metrics);
        publisher.publish(new ModelSnapshot(meta, p.copy()));
        version = next;
        publishedAccuracy = accuracy;
        meters.published(next);
        LOG.info("trainer {}: published v{} at step {} (level {}, held-out {})", start.metadata().name(), next, session.steps(),
                session.curriculum().current(), accuracy);
    }

    /** Makes the next training step's gradient non-finite: the guard must skip it and nothing bad is published. */
    public void injectNonFiniteStep() {
        session.poisonNextStep();
    }

    public long publishedVersion() { return version; }

    public TrainingMeters meters() { return meters; }
}
