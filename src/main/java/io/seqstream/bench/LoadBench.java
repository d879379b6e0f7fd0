package io.seqstream.bench;

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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Load on the echo pipeline with exactly-once on, everything on this machine (embedded broker, processor, producer,
 * a read_committed reader), side by side with a plain exactly-once consume-&gt;produce loop that does no model work
 * (the ceiling Kafka sets here) with the pipeline's max.poll.records, commit interval and transaction bound. For each: a producer sending as fast as it can, whose committed tokens/s over the
 * steady part is the maximum sustainable rate; then producers paced at half the pipeline's maximum and at a trickle
 * of 20 tokens/s, while a read_committed consumer takes, for every output, the time from the input record's
 * timestamp (producer create time, carried in the output's "ts") to the moment the output reaches that consumer.
 * The pipeline's mean wave at each rate shows its batching adapt: a lone token at a trickle, hundreds saturated.
 */
public final class LoadBench {
    /** A lone token now and then: what a quiet stream sees (adaptive batching: no wait for a batch to fill). */
    private static final double LOW_RATE = 20;

    private LoadBench() {
    }

    /** What is measured: the echo pipeline, or the Kafka-only loop beside it. */
    private interface Subject extends AutoCloseable {
        String inputTopic();

        String outputTopic();

        /** Inputs processed and committed so far. */
        double processed();

        /** Mean streams per wave so far, or NaN where there are no waves. */
        double meanWave();

        @Override
        void close() throws Exception;
    }

    /**
     * Both subjects through the same phases on one embedded broker: saturated (maximum sustainable rate), then
     * paced at half the pipeline's maximum and at a trickle, with end-to-end latency at both paced rates.
     */
    public static Map<String, Object> run(ModelSnapshot model, int streams, Duration phase, int threads, Duration commitInterval,
                                          int maxTransactionRecords) throws Exception {
        Path dir = Files.createTempDirectory("seqstream-load-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            String bootstrap = kafka.bootstrapServers();
            // The Kafka-only loop shares the pipeline's poll size, transaction bounds and output size.
            int maxPoll = SeqstreamConfig.of(Map.of()).pipelines().get(0).maxPollRecords();
            KafkaOnlyLoop.Bounds bounds = new KafkaOnlyLoop.Bounds(maxPoll, commitInterval, maxTransactionRecords,
                    EndToEndBench.echoOutputBytes(model, "max", streams, 100));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streams", streams);
            m.put("threads", threads);
            m.put("phaseSeconds", phase.toSeconds());
            m.put("commitIntervalMs", commitInterval.toMillis());
            m.put("maxTransactionRecords", maxTransactionRecords);
            Map<String, Object> max = saturate(bootstrap, () -> pipeline(bootstrap, model, threads, "max", bounds), streams, phase);
            double maxRate = (Double) max.get("tokensPerSecond");
            Map<String, Object> refMax = saturate(bootstrap, () -> kafkaOnly(bootstrap, "ref-max", bounds), streams, phase);
            double refRate = (Double) refMax.get("tokensPerSecond");
            m.put("maxSustainableTokensPerSecond", maxRate);
            m.put("maxMeanWave", max.get("meanWave"));
            m.put("halfRate", paced(bootstrap, () -> pipeline(bootstrap, model, threads, "half", bounds), streams, phase, maxRate / 2));
            m.put("lowRate", paced(bootstrap, () -> pipeline(bootstrap, model, threads, "low", bounds), streams, phase, LOW_RATE));
            Map<String, Object> ref = new LinkedHashMap<>();
            ref.put("what", "plain exactly-once consume->produce loop, no model, same max.poll.records and transaction bounds, "
                    + bounds.outputBytes() + "-byte outputs");
            ref.put("outputBytes", bounds.outputBytes());
            ref.put("maxSustainableTokensPerSecond", refRate);
            ref.put("halfRate", paced(bootstrap, () -> kafkaOnly(bootstrap, "ref-half", bounds), streams, phase, maxRate / 2));
            ref.put("lowRate", paced(bootstrap, () -> kafkaOnly(bootstrap, "ref-low", bounds), streams, phase, LOW_RATE));
            m.put("kafkaOnly", ref);
            m.put("maxRateRatio", maxRate / refRate);
            return m;
        }
    }

    private interface Starter {
        Subject start() throws Exception;
    }

    private static Subject pipeline(String bootstrap, ModelSnapshot model, int threads, String name, KafkaOnlyLoop.Bounds bounds)
            throws Exception {
        // commit-interval and max-transaction-records by name: unknown keys are ignored until the pipeline reads them.
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("pipelines", name, "app.instance-id", name,
                "pipeline." + name + ".max-poll-records", String.valueOf(bounds.maxPollRecords()),
                "pipeline." + name + ".commit-interval", bounds.commitInterval().toMillis() + "ms",
                "pipeline." + name + ".max-transaction-records", String.valueOf(bounds.maxTransactionRecords())));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(p.inputTopic(), 4, 1, Map.of()),
                new TopicSpec(p.outputTopic(), 4, 1, Map.of()),
                new TopicSpec(p.stateTopic(), 4, 1, Map.of("cleanup.policy", "compact")),
                new TopicSpec(config.app().dlqTopic(), 1, 1, Map.of())));
        ServingMeters meters = new ServingMeters(new SimpleMeterRegistry(), p.name(), model.metadata().name());
        // As the product starts a pipeline: kernels compiled before the processor subscribes.
        io.seqstream.stream.KernelWarmup.warm(ServedModel.of(model), p.name(), p.warmupSteps());
        List<PipelineProcessor> processors = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            PipelineProcessor pp = new PipelineProcessor(config, p, bootstrap, i, ServedModel.of(model), meters, OutputSink.NONE);
            pp.start().get(60, TimeUnit.SECONDS);
            processors.add(pp);
        }
        return new Subject() {
            public String inputTopic() { return p.inputTopic(); }

            public String outputTopic() { return p.outputTopic(); }

            public double processed() { return meters.tokenCount(); }

            public double meanWave() { return meters.meanBatchSize(); }

            public void close() { processors.forEach(PipelineProcessor::close); }
        };
    }

    private static Subject kafkaOnly(String bootstrap, String name, KafkaOnlyLoop.Bounds bounds) {
        String in = name + "-in";
        String out = name + "-out";
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(in, 4, 1, Map.of()), new TopicSpec(out, 4, 1, Map.of())));
        KafkaOnlyLoop loop = new KafkaOnlyLoop(bootstrap, in, out, name, name, bounds);
        return new Subject() {
            public String inputTopic() { return in; }

            public String outputTopic() { return out; }

            public double processed() { return loop.processed(); }

            public double meanWave() { return Double.NaN; }

            public void close() throws Exception { loop.close(); }
        };
    }

    /** Unpaced producer beside the subject; the committed rate from a quarter of the phase to its end. */
    private static Map<String, Object> saturate(String bootstrap, Starter starter, int streams, Duration phase) throws Exception {
        try (Subject s = starter.start()) {
            AtomicBoolean stop = new AtomicBoolean();
            Thread producer = new Thread(() -> produce(bootstrap, s.inputTopic(), streams, Double.MAX_VALUE, stop, new AtomicLong()));
            producer.start();
            try {
                Thread.sleep(phase.toMillis() / 4);
                double c0 = s.processed();
                long t0 = System.nanoTime();
                Thread.sleep(phase.toMillis() * 3 / 4);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("tokensPerSecond", (s.processed() - c0) / ((System.nanoTime() - t0) / 1e9));
                m.put("meanWave", s.meanWave());
                return m;
            } finally {
                stop.set(true);
                producer.join();
            }
        }
    }

    private static Map<String, Object> paced(String bootstrap, Starter starter, int streams, Duration phase, double rate)
            throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong sent = new AtomicLong();
        long[] latencies = new long[1 << 22];
        int n = 0;
        double processed;
        double meanWave;
        long warmup = System.currentTimeMillis() + phase.toMillis() / 4;
        try (Subject s = starter.start(); KafkaConsumer<byte[], byte[]> consumer = reader(bootstrap, s.outputTopic())) {
            Thread producer = new Thread(() -> produce(bootstrap, s.inputTopic(), streams, rate, stop, sent));
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
            processed = s.processed();
            meanWave = s.meanWave();
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("offeredTokensPerSecond", rate);
        m.put("sent", sent.get());
        m.put("processed", (long) processed);
        m.put("meanWave", meanWave);
        m.put("latencySamples", n);
        m.put("p50Millis", n == 0 ? -1 : sorted[n / 2]);
        m.put("p99Millis", n == 0 ? -1 : sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)]);
        m.put("maxMillis", n == 0 ? -1 : sorted[n - 1]);
        return m;
    }

    /** One letter per record to a random stream of {@code streams}, at {@code rate} records/s (paced per 10 ms). */
    private static void produce(String bootstrap, String topic, int streams, double rate, AtomicBoolean stop, AtomicLong sent) {
        Random rng = new Random(1);
        byte[][] keys = new byte[streams][];
        for (int s = 0; s < streams; s++) keys[s] = ("stream-" + s).getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.of(bootstrap).idempotentProducer()
                .linger(Duration.ofMillis(5)).batchBytes(256 * 1024).build()) {
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
        KafkaConsumer<byte[], byte[]> c = KafkaClients.of(bootstrap).consumer().build();
        List<TopicPartition> tps = Partitions.of(c, topic, Duration.ofSeconds(30));
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
