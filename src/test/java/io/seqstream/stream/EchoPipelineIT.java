package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The echo pipeline against the real embedded broker: exactly-once outputs in order, and dead letters. */
@ExtendWith(SharedKafka.class)
class EchoPipelineIT {

    @Test
    void shouldEchoEveryTokenExactlyOnceInOrderForInterleavedStreams() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = Pipelines.echoConfig("echo-exact", Map.of());
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 4);
        int streams = 200;
        int length = 50;
        Random rng = new Random(5);
        char[][] letters = new char[streams][length];
        List<int[]> order = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            for (int t = 0; t < length; t++) {
                letters[s][t] = (char) ('a' + rng.nextInt(26));
                order.add(new int[]{s, t});
            }
        }
        // Random interleaving across streams, each stream's letters still in order.
        Collections.shuffle(order, rng);
        int[] next = new int[streams];
        ServingMeters meters = Pipelines.meters(p.name());
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 2, meters);
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            for (int[] st : order) {
                int s = st[0];
                int t = next[s]++;
                producer.send(Pipelines.record(p.inputTopic(), "s" + s, String.valueOf(letters[s][t])));
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> out;
        try (OutputCollector c = new OutputCollector(bootstrap, p.outputTopic())) {
            c.atLeast(streams * length, Duration.ofMinutes(3));
            out = c.drain(Duration.ofSeconds(2));
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        assertEquals(streams * length, out.size(), "one output per input token, none doubled");
        Map<String, List<OutputRecord>> byStream = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            OutputRecord n = OutputCollector.output(r);
            assertEquals(new String(r.key(), StandardCharsets.UTF_8), n.stream());
            byStream.computeIfAbsent(n.stream(), k -> new ArrayList<>()).add(n);
        }
        assertEquals(streams, byStream.size());
        long scored = 0;
        long correct = 0;
        for (int s = 0; s < streams; s++) {
            List<OutputRecord> got = byStream.get("s" + s);
            assertEquals(length, got.size(), "stream s" + s);
            for (int t = 0; t < length; t++) {
                OutputRecord n = got.get(t);
                assertEquals(t, (int) n.pos(), "stream s" + s + " in order");
                assertEquals(String.valueOf(letters[s][t]), n.in());
                assertEquals("echo-exact", n.pipeline());
                if (t >= 4) {
                    scored++;
                    if (n.out().equals(String.valueOf(letters[s][t - 4]))) correct++;
                }
            }
        }
        double accuracy = (double) correct / scored;
        assertTrue(accuracy > 0.99, "echo accuracy over positions >= 4 was " + accuracy);
        assertEquals(streams * length, (long) meters.tokenCount());
    }

    @Test
    void shouldDeadLetterBadRecordsWhileAGoodStreamCompletes() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = Pipelines.echoConfig("echo-bad", Map.of("pipeline.echo-bad.max-value-bytes", "64"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        ServingMeters meters = Pipelines.meters(p.name());
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 1, meters);
        String good = "thequickbrownfoxjumps";
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            for (int i = 0; i < good.length(); i++) {
                producer.send(Pipelines.record(p.inputTopic(), "good", String.valueOf(good.charAt(i))));
                switch (i) {
                    case 3 -> producer.send(Pipelines.record(p.inputTopic(), null, "abc"));
                    case 6 -> producer.send(new ProducerRecord<>(p.inputTopic(), "bad-utf8".getBytes(StandardCharsets.UTF_8),
                            new byte[]{(byte) 0xC3, (byte) 0x28}));
                    case 9 -> producer.send(Pipelines.record(p.inputTopic(), "unknown", "ab1c"));
                    case 12 -> producer.send(Pipelines.record(p.inputTopic(), "big", "a".repeat(100)));
                    default -> { }
                }
            }
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> outputs;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (OutputCollector o = new OutputCollector(bootstrap, p.outputTopic());
             OutputCollector d = new OutputCollector(bootstrap, config.app().dlqTopic())) {
            outputs = o.atLeast(good.length(), Duration.ofMinutes(1));
            dead = d.until(r -> r.stream().filter(x -> p.inputTopic().equals(OutputCollector.header(x, "seq.dlq.topic"))).count() >= 4,
                    Duration.ofMinutes(1));
            outputs = o.drain(Duration.ofSeconds(1));
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        assertEquals(good.length(), outputs.size(), "only the good stream produces outputs");
        for (int t = 0; t < good.length(); t++) {
            OutputRecord n = OutputCollector.output(outputs.get(t));
            assertEquals("good", n.stream());
            assertEquals(t, (int) n.pos());
        }
        Map<String, ConsumerRecord<byte[], byte[]>> byReason = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            if (p.inputTopic().equals(OutputCollector.header(r, "seq.dlq.topic"))) {
                byReason.put(OutputCollector.header(r, "seq.dlq.reason"), r);
            }
        }
        assertEquals(Set.of("missing-key", "undecodable", "unknown-token", "oversized-value"), new HashSet<>(byReason.keySet()));
        for (ConsumerRecord<byte[], byte[]> r : byReason.values()) {
            String detail = OutputCollector.header(r, "seq.dlq.detail");
            assertTrue(detail != null && !detail.isBlank(), "a reason has a human-readable detail");
            assertTrue(OutputCollector.header(r, "seq.dlq.offset") != null);
        }
        assertEquals("ab1c", new String(byReason.get("unknown-token").value(), StandardCharsets.UTF_8), "original value kept");
        assertEquals(2, byReason.get("undecodable").value().length);
        for (String reason : byReason.keySet()) assertEquals(1.0, meters.deadLetterCount(reason), reason);
    }
}
