package io.seqstream.app;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.seqstream.config.ConfigException;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.InstanceLease;
import io.seqstream.kafka.InstanceOwnership;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpecs;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.metrics.TrainingMeters;
import io.seqstream.serve.ModelRegistry;
import io.seqstream.serve.ServedModel;
import io.seqstream.train.TrainerVerticle;
import io.seqstream.stream.KernelWarmup;
import io.seqstream.stream.OutputSink;
import io.seqstream.stream.PipelineProcessor;
import io.seqstream.stream.StepVerticle;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.seqstream.web.EventBusOutputSink;
import io.seqstream.web.GatewayVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running product on one machine: the embedded broker (unless an external cluster is configured), the
 * topics, the model registry (models topic), one {@link StepVerticle} per pipeline and one {@link TrainerVerticle}
 * per trained model, and the web gateway ({@link GatewayVerticle}) fed directly by this instance's processors.
 * Start and close are the whole life cycle.
 */
public final class Product implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Product.class);

    private final SeqstreamConfig config;
    private final EmbeddedKafka kafka;
    private final String bootstrap;
    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final Map<String, List<PipelineProcessor>> processors;
    private final List<String> deployments;
    private final ModelRegistry models;
    private final List<TrainerVerticle> trainers;
    private final GatewayVerticle gateway;
    private final JvmMeters jvmMeters;
    private final InstanceLease lease;

    private Product(SeqstreamConfig config, EmbeddedKafka kafka, String bootstrap, Vertx vertx, PrometheusMeterRegistry registry,
                    Map<String, List<PipelineProcessor>> processors, List<String> deployments, ModelRegistry models,
                    List<TrainerVerticle> trainers, GatewayVerticle gateway, JvmMeters jvmMeters,
                    InstanceLease lease) {
        this.lease = lease;
        this.gateway = gateway;
        this.jvmMeters = jvmMeters;
        this.models = models;
        this.trainers = trainers;
        this.config = config;
        this.kafka = kafka;
        this.bootstrap = bootstrap;
        this.vertx = vertx;
        this.registry = registry;
        this.processors = processors;
        this.deployments = deployments;
    }

    /**
     * Starts everything.
     *
     * @param modelFiles the model file each pipeline serves (see {@link ModelFiles}); a newer version of the same
     *                   model on the models topic wins
     */
    public static Product start(SeqstreamConfig config, Map<String, ModelSnapshot> modelFiles, PrintStream out) throws Exception {
        EmbeddedKafka kafka = null;
        String bootstrap = config.kafka().bootstrap();
        Vertx vertx = null;
        ModelRegistry models = null;
        JvmMeters jvmMeters = null;
        InstanceLease lease = null;
        java.util.concurrent.CompletableFuture<InstanceLease> leasing = null;
        Map<String, ModelSnapshot> started = new LinkedHashMap<>();
        // Warm join: compile the step, formatting and state encoding before the processors subscribe, once per
        // pipeline (the JIT's code is shared by all threads and survives processor restarts and model swaps). It runs
        // beside the broker start, the instance lease and the models topic catch-up, which wait on the network.
        Map<String, java.util.concurrent.CompletableFuture<KernelWarmup.WarmupReport>> warmups = new LinkedHashMap<>();
        java.util.concurrent.ExecutorService warmer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "seqstream-warmup");
            t.setDaemon(true);
            return t;
        });
        for (SeqstreamConfig.Pipeline p : config.pipelines()) {
            ModelSnapshot file = modelFiles.get(p.name());
            if (file == null) continue;
            warmups.put(p.name(), java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> KernelWarmup.warm(ServedModel.of(file), p.name(), p.warmupSteps()), warmer));
        }
        warmer.shutdown();
        try {
            if (config.kafka().embedded()) {
                Path dir = config.app().dataDir().resolve("kafka");
                kafka = EmbeddedKafka.start(dir, config.kafka().embeddedPort());
                bootstrap = kafka.bootstrapServers();
                out.println("Kafka: embedded KRaft broker at " + bootstrap + " (data in " + dir + ")");
            } else {
                out.println("Kafka: external cluster at " + bootstrap);
            }
            TopicAdmin.ensure(bootstrap, TopicSpecs.load(config.kafka().topicsDir(), config.app().name()));
            for (SeqstreamConfig.Pipeline p : config.pipelines()) TopicAdmin.requireCoPartitioned(bootstrap, p.inputTopic(), p.stateTopic());
            // Before any processor exists: a second live process with our instance id would fence our producers forever.
            // Acquiring may wait out a killed holder's heartbeats: the registry, Vert.x and the warm-up go on meanwhile.
            String leaseBootstrap = bootstrap;
            leasing = java.util.concurrent.CompletableFuture.supplyAsync(() -> InstanceLease.acquire(leaseBootstrap,
                    config.app().instancesTopic(), config.app().instanceId(), config.app().instanceLeaseTimeout()));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            jvmMeters = bindJvmMeters(registry);
            // Read the models topic to its end first: every processor starts with the newest published version.
            models = new ModelRegistry(bootstrap, config.app().modelsTopic()).start();
            // Vert.x reports its own meters (HTTP server, event bus, pools) into the same registry /metrics serves.
            vertx = Vertx.builder()
                    .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
                    .withMetrics(new MicrometerMetricsFactory(registry))
                    .build();
            // With web.read-outputs-topic the gateway reads every output from Kafka: the direct feed would double them.
            OutputSink sink = config.web().readOutputsTopic() ? OutputSink.NONE : new EventBusOutputSink(vertx);
            Map<String, List<PipelineProcessor>> processors = new LinkedHashMap<>();
            List<String> deployments = new ArrayList<>();
            lease = awaitLease(leasing);
            for (SeqstreamConfig.Pipeline p : config.pipelines()) {
                ModelSnapshot file = modelFiles.get(p.name());
                if (file == null) throw new ConfigException("pipeline " + p.name() + " has no model");
                ModelSnapshot published = models.newest(file.metadata().name());
                ModelSnapshot snapshot = published != null && published.metadata().version() > file.metadata().version() ? published : file;
                ServedModel served = ServedModel.of(snapshot);
                KernelWarmup.WarmupReport warm = warmups.get(p.name()).get(120, TimeUnit.SECONDS);
                if (warm.steps() > 0) out.println("Pipeline " + p.name() + ": kernels warmed, " + warm);
                ServingMeters meters = new ServingMeters(registry, p.name(), served.name());
                List<PipelineProcessor> list = new ArrayList<>();
                for (int i = 0; i < p.threads(); i++) {
                    list.add(new PipelineProcessor(config, p, bootstrap, i, served, meters, sink).withClientMetrics(registry).withOwnership(lease));
                }
                deployments.add(vertx.deployVerticle(new StepVerticle(list)).toCompletionStage().toCompletableFuture()
                        .get(60, TimeUnit.SECONDS));
                processors.put(p.name(), list);
                String modelName = served.name();
                models.onNewVersion(next -> {
                    if (!next.metadata().name().equals(modelName)) return;
                    ServedModel swapped = ServedModel.of(next);
                    list.forEach(pp -> pp.offer(swapped));
                });
                started.put(p.name(), snapshot);
                out.println("Pipeline " + p.name() + ": " + p.inputTopic() + " -> model " + served.name() + " v" + served.version()
                        + " -> " + p.outputTopic() + " (" + p.threads() + " thread" + (p.threads() == 1 ? "" : "s") + ")");
            }
            List<TrainerVerticle> trainers = new ArrayList<>();
            for (SeqstreamConfig.Trainer t : config.trainers()) {
                ModelSnapshot from = started.get(t.pipeline());
                // One trainer per model across all instances: this one trains only while it leads the model's lineage.
                TrainerVerticle tv = new TrainerVerticle(config, bootstrap, t, from,
                        new io.seqstream.train.TrainerLeadership(bootstrap, config, from.metadata().name()),
                        new TrainingMeters(registry, from.metadata().name()));
                deployments.add(vertx.deployVerticle(tv).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
                trainers.add(tv);
                out.println("Trainer: " + from.metadata().name() + " on " + describe(t) + ", publishing to "
                        + config.app().modelsTopic() + " every " + t.publishEvery() + " steps when not worse, while this"
                        + " instance leads group " + config.app().name() + ".trainer." + from.metadata().name());
            }
            GatewayVerticle gateway = new GatewayVerticle(new GatewayVerticle.Sources(config, bootstrap, registry,
                    name -> processors.getOrDefault(name, List.of())));
            deployments.add(vertx.deployVerticle(gateway).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS));
            out.println("Web: " + gateway.url() + "  (WebSocket /ws, REST /api, /metrics, /health)");
            return new Product(config, kafka, bootstrap, vertx, registry, processors, deployments, models, trainers,
                    gateway, jvmMeters, lease);
        } catch (Exception e) {
            if (jvmMeters != null) jvmMeters.close();
            if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            if (models != null) models.close();
            if (lease != null) lease.close();
            else if (leasing != null) leasing.thenAccept(InstanceLease::close);
            if (kafka != null) kafka.close();
            throw e;
        }
    }

    /** The lease, or the reason it was refused (a {@link ConfigException} naming the setting) thrown as it is. */
    private static InstanceLease awaitLease(java.util.concurrent.CompletableFuture<InstanceLease> leasing) throws Exception {
        try {
            return leasing.get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    private static String describe(SeqstreamConfig.Trainer t) {
        return switch (t.source()) {
            case CURRICULUM -> "the " + t.task() + " curriculum";
            case TOPIC -> "labelled topic " + (t.topic().isEmpty() ? "train.<model>" : t.topic());
            case STREAM -> "its live input stream (windows of " + t.window() + ")";
        };
    }

    public String bootstrap() { return bootstrap; }

    public SeqstreamConfig config() { return config; }

    public PrometheusMeterRegistry registry() { return registry; }

    public List<PipelineProcessor> processors(String pipeline) { return processors.getOrDefault(pipeline, List.of()); }

    public List<TrainerVerticle> trainers() { return trainers; }

    public ModelRegistry models() { return models; }

    /** Whether another process took this instance's id (processors stop for good when fenced by it). */
    public InstanceOwnership ownership() { return lease; }

    /** The web gateway (page, WebSocket, REST, /metrics, /health). */
    public GatewayVerticle gateway() { return gateway; }

    /** JVM meters (memory, GC, threads, CPU, class loading) bound to the registry; GC metrics must be closed. */
    private record JvmMeters(JvmGcMetrics gc) implements AutoCloseable {
        @Override
        public void close() {
            gc.close();
        }
    }

    private static JvmMeters bindJvmMeters(PrometheusMeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        return new JvmMeters(gc);
    }

    /** Undeploys the verticles (closing their Kafka clients), then stops the embedded broker. */
    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x", e);
        }
        models.close();
        jvmMeters.close();
        // After the processors stopped: the release lets a restart with this id begin at once.
        lease.close();
        if (kafka != null) kafka.close();
    }

    /** Where models live on disk and how a missing one is handled. */
    public static final class ModelFiles {
        private ModelFiles() {
        }

        public static ModelSnapshot load(SeqstreamConfig.Pipeline p) throws IOException {
            if (!Files.isRegularFile(p.model())) {
                throw new ConfigException("setting pipeline." + p.name() + ".model: model file " + p.model()
                        + " does not exist (train one with: ./seqstream train --task "
                        + (p.name().startsWith("sentiment") ? "sentiment --glove ../shared/data/glove/glove.6B.50d.top10k.txt.gz"
                        : p.name().equals("next") ? "shakespeare" : "echo")
                        + " --out " + p.model() + ")");
            }
            return ModelSnapshot.load(p.model());
        }
    }
}
