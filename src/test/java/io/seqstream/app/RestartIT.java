package io.seqstream.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.stream.OutputRecord;
import io.seqstream.stream.PipelineProcessor;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.testing.TestModels;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The product stopped mid-run and started again on the same data directory (its own embedded broker, which
 * restarts too) commits exactly the outputs of an uninterrupted run: same records, same values, none doubled.
 */
@ExtendWith(SharedKafka.class)
class RestartIT {
    private static final int STREAMS = 100;
    private static final int LENGTH = 30;
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void shouldResumeExactlyWhereItStoppedAfterARestart() throws Exception {
        String[] texts = texts();
        Map<String, String> reference = referenceRun(texts);

        Path dataDir = Files.createTempDirectory(Path.of("target"), "restart-");
        SeqstreamConfig config = SeqstreamConfig.of(Map.of(
                "app.data-dir", dataDir.toString(),
                "kafka.embedded-port", "0", "web.port", "0",
                "pipeline.echo.model", TestModels.echoFile().toString(),
                "pipeline.echo.max-poll-records", "10",
                "trainer.models", "none"));
        Map<String, ModelSnapshot> models = Map.of("echo", TestModels.echo());
        SeqstreamConfig.Pipeline p = config.pipeline("echo");

        int atStop;
        try (Product first = Product.start(config, models, QUIET)) {
            produce(first.bootstrap(), p.inputTopic(), texts);
            try (OutputCollector c = new OutputCollector(first.bootstrap(), p.outputTopic())) {
                atStop = c.atLeast(300, Duration.ofMinutes(2)).size();
            }
        }
        Map<String, String> resumed = new TreeMap<>();
        int total;
        try (Product second = Product.start(config, models, QUIET);
             OutputCollector c = new OutputCollector(second.bootstrap(), p.outputTopic())) {
            c.atLeast(STREAMS * LENGTH, Duration.ofMinutes(2));
            List<ConsumerRecord<byte[], byte[]>> all = c.drain(Duration.ofSeconds(2));
            total = all.size();
            for (ConsumerRecord<byte[], byte[]> r : all) {
                OutputRecord n = OutputCollector.output(r);
                resumed.put(n.stream() + "#" + (int) n.pos(), n.out() + " " + n.p());
            }
        }
        assertTrue(atStop < STREAMS * LENGTH, "the first run was stopped mid-run (" + atStop + " outputs committed before the stop)");
        assertEquals(STREAMS * LENGTH, total, "every output exactly once across the restart");
        assertEquals(reference, resumed, "outputs equal an uninterrupted run's, record for record");
    }

    private static String[] texts() {
        Random rng = new Random(11);
        String[] texts = new String[STREAMS];
        for (int s = 0; s < STREAMS; s++) {
            StringBuilder sb = new StringBuilder();
            for (int t = 0; t < LENGTH; t++) sb.append((char) ('a' + rng.nextInt(26)));
            texts[s] = sb.toString();
        }
        return texts;
    }

    /** One letter per record, streams interleaved round-robin. */
    private static void produce(String bootstrap, String topic, String[] texts) {
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            for (int t = 0; t < LENGTH; t++) {
                for (int s = 0; s < STREAMS; s++) {
                    producer.send(Pipelines.record(topic, "s" + s, String.valueOf(texts[s].charAt(t))));
                }
            }
            producer.flush();
        }
    }

    /** The same streams through an uninterrupted pipeline on the shared broker. */
    private static Map<String, String> referenceRun(String[] texts) throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = Pipelines.echoConfig("echo-reference", Map.of());
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 4);
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 1, Pipelines.meters(p.name()));
        Map<String, String> out = new TreeMap<>();
        try (OutputCollector c = new OutputCollector(bootstrap, p.outputTopic())) {
            produce(bootstrap, p.inputTopic(), texts);
            for (ConsumerRecord<byte[], byte[]> r : c.atLeast(STREAMS * LENGTH, Duration.ofMinutes(2))) {
                OutputRecord n = OutputCollector.output(r);
                out.put(n.stream() + "#" + (int) n.pos(), n.out() + " " + n.p());
            }
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        assertEquals(STREAMS * LENGTH, out.size());
        return out;
    }
}
