package io.seqstream.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.EmbeddedKafka;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Load on the echo pipeline with exactly-once on, everything on this machine (embedded broker, processor,
 * producer, a read_committed reader): first a producer sending as fast as it can while the processor runs, whose
 * committed tokens/s over the steady part is the maximum sustainable rate; then a producer paced at half that
 * rate, while a read_committed consumer takes, for every output, the time from the input record's timestamp
 * (producer create time, carried in the output's "ts") to the moment the output reaches that consumer.
 */
public final class LoadBench {
    private LoadBench() {
    }

    public static Map<String, Object> run(ModelSnapshot model, int streams, Duration phase, int threads) throws Exception {
        Path dir = Files.createTempDirectory("seqstream-load-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streams", streams);
            m.put("threads", threads);
            m.put("phaseSeconds", phase.toSeconds());
            double max = saturate(bootstrap, model, streams, phase, threads, "max");
            m.put("maxSustainableTokensPerSecond", max);
            Map<String, Object> half = paced(bootstrap, model, streams, phase, threads, max / 2, "half");
            m.put("halfRate", half);
            return m;
        }
    }

    private static SeqstreamConfig.Pipeline pipeline(String bootstrap, SeqstreamConfig config) {
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(p.inputTopic(), 4, 1, Map.of()),
                new TopicSpec(p.outputTopic(), 4, 1, Map.of()),
                new TopicSpec(p.stateTopic(), 4, 1, Map.of("cleanup.policy", "compact")),
                new TopicSpec(config.app().dlqTopic(), 1, 1, Map.of())));
        return p;
    }

    /** Unpaced producer beside the processors; the committed rate from a quarter of the phase to its end. */
    private static double saturate(String bootstrap, ModelSnapshot model, int streams, Duration phase, int threads, String name)
            throws Exception {
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("pipelines", name, "app.instance-id", name));
        SeqstreamConfig.Pipeline p = pipeline(bootstrap, config);
        ServingMeters meters = new ServingMeters(new SimpleMeterRegistry(), p.name(), model.metadata().name());
        List<PipelineProcessor> processors = start(config, p, bootstrap, model, meters, threads);
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = new Thread(() -> produce(bootstrap, p.inputTopic(), streams, Double.MAX_VALUE, stop, new AtomicLong()));
        producer.start();
        try {
            Thread.sleep(phase.toMillis() / 4);
            double c0 = meters.tokenCount();
            long t0 = System.nanoTime();
            Thread.sleep(phase.toMillis() * 3 / 4);
            return (meters.tokenCount() - c0) / ((System.nanoTime() - t0) / 1e9);
        } finally {
            stop.set(true);
            producer.join();
            processors.forEach(PipelineProcessor::close);
        }
    }

    private static Map<String, Object> paced(String bootstrap, ModelSnapshot model, int streams, Duration phase, int threads,
                                             double rate, String name) throws Exception {
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("pipelines", name, "app.instance-id", name));
        SeqstreamConfig.Pipeline p = pipeline(bootstrap, config);
        ServingMeters meters = new ServingMeters(new SimpleMeterRegistry(), p.name(), model.metadata().name());
        List<PipelineProcessor> processors = start(config, p, bootstrap, model, meters, threads);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        long[] latencies = new long[1 << 22];
        int n = 0;
        long warmup = System.currentTimeMillis() + phase.toMillis() / 4;
        Thread producer = new Thread(() -> produce(bootstrap, p.inputTopic(), streams, rate, stop, sent));
        try (KafkaConsumer<byte[], byte[]> consumer = reader(bootstrap, p.outputTopic())) {
            producer.start();
            long end = System.nanoTime() + phase.toNanos();
            while (System.nanoTime() < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    long ts = ts(r.value());
                    if (ts >= warmup && n < latencies.length) latencies[n++] = now - ts;
                }
            }
            stop.set(true);
            producer.join();
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offeredTokensPerSecond", rate);
        m.put("sent", sent.get());
        m.put("processed", (long) meters.tokenCount());
        m.put("latencySamples", n);
        m.put("p50Millis", n == 0 ? -1 : sorted[n / 2]);
        m.put("p99Millis", n == 0 ? -1 : sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)]);
        m.put("maxMillis", n == 0 ? -1 : sorted[n - 1]);
        return m;
    }

    private static List<PipelineProcessor> start(SeqstreamConfig config, SeqstreamConfig.Pipeline p, String bootstrap,
                                                 ModelSnapshot model, ServingMeters meters, int threads) throws Exception {
        List<PipelineProcessor> out = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            PipelineProcessor pp = new PipelineProcessor(config, p, bootstrap, i, ServedModel.of(model), meters, OutputSink.NONE);
            pp.start().get(60, TimeUnit.SECONDS);
            out.add(pp);
        }
        return out;
    }

    /** One letter per record to a random stream of {@code streams}, at {@code rate} records/s (paced per 10 ms). */
    private static void produce(String bootstrap, String topic, int streams, double rate, AtomicBoolean stop, AtomicLong sent) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        Random rng = new Random(1);
        byte[][] keys = new byte[streams][];
        for (int s = 0; s < streams; s++) keys[s] = ("stream-" + s).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            long t0 = System.nanoTime();
            long n = 0;
            while (!stop.get()) {
                if (rate != Double.MAX_VALUE) {
                    long due = (long) ((System.nanoTime() - t0) / 1e9 * rate);
                    if (n >= due) {
                        try {
                            Thread.sleep(2);
                        } catch (InterruptedException e) {
                            return;
                        }
                        continue;
                    }
                }
                byte[] letter = {(byte) ('a' + rng.nextInt(26))};
                producer.send(new ProducerRecord<>(topic, keys[rng.nextInt(streams)], letter));
                n++;
                sent.incrementAndGet();
            }
            producer.flush();
        }
    }

    private static KafkaConsumer<byte[], byte[]> reader(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        c.partitionsFor(topic).forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
        c.assign(tps);
        c.seekToEnd(tps);
        tps.forEach(c::position);
        return c;
    }

    /** The "ts" field of an output record (the input record's timestamp). */
    static long ts(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        int i = s.lastIndexOf("\"ts\":");
        int j = s.indexOf('}', i);
        return Long.parseLong(s.substring(i + 5, j));
    }
}
