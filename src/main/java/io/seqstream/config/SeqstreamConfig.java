package io.seqstream.config;

import io.seqstream.train.backend.BackendKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The product's whole configuration, typed. Every setting has a default that works on a laptop;
 * see {@link Settings} for where values come from.
 */
public record SeqstreamConfig(App app, Kafka kafka, Web web, List<Pipeline> pipelines, List<Trainer> trainers) {

    /**
     * @param name       prefix of the product's own topics (state, models, dead letters)
     * @param instanceId stable id of this instance: names its transactional producers and static group
     *                   membership, so a restarted instance fences its predecessor at once
     * @param dataDir    where the embedded broker and other local files live
     * @param instanceLeaseTimeout how long a start waits for heartbeats of another process holding the same instance
     *                   id before it takes the id over (that process is dead); heartbeats go out three times as often
     */
    public record App(String name, String instanceId, Path dataDir, Duration instanceLeaseTimeout) {
        public String dlqTopic() { return name + ".dlq"; }

        /** Compacted topic of instance-id leases: key = instance id, value = the holder's heartbeat. */
        public String instancesTopic() { return name + ".instances"; }

        public String modelsTopic() { return name + ".models"; }
    }

    /**
     * @param bootstrap          external cluster; empty = start the embedded broker
     * @param embeddedPort       port of the embedded broker (0 = any free port)
     * @param topicsDir          topic declarations
     * @param transactionTimeout how long a dead instance's open transaction may block readers
     * @param sessionTimeout     how long a dead instance keeps its partitions
     */
    public record Kafka(String bootstrap, int embeddedPort, Path topicsDir, Duration transactionTimeout,
                        Duration sessionTimeout) {
        public boolean embedded() { return bootstrap == null || bootstrap.isBlank(); }
    }

    /**
     * The gateway: HTTP API, WebSocket and web page.
     *
     * @param host             interface to bind (127.0.0.1 keeps it local)
     * @param port             port to bind; 0 = any free port
     * @param token            bearer token required by the endpoints that write (POST, WebSocket send); empty = off
     * @param readOutputsTopic also follow the outputs topics with a consumer of its own, for streams processed by
     *                         other instances (then the local processors' direct feed is off, so nothing arrives twice)
     * @param allStreamsRate   outputs per second at most that one client subscribed to all streams of a pipeline
     *                         receives (a sample); a stream's own subscribers get every output
     */
    public record Web(String host, int port, String token, boolean readOutputsTopic, int allStreamsRate) {
        public boolean tokenRequired() { return token != null && !token.isEmpty(); }
    }

    /** How a processor treats hidden states when a new model version arrives. */
    public enum SwapPolicy { CARRY, RESET }

    /**
     * @param name           pipeline name
     * @param model          model file to serve
     * @param inputTopic     tokens in
     * @param outputTopic    JSON outputs
     * @param stateTopic     compacted changelog of per-stream state, co-partitioned with the input
     * @param maxValueBytes  larger input values are dead-lettered
     * @param stateTtl       idle streams leave memory after this long (their state stays in the changelog)
     * @param maxPollRecords upper bound of one poll
     * @param threads        consumer threads (each with its own producer and state table)
     * @param swapPolicy     carry or reset hidden states on a model swap
     * @param defaultParam   the parameter of a stream that never sent one (models with a parameter only)
     * @param holdCommit     fault drills only (default 0): each transaction stays open this long, its outputs already
     *                       sent, before it commits, so that a kill lands inside an open transaction
     * @param commitInterval a transaction spans polls and commits once this long has passed since it began, or as
     *                       soon as the input is drained (a poll finds nothing more), or before a rebalance, a model
     *                       swap or shutdown: a trickle commits at once, a backlog or a high rate gets large transactions
     * @param maxTransactionRecords a transaction commits once it holds this many input records
     * @param poisonValue    fault drills only (default empty = off): processing a record whose value is exactly this
     *                       text fails with an unexpected error, as a bug would
     * @param checkpointInterval how often (after a commit) each processing thread writes local checkpoints of its
     *                       partitions' states under {@code <data-dir>/state/<app>/<pipeline>/}, so that a restore
     *                       reads a file and only the changelog after it; 0 = off (restores read the whole changelog)
     * @param warmupSteps    batched steps run on scratch state before the processor subscribes, so that a fresh JVM
     *                       serves with compiled kernels from its first poll (0 = off)
     */
    public record Pipeline(String name, Path model, String inputTopic, String outputTopic, String stateTopic,
                           int maxValueBytes, Duration stateTtl, int maxPollRecords, int threads,
                           SwapPolicy swapPolicy, int defaultParam, Duration holdCommit, Duration commitInterval,
                           int maxTransactionRecords, String poisonValue, Duration checkpointInterval, int warmupSteps) {
        public String groupId(String app) { return app + "." + name; }

        /** Folder of this pipeline's local state checkpoints. */
        public java.nio.file.Path checkpointDir(App app) { return app.dataDir().resolve("state").resolve(app.name()).resolve(name); }
    }

