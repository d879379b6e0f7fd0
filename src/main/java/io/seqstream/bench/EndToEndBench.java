package io.seqstream.bench;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.KafkaClients;
import io.seqstream.kafka.Partitions;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.OutputFormat;
import io.seqstream.stream.OutputSink;
import io.seqstream.stream.PipelineProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Steady-state end-to-end throughput of a pipeline through a fresh embedded broker with exactly-once on, beside two
 * references on the same broker, run one after another: the Kafka-only exactly-once loop (Kafka's own cost for the
 * same records: the ceiling) and a Kafka Streams application doing the same job with a trivial model (what a user
 * would build instead). One backlog of one-letter records over many streams is produced first; each subject drains it
 * in its own consumer group and writes its own output topic, and is timed by {@link CommittedProgress} from its
 * committed count crossing the warm-up mark to the last input committed.
 */
public final class EndToEndBench {
    private static final Duration SUBJECT_TIMEOUT = Duration.ofMinutes(15);

    private EndToEndBench() {
    }

    /**
     * What is run: the backlog (warm-up then timed tokens over {@code streams} keys and {@code partitions} partitions),
     * the pipeline's processing threads and transaction bounds, which the references share.
     */
    public record Plan(int streams, int partitions, long warmup, long tokens, int threads, int maxPollRecords,
                       Duration commitInterval, int maxTransactionRecords, boolean references) {
        long total() { return warmup + tokens; }
    }

