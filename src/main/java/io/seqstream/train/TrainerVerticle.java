package io.seqstream.train;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.TrainingMeters;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.Parameters;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.model.text.Tokenizers;
import io.seqstream.serve.ModelPublisher;
import io.seqstream.stream.InputDecoder;
import io.seqstream.train.online.CurriculumLearner;
import io.seqstream.train.online.ExampleLearner;
import io.seqstream.train.online.LabelledExamples;
import io.seqstream.train.online.LabelledTopicFeed;
import io.seqstream.train.online.LiveStreamFeed;
import io.seqstream.train.online.OnlineLearner;
import io.seqstream.train.task.Task;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online training of one model beside serving, on a thread of its own. It trains a private copy of the
 * parameters (never the object a processor serves) on one source: the task's synthetic curriculum, a labelled topic
 * ({@code train.<model>}), or the pipeline's own input stream for next-token models. Every {@code publishEvery}
 * steps, and whenever it passes a curriculum level, it evaluates the copy on held-out data, and a finite copy not
 * worse than the last published version by more than the margin is published to the models topic as the next
 * version, which processors apply between batches.
 */
public final class TrainerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerVerticle.class);

    private static final int CURRICULUM_EVERY = 50;
    private static final int HELD_OUT = 300;

    private final SeqstreamConfig.Trainer config;
    private final ModelSnapshot start;
    private final ModelPublisher publisher;
    private final TrainingMeters meters;
    private final OnlineLearner learner;
    private Thread thread;
    private volatile boolean running = true;
    private volatile boolean poison;
    private volatile long version;
    private volatile double publishedAccuracy;

    /** A trainer on the task's synthetic curriculum (needs no topic of its own). */
    public TrainerVerticle(SeqstreamConfig.Trainer config, ModelSnapshot start, ModelPublisher publisher, TrainingMeters meters) {
        this(null, null, config, start, publisher, meters);
    }

    /**
     * @param app       the product's configuration (topic names, the trained pipeline); null only for the curriculum source
     * @param bootstrap the cluster the topic and stream sources read; null only for the curriculum source
     */
    public TrainerVerticle(SeqstreamConfig app, String bootstrap, SeqstreamConfig.Trainer config, ModelSnapshot start,
                           ModelPublisher publisher, TrainingMeters meters) {
        this.config = config;
        this.start = start;
        this.publisher = publisher;
        this.meters = meters;
        ModelMetadata m = start.metadata();
        Parameters params = config.fromScratch() ? Parameters.xavier(m.spec(), config.seed() + 101) : start.parameters().copy();
        this.learner = learner(app, bootstrap, config, m, params, meters);
        this.version = m.version();
        Double acc = m.metrics().get("heldOutAccuracy");
        this.publishedAccuracy = config.fromScratch() || acc == null ? Double.NEGATIVE_INFINITY : acc;
    }

    private static OnlineLearner learner(SeqstreamConfig app, String bootstrap, SeqstreamConfig.Trainer config, ModelMetadata m,
                                         Parameters params, TrainingMeters meters) {
        OptimizerConfig opt = new OptimizerConfig(config.learningRate(), config.clipNorm(), 0);
        String setting = "trainer." + config.pipeline() + ".source";
        switch (config.source()) {
            case CURRICULUM -> {
                Task task = TaskCatalog.task(config.task(), config.delay(), 200);
                TaskTrainer trainer = new TaskTrainer(task, m.spec(), opt,
                        TaskTrainer.Settings.defaults().withBatchSize(config.batchSize()).withSeed(config.seed()).withHeldOut(HELD_OUT));
                Curriculum curriculum = config.curriculum() ? new Curriculum(task.levelCount(), 0.99, Curriculum.DEFAULT_MIX)
                        : Curriculum.none(task.topLevel(), 0.99);
                return new CurriculumLearner(trainer.session(params, curriculum), task.name(), HELD_OUT);
            }
            case TOPIC -> {
                if (!LabelledExamples.accepts(m.task())) {
                    throw new io.seqstream.config.ConfigException("setting " + setting + "=topic: model " + m.name() + " is a "
                            + m.task() + " model; a labelled topic trains classify, sentiment and next models");
                }
                String topic = config.topic().isEmpty() ? "train." + m.name() : config.topic();
                io.seqstream.kafka.TopicAdmin.ensure(bootstrap, java.util.List.of(new io.seqstream.kafka.TopicSpec(topic, 1, 1, Map.of())));
                LabelledTopicFeed feed = new LabelledTopicFeed(bootstrap, topic, app.app().name() + "." + m.name() + ".trainer",
                        app.app().dlqTopic(), new LabelledExamples(m, config.maxLength()), config.buffer(), config.heldOutEvery(),
                        reason -> meters.deadLettered(config.pipeline(), reason));
                return new ExampleLearner(feed, params, opt, config.batchSize(), config.seed());
            }
            case STREAM -> {
                if (!"next".equals(m.task())) {
                    throw new io.seqstream.config.ConfigException("setting " + setting + "=stream: model " + m.name() + " is a "
                            + m.task() + " model; the live stream trains next-token models (self-supervised)");
                }
                SeqstreamConfig.Pipeline p = app.pipeline(config.pipeline());
                LiveStreamFeed feed = new LiveStreamFeed(bootstrap, p.inputTopic(), p.groupId(app.app().name()) + ".trainer",
                        new InputDecoder(Tokenizers.from(m.tokenizer()), p.maxValueBytes(), m.spec().params()), m.spec(),
                        config.window(), config.heldOutEvery(), startToken(m));
                return new ExampleLearner(feed, params, opt, config.batchSize(), config.seed());
            }
            default -> throw new IllegalStateException("source " + config.source());
        }
    }

    /** A next-token model whose vocabulary begins with the start token has every stream begin with it. */
    private static int startToken(ModelMetadata m) {
        return NextVocabulary.frames(m.tokenizer()) ? NextVocabulary.START_ID : -1;
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
        LOG.info("trainer for {} on {}: ND4J backend {} (the step and BPTT kernels run in plain Java on the CPU)",
                start.metadata().name(), learner.describe(), Nd4jInfo.backend());
        long lastLog = System.nanoTime();
        long lastPublish = System.nanoTime() - config.minPublishInterval().toNanos();
        try (learner) {
            while (running) {
                if (poison) {
                    poison = false;
                    learner.poisonNextStep();
                }
                TaskTrainer.StepOutcome o = learner.step();
                if (o == null) {
                    LockSupport.parkNanos(20_000_000L);
                    continue;
                }
                meters.step(o.loss(), o.rawNorm(), o.clippedNorm(), o.clippedNorm() < o.rawNorm(), o.skipped(),
                        config.batchSize(), learner.learningRate());
                long steps = learner.steps();
                boolean due = steps % config.publishEvery() == 0;
                int level = learner.level();
                boolean levelPassed = false;
                // The curriculum is judged more often than versions are published, so a passed level is seen
                // (and published) within CURRICULUM_EVERY steps rather than at the next publishing step.
                if (due || steps % CURRICULUM_EVERY == 0) levelPassed = learner.judgeLevel();
                boolean spaced = System.nanoTime() - lastPublish >= config.minPublishInterval().toNanos();
                if (levelPassed || (due && spaced)) {
                    if (maybePublish(o.loss(), level)) lastPublish = System.nanoTime();
                }
                if (System.nanoTime() - lastLog > 60_000_000_000L) {
                    lastLog = System.nanoTime();
                    LOG.info("trainer {}: step {}, {}", start.metadata().name(), steps, learner.describe());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("trainer for {} stopped", start.metadata().name(), e);
        }
    }

    /** Publishes the copy as the next version when it is finite and not worse than the published one; true if it did. */
    private boolean maybePublish(double loss, int trainedAtLevel) {
        OnlineLearner.Evaluation e = learner.evaluate();
        if (e == null) {
            LOG.info("trainer {}: step {} not judged yet: too few held-out examples ({})", start.metadata().name(),
                    learner.steps(), learner.describe());
            return false;
        }
        double accuracy = e.accuracy();
        meters.evaluated(accuracy, learner.level());
        Parameters p = learner.parameters();
        if (!p.isFinite() || !Double.isFinite(loss) || !(accuracy >= publishedAccuracy - config.margin())) {
            meters.rejected();
            LOG.info("trainer {}: step {} candidate not published (finite {}, held-out {} vs published {})", start.metadata().name(),
                    learner.steps(), p.isFinite(), accuracy, publishedAccuracy);
            return false;
        }
        long next = version + 1;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("heldOutAccuracy", accuracy);
        metrics.put("heldOutLoss", e.loss());
        metrics.put("heldOutExamples", (double) e.size());
        metrics.put("loss", loss);
        metrics.put("examples", (double) learner.examples());
        ModelMetadata meta = start.metadata().withVersion(next, learner.steps(), trainedAtLevel, metrics);
        publisher.publish(new ModelSnapshot(meta, p.copy()));
        version = next;
        publishedAccuracy = accuracy;
        meters.published(next);
        LOG.info("trainer {}: published v{} at step {} (level {}, held-out accuracy {}, loss {})", start.metadata().name(), next,
                learner.steps(), learner.level(), accuracy, e.loss());
        return true;
    }

    /** Makes the next training step's gradient non-finite: the guard must skip it and nothing bad is published. */
    public void injectNonFiniteStep() {
        poison = true;
    }

    public long publishedVersion() { return version; }

    public TrainingMeters meters() { return meters; }
}
