package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.serve.ServedModel;
import io.seqstream.testing.EchoReference;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.testing.TestModels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Partitions handed over while their owner commits continuously: members join and one leaves under a steady feed
 * (cooperative rebalancing moves only some partitions each time). Every new owner restores after the previous
 * owner's last transaction is settled, so no position repeats and every stream's outputs equal the reference.
 */
@ExtendWith(SharedKafka.class)
class HandoverIT {
    private static final int STREAMS = 200;

    @Test
    void shouldHandPartitionsOverUnderLoadWithoutRepeatingOrLosingAPosition() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        String pipeline = "echo-handover";
        SeqstreamConfig base = config(pipeline, "a");
        SeqstreamConfig.Pipeline p = base.pipelines().get(0);
        Pipelines.createTopics(bootstrap, base, 4);
        Map<String, List<String>> sent = new ConcurrentHashMap<>();
        AtomicBoolean feeding = new AtomicBoolean(true);
        List<PipelineProcessor> running = new ArrayList<>();
        Thread feeder;
        List<ConsumerRecord<byte[], byte[]>> out;
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap);
             OutputCollector c = new OutputCollector(bootstrap, p.outputTopic())) {
            feeder = new Thread(() -> feed(producer, p.inputTopic(), sent, feeding), "handover-feed");
            running.addAll(Pipelines.start(bootstrap, base, 1, Pipelines.meters(pipeline)));
            feeder.start();
            Thread.sleep(4000);
            PipelineProcessor a = running.get(0);
            running.addAll(Pipelines.start(bootstrap, config(pipeline, "b"), 1, Pipelines.meters(pipeline)));
            Thread.sleep(4000);
            running.addAll(Pipelines.start(bootstrap, config(pipeline, "c"), 1, Pipelines.meters(pipeline)));
            Thread.sleep(4000);
            a.close();
            running.remove(a);
            Thread.sleep(4000);
            feeding.set(false);
            feeder.join();
            int total = sent.values().stream().mapToInt(l -> l.stream().mapToInt(String::length).sum()).sum();
            c.atLeast(total, Duration.ofMinutes(2));
            out = c.drain(Duration.ofSeconds(2));
            assertEquals(total, out.size(), "one output per token, none repeated");
        } finally {
            running.forEach(PipelineProcessor::close);
        }
        EchoReference ref = new EchoReference(ServedModel.of(TestModels.echo()), pipeline);
        Map<String, List<String>> got = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            got.computeIfAbsent(new String(r.key()), k -> new ArrayList<>()).add(EchoReference.blankTimestamp(r.value()));
        }
        for (Map.Entry<String, List<String>> e : sent.entrySet()) {
            assertEquals(ref.outputs(e.getKey(), e.getValue()), got.get(e.getKey()), "stream " + e.getKey());
        }
    }

    private static SeqstreamConfig config(String pipeline, String instance) throws Exception {
        return Pipelines.echoConfig(pipeline, Map.of("app.name", "handover", "app.instance-id", instance,
                "kafka.session-timeout", "6s"));
    }

    /** About 800 one- or two-letter records a second over the streams, until told to stop. */
    private static void feed(KafkaProducer<byte[], byte[]> producer, String topic, Map<String, List<String>> sent,
                             AtomicBoolean feeding) {
        Random rnd = new Random(3);
        while (feeding.get()) {
            for (int i = 0; i < 40; i++) {
                String stream = "h" + rnd.nextInt(STREAMS);
                String text = rnd.nextBoolean() ? letter(rnd) : letter(rnd) + letter(rnd);
                // Sent and recorded in one order per stream: the key's partition keeps it.
                synchronized (sent) {
                    sent.computeIfAbsent(stream, k -> new ArrayList<>()).add(text);
                    producer.send(Pipelines.record(topic, stream, text));
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
        producer.flush();
    }

    private static String letter(Random rnd) {
        return String.valueOf((char) ('a' + rnd.nextInt(26)));
    }
}
