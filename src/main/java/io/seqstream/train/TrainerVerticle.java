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
import io.seqstream.train.backend.BackendUnavailableException;
import io.seqstream.train.online.CurriculumLearner;
import io.seqstream.train.online.ExampleLearner;
import io.seqstream.train.online.LabelledExamples;
import io.seqstream.train.online.LabelledTopicFeed;
import io.seqstream.train.online.LiveStreamFeed;
import io.seqstream.train.online.OnlineLearner;
import io.seqstream.train.task.Task;
import io.seqstream.util.BackgroundLoop;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
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
 *
 * <p>It trains only while its {@link Lineage} says this instance leads the model's training (one instance at a
 * time, see {@link TrainerLeadership}); at the start of every term it continues from the newest published version,
 * its weights and its number, so versions grow by one across instances. A trainer that is not leading holds no
 * learner and no source consumer, and only checks every 200 ms whether it leads.
 */
public final class TrainerVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerVerticle.class);

    private static final int CURRICULUM_EVERY = 50;
    private static final int HELD_OUT = 300;

    private final SeqstreamConfig app;
    private final String bootstrap;
    private final SeqstreamConfig.Trainer config;
    private final ModelSnapshot start;
    private final Lineage lineage;
    private final String instanceId;
    private final TrainingMeters meters;
    private BackgroundLoop thread;
    private volatile boolean poison;
    private volatile long version;
    private volatile double publishedAccuracy;
    private volatile long leading;

    /** The only trainer of its model, on the task's synthetic curriculum (needs no topic of its own). */
    public TrainerVerticle(SeqstreamConfig.Trainer config, ModelSnapshot start, ModelPublisher publisher, TrainingMeters meters) {
        this(null, null, config, start, Lineage.sole(publisher), meters);
    }

    /** The only trainer of its model (tools and tests): always leads, publishes through the given publisher. */
    public TrainerVerticle(SeqstreamConfig app, String bootstrap, SeqstreamConfig.Trainer config, ModelSnapshot start,
                           ModelPublisher publisher, TrainingMeters meters) {
        this(app, bootstrap, config, start, Lineage.sole(publisher), meters);
    }

    /**
     * @param app       the product's configuration (topic names, the trained pipeline, the instance id named in each
     *                  published version); null only for the curriculum source
     * @param bootstrap the cluster the topic and stream sources read; null only for the curriculum source
     * @param start     the version this instance serves: the starting point while no newer one was published
     * @param lineage   when this instance may train and where versions go; the trainer closes it when it stops
     */
    public TrainerVerticle(SeqstreamConfig app, String bootstrap, SeqstreamConfig.Trainer config, ModelSnapshot start,
                           Lineage lineage, TrainingMeters meters) {
        this.app = app;
        this.bootstrap = bootstrap;
        this.config = config;
        this.start = start;
        this.lineage = lineage;
        this.instanceId = app == null ? "" : app.app().instanceId();
        this.meters = meters;
        try {
            validate(config, start.metadata());
        } catch (RuntimeException e) {
            lineage.close();
            throw e;
        }
        this.version = start.metadata().version();
        this.publishedAccuracy = Double.NEGATIVE_INFINITY;
    }

    /** Refuses a source that cannot train this kind of model, at construction rather than when a term begins. */
    private static void validate(SeqstreamConfig.Trainer config, ModelMetadata m) {
        String setting = "trainer." + config.pipeline() + ".source";
        if (config.source() == SeqstreamConfig.Trainer.Source.TOPIC && !m.task().learnsFromLabelledTopic()) {
            throw new io.seqstream.config.ConfigException("setting " + setting + "=topic: model " + m.name() + " is a "
                    + m.task() + " model; a labelled topic trains classify, sentiment and next models");
        }
        if (config.source() == SeqstreamConfig.Trainer.Source.STREAM && !m.task().learnsFromLiveStream()) {
            throw new io.seqstream.config.ConfigException("setting " + setting + "=stream: model " + m.name() + " is a "
                    + m.task() + " model; the live stream trains next-token models (self-supervised)");
        }
    }

    private static OnlineLearner learner(SeqstreamConfig app, String bootstrap, SeqstreamConfig.Trainer config, ModelMetadata m,
                                         Parameters params, int startLevel, TrainingMeters meters) {
        OptimizerConfig opt = new OptimizerConfig(config.learningRate(), config.clipNorm(), 0);
        switch (config.source()) {
            case CURRICULUM -> {
                Task task = TaskCatalog.task(config.task(), config.delay(), 200);
                TaskTrainer trainer = new TaskTrainer(task, m.spec(), opt,
                        TaskTrainer.Settings.defaults().withBatchSize(config.batchSize()).withSeed(config.seed()).withHeldOut(HELD_OUT),
                        config.backend());
                // A version that passed levels goes on from the last of them: starting again at the shortest would
                // spend the first versions relearning what it knows, and judge them on the top level meanwhile.
                Curriculum curriculum = TaskCatalog.curriculum(task, config.curriculum()).resumeAt(Math.min(startLevel, task.topLevel()));
                return new CurriculumLearner(trainer.session(params, curriculum), task.name());
            }
            case TOPIC -> {
                String topic = config.topic().isEmpty() ? "train." + m.name() : config.topic();
                io.seqstream.kafka.TopicAdmin.ensure(bootstrap, java.util.List.of(new io.seqstream.kafka.TopicSpec(topic, 1, 1, Map.of())));
                LabelledTopicFeed feed = new LabelledTopicFeed(bootstrap, topic, app.app().name() + "." + m.name() + ".trainer",
                        app.app().dlqTopic(), new LabelledExamples(m, config.maxLength()), config.buffer(), config.heldOutEvery(),
                        reason -> meters.deadLettered(config.pipeline(), reason));
                return new ExampleLearner(feed, params, opt, config.batchSize(), config.seed(), config.backend());
            }
            case STREAM -> {
                SeqstreamConfig.Pipeline p = app.pipeline(config.pipeline());
                LiveStreamFeed feed = new LiveStreamFeed(bootstrap, p.inputTopic(), p.groupId(app.app().name()) + ".trainer",
                        new InputDecoder(Tokenizers.from(m.tokenizer()), p.maxValueBytes(), m.spec().params()), m.spec(),
                        config.window(), config.heldOutEvery(), startToken(m));
                return new ExampleLearner(feed, params, opt, config.batchSize(), config.seed(), config.backend());
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
        thread = BackgroundLoop.named("seqstream-trainer-" + start.metadata().name()).joinTimeout(Duration.ofSeconds(30))
                .start(this::loop);
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        thread.requestStop();
        return vertx.executeBlocking(() -> {
            thread.stop();
            return null;
        });
    }

    private void loop(BackgroundLoop loop) {
        String name = start.metadata().name();
        // Loading ND4J's natives takes seconds: done here, off the event loop.
        LOG.info("trainer for {}: gradients on the {} backend (trainer.{}.backend); ND4J backend {} (unused by training)", name,
                config.backend().configName(), config.pipeline(), Nd4jInfo.backend());
        OnlineLearner learner = null;
        long term = 0;
        long lost = 0;
        long lastLog = System.nanoTime();
        long lastPublish = System.nanoTime() - config.minPublishInterval().toNanos();
        try {
            while (loop.running()) {
                long now = lineage.term();
                if (now != term) {
                    learner = close(learner);
                    term = 0;
                    lead(0);
                    // A term this trainer found over (fenced) is not begun again: that would fence the new leader.
                    if (now != 0 && now != lost) {
                        try {
                            learner = takeOver(now);
                        } catch (BackendUnavailableException e) {
                            // Not a passing condition like the cluster's: asking again would not help.
                            throw new BackendUnavailableException("setting trainer." + config.pipeline() + ".backend="
                                    + config.backend().configName() + " cannot run here: " + e.getMessage(), e);
                        } catch (RuntimeException e) {
                            // The cluster did not answer (fencing or reading the models topic): try again shortly.
                            LOG.warn("trainer {}: cannot begin term {}: {}", name, now, e.toString());
                            LockSupport.parkNanos(1_000_000_000L);
                            continue;
                        }
                        term = now;
                        lead(now);
                        lastPublish = System.nanoTime() - config.minPublishInterval().toNanos();
                    }
                }
                if (learner == null) {
                    LockSupport.parkNanos(200_000_000L);
                    continue;
                }
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
                    try {
                        if (maybePublish(learner, term, o.loss(), level)) lastPublish = System.nanoTime();
                    } catch (Lineage.Lost e) {
                        LOG.info("trainer {}: {}; waiting to lead again", name, e.getMessage());
                        learner = close(learner);
                        lost = term;
                        term = 0;
                        lead(0);
                    }
                }
                if (learner != null && System.nanoTime() - lastLog > 60_000_000_000L) {
                    lastLog = System.nanoTime();
                    LOG.info("trainer {}: step {}, {}", name, steps, learner.describe());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("trainer for {} stopped", name, e);
        } finally {
            lead(0);
            close(learner);
            lineage.close();
        }
    }

    /**
     * Begins a term: from the newest published version (weights, number and accuracy to beat) when one is newer than
     * what this instance started with, else from the start version (or fresh weights with from-scratch: nobody has
     * continued the lineage since this instance started).
     */
    private OnlineLearner takeOver(long term) {
        ModelSnapshot newest = lineage.begin(term);
        ModelSnapshot base = newest != null && newest.metadata().version() > start.metadata().version() ? newest : start;
        boolean scratch = config.fromScratch() && base == start;
        Parameters params = scratch ? Parameters.xavier(base.metadata().spec(), config.seed() + 101) : base.parameters().copy();
        Double acc = base.metadata().metrics().get("heldOutAccuracy");
        version = base.metadata().version();
        publishedAccuracy = scratch || acc == null ? Double.NEGATIVE_INFINITY : acc;
        OnlineLearner learner = learner(app, bootstrap, config, base.metadata(), params, scratch ? 0 : Math.max(0, base.metadata().level()),
                meters);
        LOG.info("trainer for {} (term {}) continues from v{}{} on {}", start.metadata().name(), term, version,
                scratch ? " with fresh weights" : base == newest ? " (newest published)" : "", learner.describe());
        return learner;
    }

    private void lead(long term) {
        leading = term;
        meters.leading(term != 0);
    }

    private static OnlineLearner close(OnlineLearner learner) {
        if (learner != null) learner.close();
        return null;
    }

    /** Publishes the copy as the next version when it is finite and not worse than the published one; true if it did. */
    private boolean maybePublish(OnlineLearner learner, long term, double loss, int trainedAtLevel) {
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
        ModelMetadata meta = start.metadata().withVersion(next, learner.steps(), trainedAtLevel, metrics, instanceId);
        lineage.publish(term, new ModelSnapshot(meta, p.copy()));
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

    /** The newest version this trainer published or continued from. */
    public long publishedVersion() { return version; }

    /** Whether this instance trains the model now (leads its lineage and has begun the term). */
    public boolean leads() { return leading != 0; }

    public TrainingMeters meters() { return meters; }
}
