package io.seqstream.bench;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.Partitions;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.OutputSink;
import io.seqstream.stream.PipelineProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * End-to-end throughput of a pipeline through a fresh embedded broker with exactly-once on: a backlog of one-letter
 * records over many streams is produced first, then the processor drains it; throughput is tokens over the time
 * until the last output is committed (read_committed end offsets), and the wave sizes come from the step meters.
 */
public final class EndToEndBench {
    private EndToEndBench() {
    }

    /** What one run measured. */
    public record Result(int streams, long tokens, int threads, int maxPollRecords, double seconds, double tokensPerSecond,
                         double meanWave, double maxWave, long waves) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streams", streams);
            m.put("tokens", tokens);
            m.put("threads", threads);
            m.put("maxPollRecords", maxPollRecords);
            m.put("seconds", seconds);
            m.put("tokensPerSecond", tokensPerSecond);
            m.put("meanWave", meanWave);
            m.put("maxWave", maxWave);
            m.put("waves", waves);
            return m;
        }
    }

    public static Result run(ModelSnapshot model, int streams, long tokens, int threads, int maxPollRecords) throws Exception {
        Path dir = Files.createTempDirectory("seqstream-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            String bootstrap = kafka.bootstrapServers();
            SeqstreamConfig config = SeqstreamConfig.of(Map.of("pipelines", "bench",
                    "pipeline.bench.max-poll-records", String.valueOf(maxPollRecords), "app.instance-id", "bench"));
            SeqstreamConfig.Pipeline p = config.pipeline("bench");
            TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(p.inputTopic(), 4, 1, Map.of()),
                    new TopicSpec(p.outputTopic(), 4, 1, Map.of()),
                    new TopicSpec(p.stateTopic(), 4, 1, Map.of("cleanup.policy", "compact")),
                    new TopicSpec(config.app().dlqTopic(), 1, 1, Map.of())));
            produceBacklog(bootstrap, p.inputTopic(), streams, tokens);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ServingMeters meters = new ServingMeters(registry, p.name(), model.metadata().name());
            List<PipelineProcessor> processors = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < threads; i++) {
                PipelineProcessor pp = new PipelineProcessor(config, p, bootstrap, i, ServedModel.of(model), meters, OutputSink.NONE);
                pp.start().get();
                processors.add(pp);
            }
            // The token counter moves only after commitTransaction(): it reaching the total is the last commit.
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (meters.tokenCount() < tokens && System.nanoTime() < deadline) Thread.sleep(1);
            double seconds = (System.nanoTime() - t0) / 1e9;
            processors.forEach(PipelineProcessor::close);
            awaitCommittedOutputs(bootstrap, p.outputTopic(), tokens, Duration.ofMinutes(2));
            DistributionSummary waves = registry.get("seqstream.step.batch.size").summary();
            return new Result(streams, tokens, threads, maxPollRecords, seconds, tokens / seconds, waves.mean(), waves.max(), waves.count());
        }
    }

    static void produceBacklog(String bootstrap, String topic, int streams, long tokens) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        Random rng = new Random(1);
        byte[][] keys = new byte[streams][];
        for (int s = 0; s < streams; s++) keys[s] = ("stream-" + s).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long i = 0; i < tokens; i++) {
                byte[] letter = {(byte) ('a' + rng.nextInt(26))};
                producer.send(new ProducerRecord<>(topic, keys[rng.nextInt(streams)], letter));
            }
            producer.flush();
        }
    }

    /** Checks, untimed, that every output is readable with read_committed. */
    private static void awaitCommittedOutputs(String bootstrap, String topic, long expected, Duration timeout) throws InterruptedException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
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
        throw new IllegalStateException("outputs did not all commit within " + timeout);
    }
}
