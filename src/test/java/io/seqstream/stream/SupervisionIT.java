package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import io.seqstream.serve.ServedModel;
import io.seqstream.testing.EchoReference;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.testing.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A processing thread under supervision: a record that keeps failing, and models of another state shape. */
@ExtendWith(SharedKafka.class)
class SupervisionIT {

    @Test
    void shouldDeadLetterARecordThatKeepsFailingAndGoOnWithItsStream() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = Pipelines.echoConfig("echo-poison", Map.of("pipeline.echo-poison.fault.poison-value", "POISON",
                "app.name", "sup1"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServingMeters meters = new ServingMeters(registry, p.name(), "echo-gru");
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 1, meters);
        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap);
             OutputCollector c = new OutputCollector(bootstrap, p.outputTopic());
             OutputCollector dlq = new OutputCollector(bootstrap, config.app().dlqTopic())) {
            producer.send(Pipelines.record(p.inputTopic(), "s1", "abc"));
            producer.send(Pipelines.record(p.inputTopic(), "s2", "ghij"));
            producer.send(Pipelines.record(p.inputTopic(), "s1", "POISON"));
            producer.send(Pipelines.record(p.inputTopic(), "s1", "def"));
            producer.flush();
            c.atLeast(10, Duration.ofMinutes(2));
            dead = dlq.atLeast(1, Duration.ofMinutes(1));
            out = c.drain(Duration.ofSeconds(1));
            assertEquals(10, out.size(), "one output per good token, nothing beyond");
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        assertEquals(1, dead.size());
        assertEquals("processing-error", OutputCollector.header(dead.get(0), "seq.dlq.reason"));
        assertEquals("POISON", new String(dead.get(0).value()));
        assertEquals(1.0, meters.deadLetterCount("processing-error"));
        assertTrue(meters.restartCount() >= PipelineProcessor.ISOLATE_AFTER,
                "restarted before isolating the record: " + meters.restartCount());
        EchoReference ref = new EchoReference(ServedModel.of(TestModels.echo()), p.name());
        Map<String, List<String>> byStream = byStream(out);
        assertEquals(ref.outputs("s1", List.of("abc", "def")), byStream.get("s1"), "s1 goes on after its bad record");
        assertEquals(ref.outputs("s2", List.of("ghij")), byStream.get("s2"));
    }

    @Test
    void shouldRestartEveryStreamWhenAModelOfAnotherShapeArrivesAndDropOldShapesOnRestore() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        // No local checkpoints: the restart must read the old-shape states from the changelog itself.
        SeqstreamConfig config = Pipelines.echoConfig("echo-shape", Map.of("app.name", "sup2",
                "pipeline.echo-shape.checkpoint-interval", "0"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServingMeters meters = new ServingMeters(registry, p.name(), "echo-gru");
        ModelSnapshot gru64 = TestModels.echo();
        ModelSnapshot gru32 = otherShape(gru64, 32);
        List<PipelineProcessor> first = Pipelines.start(bootstrap, config, 1, meters);
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap);
             OutputCollector c = new OutputCollector(bootstrap, p.outputTopic())) {
            producer.send(Pipelines.record(p.inputTopic(), "x", "abcdef"));
            producer.send(Pipelines.record(p.inputTopic(), "y", "klm"));
            producer.flush();
            c.atLeast(9, Duration.ofMinutes(1));
            first.get(0).offer(ServedModel.of(gru32));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (first.get(0).modelVersion() != gru32.metadata().version() && System.nanoTime() < deadline) Thread.sleep(20);
            producer.send(Pipelines.record(p.inputTopic(), "x", "gh"));
            producer.flush();
            List<ConsumerRecord<byte[], byte[]>> all = c.atLeast(11, Duration.ofMinutes(1));
            List<ConsumerRecord<byte[], byte[]>> after = all.subList(9, all.size());
            assertEquals(2, after.size());
            assertEquals(0, (int) OutputCollector.output(after.get(0)).pos(), "x restarted from zero under the new shape");
            assertEquals(1, (int) OutputCollector.output(after.get(1)).pos());
            assertEquals(gru32.metadata().version(), OutputCollector.output(after.get(1)).version());
        } finally {
            first.forEach(PipelineProcessor::close);
        }
        assertTrue(registry.get("seqstream.state.resets").counter().count() >= 2, "x and y were reset and counted");

        // A restart serving the new shape over the old changelog: y's old-shape state is dropped, x's new one kept.
        SimpleMeterRegistry registry2 = new SimpleMeterRegistry();
        List<PipelineProcessor> second = Pipelines.start(bootstrap, config, 1, new ServingMeters(registry2, p.name(), "echo-gru"), gru32);
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap);
             OutputCollector c = new OutputCollector(bootstrap, p.outputTopic())) {
            int before = c.drain(Duration.ofSeconds(1)).size();
            producer.send(Pipelines.record(p.inputTopic(), "y", "n"));
            producer.send(Pipelines.record(p.inputTopic(), "x", "i"));
            producer.flush();
            List<ConsumerRecord<byte[], byte[]>> all = c.atLeast(before + 2, Duration.ofMinutes(1));
            Map<String, List<String>> got = byStreamJson(all.subList(before, all.size()));
            assertEquals("0", got.get("y").get(0), "y's old-shape state was dropped: it starts from zero");
            assertEquals("2", got.get("x").get(0), "x's state of the new shape came back");
        } finally {
            second.forEach(PipelineProcessor::close);
        }
        assertTrue(registry2.get("seqstream.state.dropped").counter().count() >= 1, "the dropped state was counted");
    }

    /** The same task and vocabulary with another hidden size: a state of the old model means nothing to it. */
    static ModelSnapshot otherShape(ModelSnapshot m, int hidden) {
        ModelSpec s = m.metadata().spec();
        ModelSpec spec = new ModelSpec(s.cell(), s.layers(), hidden, s.vocab(), s.params(), s.input(), s.embed(), s.classes());
        ModelMetadata md = m.metadata();
        ModelMetadata meta = new ModelMetadata(md.name(), md.version() + 1, md.task(), spec, md.tokenizer(), md.classes(),
                0, 0, Map.of(), System.currentTimeMillis());
        return new ModelSnapshot(meta, Parameters.xavier(spec, 7));
    }

    private static Map<String, List<String>> byStream(List<ConsumerRecord<byte[], byte[]>> out) {
        Map<String, List<String>> m = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            m.computeIfAbsent(new String(r.key()), k -> new ArrayList<>()).add(EchoReference.blankTimestamp(r.value()));
        }
        return m;
    }

    private static Map<String, List<String>> byStreamJson(List<ConsumerRecord<byte[], byte[]>> out) {
        Map<String, List<String>> m = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            m.computeIfAbsent(new String(r.key()), k -> new ArrayList<>()).add(String.valueOf(OutputCollector.output(r).pos()));
        }
        return m;
    }
}
