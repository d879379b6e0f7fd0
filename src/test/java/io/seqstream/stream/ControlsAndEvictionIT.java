package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The seq.control header, and idle streams that leave memory and come back from the changelog. */
@ExtendWith(SharedKafka.class)
class ControlsAndEvictionIT {

    @Test
    void shouldResetBeforeAndEndAfterTheRecordsTokens() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = Pipelines.echoConfig("echo-controls", Map.of());
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 1, Pipelines.meters(p.name()));
        List<ConsumerRecord<byte[], byte[]>> out;
        ConsumerRecord<byte[], byte[]> lastState;
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap);
             OutputCollector c = new OutputCollector(bootstrap, p.outputTopic());
             OutputCollector states = new OutputCollector(bootstrap, p.stateTopic())) {
            producer.send(Pipelines.record(p.inputTopic(), "c", "abcdef"));
            producer.send(control(p.inputTopic(), "c", "ghij", "reset"));
            producer.send(control(p.inputTopic(), "c", "kl", "end"));
            producer.flush();
            c.atLeast(12, Duration.ofMinutes(1));
            List<ConsumerRecord<byte[], byte[]>> changelog = states.drain(Duration.ofSeconds(1));
            lastState = changelog.get(changelog.size() - 1);
            producer.send(Pipelines.record(p.inputTopic(), "c", "mnopq"));
            producer.flush();
            out = c.atLeast(17, Duration.ofMinutes(1));
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        assertEquals("c", new String(lastState.key(), StandardCharsets.UTF_8));
        assertNull(lastState.value(), "end leaves a tombstone as the stream's last changelog record");
        StringBuilder positions = new StringBuilder();
        StringBuilder echoed = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            OutputRecord n = OutputCollector.output(r);
            positions.append((int) n.pos()).append(' ');
            echoed.append(n.out());
        }
        // abcdef from 0; reset: ghij from 0 with blanks again; kl continue (4, 5), then end; mnopq start afresh.
        assertEquals("0 1 2 3 4 5 0 1 2 3 4 5 0 1 2 3 4 ", positions.toString());
        assertEquals("____ab" + "____" + "gh" + "____m", echoed.toString(), "echo restarts after reset and after end");
    }

    @Test
    void shouldBringAnEvictedStreamBackFromTheChangelogOnItsNextToken() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = Pipelines.echoConfig("echo-evict", Map.of("pipeline.echo-evict.state-ttl", "300ms"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        ServingMeters meters = Pipelines.meters(p.name());
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 1, meters);
        List<ConsumerRecord<byte[], byte[]>> out;
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap);
             OutputCollector c = new OutputCollector(bootstrap, p.outputTopic())) {
            producer.send(Pipelines.record(p.inputTopic(), "sleepy", "abcdef"));
            producer.flush();
            c.atLeast(6, Duration.ofMinutes(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (processors.get(0).coldStreams() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(1, processors.get(0).coldStreams(), "the idle stream left memory");
            assertEquals(0, processors.get(0).hotStreams());
            producer.send(Pipelines.record(p.inputTopic(), "sleepy", "ghij"));
            producer.flush();
            out = c.atLeast(10, Duration.ofMinutes(1));
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        StringBuilder echoed = new StringBuilder();
        for (int i = 6; i < 10; i++) {
            OutputRecord n = OutputCollector.output(out.get(i));
            assertEquals(i, (int) n.pos(), "positions continue after eviction");
            echoed.append(n.out());
        }
        assertEquals("cdef", echoed.toString(), "the hidden state came back: it still remembers c..f");
    }

    private static ProducerRecord<byte[], byte[]> control(String topic, String key, String text, String control) {
        ProducerRecord<byte[], byte[]> r = Pipelines.record(topic, key, text);
        r.headers().add("seq.control", control.getBytes(StandardCharsets.UTF_8));
        return r;
    }

}
