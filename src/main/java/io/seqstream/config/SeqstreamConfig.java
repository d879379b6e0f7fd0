package io.seqstream.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The product's whole configuration, typed. Every setting has a default that works on a laptop;
 * see {@link Settings} for where values come from.
 */
public record SeqstreamConfig(App app, Kafka kafka, Web web, List<Pipeline> pipelines) {

    /**
     * @param name       prefix of the product's own topics (state, models, dead letters)
     * @param instanceId stable id of this instance: names its transactional producers and static group
     *                   membership, so a restarted instance fences its predecessor at once
     * @param dataDir    where the embedded broker and other local files live
     */
    public record App(String name, String instanceId, Path dataDir) {
        public String dlqTopic() { return name + ".dlq"; }

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

    public record Web(String host, int port, String token) {
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
     * @param maxPollRecords upper bound of one poll, hence of one transaction
     * @param threads        consumer threads (each with its own producer and state table)
     * @param swapPolicy     carry or reset hidden states on a model swap
     * @param defaultParam   the parameter of a stream that never sent one (models with a parameter only)
     */
    public record Pipeline(String name, Path model, String inputTopic, String outputTopic, String stateTopic,
                           int maxValueBytes, Duration stateTtl, int maxPollRecords, int threads,
                           SwapPolicy swapPolicy, int defaultParam) {
        public String groupId(String app) { return app + "." + name; }
    }

    public static SeqstreamConfig from(Settings s) {
        String name = s.string("app.name", "seqstream");
        Path dataDir = Path.of(s.string("app.data-dir", "data"));
        App app = new App(name, s.string("app.instance-id", "local"), dataDir);
        Kafka kafka = new Kafka(s.string("kafka.bootstrap", ""),
                s.integer("kafka.embedded-port", 9092, 0, 65535),
                Path.of(s.string("kafka.topics-dir", "topics")),
                s.duration("kafka.transaction-timeout", Duration.ofSeconds(10)),
                s.duration("kafka.session-timeout", Duration.ofSeconds(10)));
        Web web = new Web(s.string("web.host", "127.0.0.1"), s.integer("web.port", 8080, 0, 65535), s.string("web.token", ""));
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
                    s.integer(k + "default-param", -1, -1, 1 << 20)));
        }
        if (pipelines.isEmpty()) throw new ConfigException("setting pipelines: no pipeline configured");
        return new SeqstreamConfig(app, kafka, web, List.copyOf(pipelines));
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
