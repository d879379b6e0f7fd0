package io.seqstream.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.PipelineProcessor;
import io.seqstream.testing.EchoReference;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of streams evicted at once (the state table then shrinks its arrays) come back from the changelog on
 * their next record with their exact state: every output equals the reference run's, bit for bit.
 */
@ExtendWith(SharedKafka.class)
class MassEvictionIT {
    private static final int STREAMS = 3000;

    @Test
    void shouldBringEveryStreamBackExactlyAfterAMassEvictionShrankTheTable() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = Pipelines.echoConfig("echo-mass-evict", Map.of("pipeline.echo-mass-evict.state-ttl", "500ms"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 1, Pipelines.meters(p.name()));
        Random rng = new Random(5);
        String[][] texts = new String[STREAMS][2];
        for (int s = 0; s < STREAMS; s++) {
            for (int half = 0; half < 2; half++) {
                StringBuilder sb = new StringBuilder();
                for (int t = 0; t < 4; t++) sb.append((char) ('a' + rng.nextInt(26)));
                texts[s][half] = sb.toString();
            }
        }
        Map<String, List<String>> actual = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap);
             OutputCollector c = new OutputCollector(bootstrap, p.outputTopic())) {
            for (int s = 0; s < STREAMS; s++) producer.send(Pipelines.record(p.inputTopic(), "m" + s, texts[s][0]));
            producer.flush();
            c.atLeast(STREAMS * 4, Duration.ofMinutes(2));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (processors.get(0).coldStreams() < STREAMS && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(STREAMS, processors.get(0).coldStreams(), "every idle stream left memory");
            assertEquals(0, processors.get(0).hotStreams());
            for (int s = 0; s < STREAMS; s++) producer.send(Pipelines.record(p.inputTopic(), "m" + s, texts[s][1]));
            producer.flush();
            c.atLeast(STREAMS * 8, Duration.ofMinutes(2));
            for (ConsumerRecord<byte[], byte[]> r : c.drain(Duration.ofSeconds(2))) {
                actual.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                        .add(EchoReference.blankTimestamp(r.value()));
            }
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        EchoReference reference = new EchoReference(ServedModel.of(TestModels.echo()), p.name());
        int wrong = 0;
        for (int s = 0; s < STREAMS; s++) {
            if (!reference.outputs("m" + s, List.of(texts[s][0], texts[s][1])).equals(actual.get("m" + s))) wrong++;
        }
        assertEquals(0, wrong, wrong + " of " + STREAMS + " streams differ from the reference after coming back");
    }
}