    /** One subject's timed window and what else it reported. */
    public record Measured(CommittedProgress.Window window, Map<String, Object> details) {
        public double tokensPerSecond() { return window.tokensPerSecond(); }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tokens", window.tokens());
            m.put("seconds", window.seconds());
            m.put("tokensPerSecond", window.tokensPerSecond());
            m.putAll(details);
            return m;
        }
    }

    /** What one run measured; the references are null when skipped. */
    public record Result(Plan plan, int outputBytes, Measured pipeline, Measured kafkaOnly, Measured kafkaStreams) {
        public double tokensPerSecond() { return pipeline.tokensPerSecond(); }

        public double meanWave() { return (Double) pipeline.details().get("meanWave"); }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streams", plan.streams());
            m.put("partitions", plan.partitions());
            m.put("warmupTokens", plan.warmup());
            m.put("threads", plan.threads());
            m.put("maxPollRecords", plan.maxPollRecords());
            m.put("commitIntervalMs", plan.commitInterval().toMillis());
            m.put("maxTransactionRecords", plan.maxTransactionRecords());
            m.put("outputBytes", outputBytes);
            m.putAll(pipeline.toMap());
            if (kafkaOnly != null) {
                m.put("kafkaOnly", kafkaOnly.toMap());
                m.put("ratio", tokensPerSecond() / kafkaOnly.tokensPerSecond());
            }
            if (kafkaStreams != null) {
                m.put("kafkaStreams", kafkaStreams.toMap());
                m.put("ratioKafkaStreams", tokensPerSecond() / kafkaStreams.tokensPerSecond());
            }
            return m;
        }
    }

    public static Result run(ModelSnapshot model, Plan plan) throws Exception {
        Path dir = Files.createTempDirectory("seqstream-bench-");
        try {
            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                 CommittedProgress progress = new CommittedProgress(kafka.bootstrapServers())) {
                String bootstrap = kafka.bootstrapServers();
                SeqstreamConfig config = pipelineConfig(plan);
                SeqstreamConfig.Pipeline p = config.pipeline("bench");
                int outputBytes = echoOutputBytes(model, p.name(), plan.streams(), plan.total() / plan.streams());
                KafkaOnlyLoop.Bounds bounds = new KafkaOnlyLoop.Bounds(plan.maxPollRecords(), plan.commitInterval(),
                        plan.maxTransactionRecords(), outputBytes);
                TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(p.inputTopic(), plan.partitions(), 1, Map.of()),
                        new TopicSpec(p.outputTopic(), plan.partitions(), 1, Map.of()),
                        new TopicSpec(p.stateTopic(), plan.partitions(), 1, Map.of("cleanup.policy", "compact")),
                        new TopicSpec(config.app().dlqTopic(), 1, 1, Map.of()),
                        new TopicSpec("kafka-only-out", plan.partitions(), 1, Map.of()),
                        new TopicSpec("kafka-streams-out", plan.partitions(), 1, Map.of())));
                // One backlog for all three: the same records, keys and order; each subject reads it in its own group.
                produceBacklog(bootstrap, p.inputTopic(), plan.streams(), plan.total());
                Measured pipeline = pipeline(progress, bootstrap, model, config, p, plan);
                awaitCommittedOutputs(bootstrap, p.outputTopic(), plan.total(), Duration.ofMinutes(2));
                Measured kafkaOnly = null;
                Measured kafkaStreams = null;
                if (plan.references()) {
                    kafkaOnly = kafkaOnly(progress, bootstrap, p.inputTopic(), "kafka-only-out", plan, bounds);
                    awaitCommittedOutputs(bootstrap, "kafka-only-out", plan.total(), Duration.ofMinutes(2));
                    kafkaStreams = kafkaStreams(progress, bootstrap, p.inputTopic(), "kafka-streams-out", plan, bounds,
                            dir.resolve("streams"));
                    awaitCommittedOutputs(bootstrap, "kafka-streams-out", plan.total(), Duration.ofMinutes(2));
                }
                return new Result(plan, outputBytes, pipeline, kafkaOnly, kafkaStreams);
            }
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * The pipeline's settings for the bench. commit-interval and max-transaction-records are passed by name: the
     * configuration ignores keys it does not know, so this works before and after the pipeline reads them.
     */
    static SeqstreamConfig pipelineConfig(Plan plan) {
        return SeqstreamConfig.of(Map.of("pipelines", "bench", "app.instance-id", "bench",
                "pipeline.bench.max-poll-records", String.valueOf(plan.maxPollRecords()),
                "pipeline.bench.commit-interval", plan.commitInterval().toMillis() + "ms",
                "pipeline.bench.max-transaction-records", String.valueOf(plan.maxTransactionRecords())));
    }

    private static Measured pipeline(CommittedProgress progress, String bootstrap, ModelSnapshot model, SeqstreamConfig config,
                                     SeqstreamConfig.Pipeline p, Plan plan) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServingMeters meters = new ServingMeters(registry, p.name(), model.metadata().name());
        List<PipelineProcessor> processors = new ArrayList<>();
        try {
            for (int i = 0; i < plan.threads(); i++) {
                PipelineProcessor pp = new PipelineProcessor(config, p, bootstrap, i, ServedModel.of(model), meters, OutputSink.NONE);
                pp.start().get();
                processors.add(pp);
            }
            DistributionSummary waves = registry.get("seqstream.step.batch.size").summary();
            CommittedProgress.Window w = progress.await(p.groupId(config.app().name()), p.inputTopic(), plan.warmup(), plan.total(),
                    SUBJECT_TIMEOUT, () -> {
                        HistogramSnapshot s = waves.takeSnapshot();
                        return Map.of("waves", (double) s.count(), "waveTokens", s.total());
                    }, () -> null);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("what", "seqstream pipeline " + model.metadata().name() + ", " + plan.threads() + " processing thread(s)");
            d.put("waves", (long) w.delta("waves"));
            d.put("meanWave", w.delta("waveTokens") / w.delta("waves"));
            d.put("maxWave", waves.max());
            return new Measured(w, d);
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
    }

    private static Measured kafkaOnly(CommittedProgress progress, String bootstrap, String in, String out, Plan plan,
                                      KafkaOnlyLoop.Bounds bounds) throws Exception {
        List<KafkaOnlyLoop> loops = new ArrayList<>();
        try {
            for (int i = 0; i < plan.threads(); i++) {
                loops.add(new KafkaOnlyLoop(bootstrap, in, out, "kafka-only", "kafka-only-" + i, bounds));
            }
            CommittedProgress.Window w = progress.await("kafka-only", in, plan.warmup(), plan.total(), SUBJECT_TIMEOUT,
                    () -> Map.of("transactions", (double) loops.stream().mapToLong(KafkaOnlyLoop::transactions).sum()),
                    () -> {
                        for (KafkaOnlyLoop l : loops) {
                            if (l.failure() != null) throw new IllegalStateException("Kafka-only loop failed", l.failure());
                        }
                        return null;
                    });
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("what", "plain exactly-once consume->produce loop, no model or state, " + plan.threads() + " loop(s); "
                    + "transactions span polls: commit when the interval passed, a poll came back short or the bound was reached");
            d.put("threads", plan.threads());
            d.put("transactions", (long) w.delta("transactions"));
            d.put("meanTransactionRecords", w.tokens() / w.delta("transactions"));
            return new Measured(w, d);
        } finally {
            for (KafkaOnlyLoop l : loops) l.close();
        }
    }

    private static Measured kafkaStreams(CommittedProgress progress, String bootstrap, String in, String out, Plan plan,
                                         KafkaOnlyLoop.Bounds bounds, Path stateDir) throws Exception {
        String appId = "kafka-streams-ref";
        try (KafkaStreamsReference app = new KafkaStreamsReference(bootstrap, appId, in, out, plan.threads(), bounds, stateDir)) {
            CommittedProgress.Window w = progress.await(appId, in, plan.warmup(), plan.total(), SUBJECT_TIMEOUT, Map::of, () -> {
                KafkaStreams.State s = app.state();
                if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                    throw new IllegalStateException("Kafka Streams reference stopped: " + s);
                }
                return null;
            });
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("what", "Kafka Streams application (Processor API), " + KafkaStreamsReference.STATE_BYTES
                    + "-byte state per stream in a logged in-memory store, one output per input, num.stream.threads " + plan.threads());
            d.put("threads", plan.threads());
            d.put("config", app.settings());
            return new Measured(w, d);
        }
    }

    /** The size of an echo output here: a stream id of the bench's longest and a position of the backlog's mean. */
    static int echoOutputBytes(ModelSnapshot model, String pipeline, int streams, long position) {
        float[] sample = new float[model.metadata().spec().classes()];
        sample[1] = 0.987654f;
        return OutputFormat.format(ServedModel.of(model), pipeline, "stream-" + (streams - 1), position, "a", sample, 0,
                sample.length, System.currentTimeMillis()).length;
    }

    static void produceBacklog(String bootstrap, String topic, int streams, long tokens) {
        Random rng = new Random(1);
        byte[][] keys = new byte[streams][];
        for (int s = 0; s < streams; s++) keys[s] = ("stream-" + s).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.of(bootstrap).idempotentProducer()
                .linger(Duration.ofMillis(20)).batchBytes(512 * 1024).build()) {
            for (long i = 0; i < tokens; i++) {
                byte[] letter = {(byte) ('a' + rng.nextInt(26))};
                producer.send(new ProducerRecord<>(topic, keys[rng.nextInt(streams)], letter));
            }
            producer.flush();
        }
    }

    /** Checks, untimed, that every output is readable with read_committed. */
    private static void awaitCommittedOutputs(String bootstrap, String topic, long expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.of(bootstrap).consumer().maxPollRecords(10000).build()) {
            List<TopicPartition> tps = Partitions.of(c, topic, Duration.ofSeconds(30));
            while (System.nanoTime() < deadline) {
                // Under read_committed the end offset is the last stable offset; it counts data plus commit markers.
                long records = 0;
                Map<TopicPartition, Long> end = c.endOffsets(tps);
                for (long v : end.values()) records += v;
                if (records >= expected) {
                    c.assign(tps);
                    c.seekToBeginning(tps);
                    long seen = 0;
                    long stop = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (seen < expected && System.nanoTime() < stop) seen += c.poll(Duration.ofMillis(200)).count();
                    if (seen >= expected) return;
                    c.unsubscribe();
                }
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException(topic + ": outputs did not all commit within " + timeout);
    }

    /** Removes the run's broker and Kafka Streams data (about 1 GB at the defaults); a leftover must not hide the result. */
    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path q : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