    /**
     * Online training of one pipeline's model: it starts from the served version (or from scratch), trains a
     * private copy on the task's curriculum, and publishes a version every publishEvery steps when the copy is
     * finite and its held-out accuracy is not worse than the last published one's by more than margin.
     *
     * @param pipeline     whose model is trained (the published name is that model's name)
     * @param task         echo, echo-variable, memory, order-6a or order-6b
     * @param fromScratch  start from fresh Xavier weights instead of the served version
     * @param source       where examples come from: the task's synthetic curriculum, a labelled topic, or the
     *                     pipeline's own input stream (next-token models, self-supervised)
     * @param topic        the labelled topic; empty = {@code train.<model name>}
     * @param window       truncated-BPTT window (tokens) of the stream source
     * @param buffer       labelled examples kept for replay (the newest; training samples batches from them)
     * @param heldOutEvery one example (or stream) in this many is held out for evaluation and never trained on
     * @param maxLength    labelled examples longer than this many tokens train on their last maxLength tokens
     * @param minPublishInterval versions due by step count wait at least this long after the last one (a passed
     *                     curriculum level publishes at once): a model that no longer improves is not republished
     *                     several times a second
     * @param backend      what computes the gradients: the CPU kernels (default) or the device trainer (cuda, cpu-device)
     */
    public record Trainer(String pipeline, String task, int delay, double learningRate, double clipNorm, int batchSize,
                          boolean curriculum, int publishEvery, double margin, boolean fromScratch, long seed,
                          Source source, String topic, int window, int buffer, int heldOutEvery, int maxLength,
                          Duration minPublishInterval, BackendKind backend) {
        /** Where a trainer's examples come from. */
        public enum Source { CURRICULUM, TOPIC, STREAM }
    }

    public static SeqstreamConfig from(Settings s) {
        String name = s.string("app.name", "seqstream");
        Path dataDir = Path.of(s.string("app.data-dir", "data"));
        App app = new App(name, s.string("app.instance-id", "local"), dataDir,
                s.duration("app.instance-lease-timeout", Duration.ofSeconds(3)));
        if (app.instanceLeaseTimeout().toMillis() < 300) {
            throw new ConfigException("setting app.instance-lease-timeout: " + app.instanceLeaseTimeout().toMillis()
                    + " ms is too short to see another process's heartbeats; expected at least 300ms (default 3s)");
        }
        Kafka kafka = new Kafka(s.string("kafka.bootstrap", ""),
                s.integer("kafka.embedded-port", 9092, 0, 65535),
                Path.of(s.string("kafka.topics-dir", "topics")),
                s.duration("kafka.transaction-timeout", Duration.ofSeconds(10)),
                s.duration("kafka.session-timeout", Duration.ofSeconds(10)));
        // One embedded instance sees all its outputs directly; against an external cluster other instances may
        // process streams a client watches, so the gateway follows the outputs topics there by default.
        Web web = new Web(s.string("web.host", "127.0.0.1"), s.integer("web.port", 8080, 0, 65535), s.string("web.token", ""),
                s.bool("web.read-outputs-topic", !kafka.embedded()), s.integer("web.all-streams-rate", 200, 1, 1_000_000));
        List<Pipeline> pipelines = new ArrayList<>();
        for (String p : s.string("pipelines", "echo").split(",")) {
            String pn = p.trim();
            if (pn.isEmpty()) continue;
            if (!pn.matches("[a-z0-9][a-z0-9_-]*")) {
                throw new ConfigException("setting pipelines: '" + pn + "' is not a valid pipeline name (lower-case letters, digits, - and _)");
            }
            String k = "pipeline." + pn + ".";
            pipelines.add(new Pipeline(pn,
                    Path.of(s.string(k + "model", "models/" + pn + ".model")),
                    s.string(k + "input-topic", "tokens." + pn),
                    s.string(k + "output-topic", "outputs." + pn),
                    s.string(k + "state-topic", name + "." + pn + ".state"),
                    s.integer(k + "max-value-bytes", 65536, 1, 16 << 20),
                    s.duration(k + "state-ttl", Duration.ofMinutes(30)),
                    s.integer(k + "max-poll-records", 2000, 1, 1_000_000),
                    s.integer(k + "threads", 1, 1, 64),
                    s.choice(k + "swap-policy", SwapPolicy.CARRY, SwapPolicy.class),
                    s.integer(k + "default-param", -1, -1, 1 << 20),
                    s.duration(k + "fault.hold-commit", Duration.ZERO),
                    s.duration(k + "commit-interval", Duration.ofMillis(100)),
                    s.integer(k + "max-transaction-records", 50_000, 1, 10_000_000),
                    s.string(k + "fault.poison-value", ""),
                    s.duration(k + "checkpoint-interval", Duration.ofSeconds(30)),
                    s.integer(k + "warmup-steps", 3000, 0, 10_000_000)));
        }
        if (pipelines.isEmpty()) throw new ConfigException("setting pipelines: no pipeline configured");
        List<Trainer> trainers = new ArrayList<>();
        // By default the echo pipeline's model keeps training while it serves; "none" turns training off.
        String trained = s.raw("trainer.models");
        if (trained == null) trained = pipelines.stream().anyMatch(p -> p.name().equals("echo")) ? "echo" : "";
        for (String t : trained.split(",")) {
            String tn = t.trim();
            if (tn.isEmpty() || tn.equals("none")) continue;
            if (pipelines.stream().noneMatch(p -> p.name().equals(tn))) {
                throw new ConfigException("setting trainer.models: '" + tn + "' is not a configured pipeline");
            }
            String k = "trainer." + tn + ".";
            trainers.add(new Trainer(tn, s.string(k + "task", "echo"), s.integer(k + "delay", 4, 0, 64),
                    s.decimal(k + "learning-rate", 1e-3, 1e-7, 1), s.decimal(k + "clip-norm", 1.0, 0, 1e6),
                    s.integer(k + "batch", 50, 1, 100_000), s.bool(k + "curriculum", true),
                    s.integer(k + "publish-every", 200, 1, 10_000_000), s.decimal(k + "margin", 0.005, 0, 1),
                    s.bool(k + "from-scratch", false), s.integer(k + "seed", 1, 0, Integer.MAX_VALUE),
                    s.choice(k + "source", Trainer.Source.CURRICULUM, Trainer.Source.class), s.string(k + "topic", ""),
                    s.integer(k + "window", 32, 2, 10_000), s.integer(k + "buffer", 20_000, 1, 10_000_000),
                    s.integer(k + "held-out-every", 10, 2, 1_000_000), s.integer(k + "max-length", 400, 1, 1_000_000),
                    s.duration(k + "min-publish-interval", Duration.ofSeconds(5)), backend(s, k + "backend")));
        }
        return new SeqstreamConfig(app, kafka, web, List.copyOf(pipelines), List.copyOf(trainers));
    }

    private static BackendKind backend(Settings s, String key) {
        String v = s.string(key, BackendKind.KERNELS.configName());
        try {
            return BackendKind.parse(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("setting " + key + ": " + e.getMessage());
        }
    }

    /** Defaults plus the given overrides, no file, no environment: for tests and tools. */
    public static SeqstreamConfig of(Map<String, String> overrides) {
        return from(Settings.of(overrides));
    }

    public Pipeline pipeline(String name) {
        for (Pipeline p : pipelines) if (p.name().equals(name)) return p;
        throw new ConfigException("no pipeline named " + name + " (configured: "
                + pipelines.stream().map(Pipeline::name).toList() + ")");
    }
}
