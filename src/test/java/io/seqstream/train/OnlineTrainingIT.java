package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.metrics.TrainingMeters;
import io.seqstream.model.CellType;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import io.seqstream.serve.ModelPublisher;
import io.seqstream.serve.ModelRegistry;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.OutputRecord;
import io.seqstream.stream.OutputSink;
import io.seqstream.stream.PipelineProcessor;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.train.task.Task;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A processor serving an untrained echo model while the trainer learns beside it from scratch: the outputs'
 * accuracy (computed here from the records) rises as versions arrive through the models topic.
 */
@ExtendWith(SharedKafka.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnlineTrainingIT {
    private static final int STREAMS = 50;
    private static SeqstreamConfig config;
    private static SeqstreamConfig.Pipeline pipeline;
    private static Vertx vertx;
    private static ModelRegistry registry;
    private static ModelPublisher publisher;
    private static TrainerVerticle trainer;
    private static PipelineProcessor processor;
    private static final Map<String, StringBuilder> sent = new HashMap<>();
    private static List<ConsumerRecord<byte[], byte[]>> outputs;
    private static double finalAccuracy;

    @BeforeAll
    static void startServingAnUntrainedModelAndTheTrainer() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        config = SeqstreamConfig.of(Map.of("app.name", "online", "pipelines", "echo", "app.instance-id", "online-1",
                "pipeline.echo.input-topic", "tokens.online", "pipeline.echo.output-topic", "outputs.online",
                "trainer.echo.from-scratch", "true", "trainer.echo.publish-every", "100", "trainer.echo.learning-rate", "0.003",
                "trainer.echo.min-publish-interval", "0s"));
        pipeline = config.pipeline("echo");
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(pipeline.inputTopic(), 4, 1, Map.of()),
                new TopicSpec(pipeline.outputTopic(), 4, 1, Map.of()),
                new TopicSpec(pipeline.stateTopic(), 4, 1, Map.of("cleanup.policy", "compact")),
                new TopicSpec(config.app().dlqTopic(), 1, 1, Map.of()),
                new TopicSpec(config.app().modelsTopic(), 1, 1, Map.of("cleanup.policy", "compact", "max.message.bytes", "16777216"))));
        Task task = TaskCatalog.task("echo", 4, 0);
        ModelSpec spec = TaskCatalog.spec(task, CellType.GRU, 64, 1);
        ModelSnapshot untrained = new ModelSnapshot(TaskCatalog.metadata("echo-online", task, spec), Parameters.xavier(spec, 99));
        registry = new ModelRegistry(bootstrap, config.app().modelsTopic()).start();
        publisher = new ModelPublisher(bootstrap, config.app().modelsTopic());
        ServingMeters meters = new ServingMeters(new SimpleMeterRegistry(), pipeline.name(), "echo-online");
        processor = new PipelineProcessor(config, pipeline, bootstrap, 0, ServedModel.of(untrained), meters, OutputSink.NONE);
        processor.start().get(60, TimeUnit.SECONDS);
        registry.onNewVersion(s -> processor.offer(ServedModel.of(s)));
        vertx = Vertx.vertx();
        trainer = new TrainerVerticle(config.trainers().get(0), untrained, publisher,
                new TrainingMeters(new SimpleMeterRegistry(), "echo-online"));
    }

    /** The trainer starts once the processor has served the untrained version, so that accuracy starts at chance. */
    private static void startTrainer() throws Exception {
        vertx.deployVerticle(trainer).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        if (processor != null) processor.close();
        if (registry != null) registry.close();
        if (publisher != null) publisher.close();
    }

    @Test
    @Order(1)
    void shouldRaiseServedAccuracyFromChanceWhileVersionsSwapInWithNothingLostOrDoubled() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        Random rng = new Random(3);
        long produced = 0;
        double accuracy = 0;
        long firstVersion = -1;
        long lastVersion = -1;
        boolean poisoned = false;
        int round = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap);
             OutputCollector c = new OutputCollector(bootstrap, pipeline.outputTopic())) {
            while (System.nanoTime() < deadline) {
                // 50 streams kept busy: a letter each, every 20 ms.
                for (int s = 0; s < STREAMS; s++) {
                    char letter = (char) ('a' + rng.nextInt(26));
                    sent.computeIfAbsent("s" + s, k -> new StringBuilder()).append(letter);
                    producer.send(Pipelines.record(pipeline.inputTopic(), "s" + s, String.valueOf(letter)));
                    produced++;
                }
                Thread.sleep(20);
                List<ConsumerRecord<byte[], byte[]>> got = c.pollOnce(Duration.ofMillis(10));
                if (got.isEmpty()) continue;
                if (firstVersion < 0) {
                    firstVersion = OutputCollector.output(got.get(0)).version();
                    startTrainer();
                }
                lastVersion = OutputCollector.output(got.get(got.size() - 1)).version();
                if (!poisoned && trainer.publishedVersion() >= 1) {
                    trainer.injectNonFiniteStep();
                    poisoned = true;
                }
                if (++round % 25 != 0) continue;
                accuracy = recentAccuracy(got, 2000);
                if (accuracy > 0.95 && lastVersion >= 5) break;
            }
            producer.flush();
            outputs = c.atLeast((int) produced, Duration.ofMinutes(2));
            outputs = c.drain(Duration.ofSeconds(2));
        }
        finalAccuracy = accuracy;
        assertEquals(0, firstVersion, "serving began with the untrained version");
        assertTrue(accuracy > 0.95, "served echo accuracy over the last 2000 outputs: " + accuracy);
        assertTrue(lastVersion >= 5, "versions arrived while serving, last " + lastVersion);
        assertEquals(produced, outputs.size(), "one output per token across every swap");
        Map<String, Integer> next = new HashMap<>();
        Map<String, Long> versionOfStream = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : outputs) {
            OutputRecord n = OutputCollector.output(r);
            String stream = n.stream();
            int pos = (int) n.pos();
            assertEquals((int) next.getOrDefault(stream, 0), pos, "stream " + stream + " has no gap and no repeat");
            next.put(stream, pos + 1);
            assertEquals(String.valueOf(sent.get(stream).charAt(pos)), n.in());
            long v = n.version();
            assertTrue(v >= versionOfStream.getOrDefault(stream, 0L), "a stream never goes back to an older version");
            versionOfStream.put(stream, v);
        }
    }

    @Test
    @Order(2)
    void shouldSkipAndCountANonFiniteStepAndNeverPublishIt() throws Exception {
        assertTrue(trainer.meters().nonFiniteCount() >= 1, "the injected NaN step was counted");
        try (OutputCollector models = new OutputCollector(SharedKafka.bootstrap(), config.app().modelsTopic())) {
            List<ConsumerRecord<byte[], byte[]>> all = models.drain(Duration.ofSeconds(2));
            assertTrue(all.size() >= 5);
            for (ConsumerRecord<byte[], byte[]> r : all) {
                assertTrue(ModelSnapshot.fromBytes(r.value()).parameters().isFinite(), "published versions are finite");
            }
        }
    }

    @Test
    @Order(3)
    void shouldStartALaterProcessorWithTheNewestVersion() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        try (ModelRegistry late = new ModelRegistry(bootstrap, config.app().modelsTopic()).start()) {
            ModelSnapshot newest = late.newest("echo-online");
            assertTrue(newest.metadata().version() >= 5, "five versions were published first");
            SeqstreamConfig second = SeqstreamConfig.of(Map.of("app.name", "online", "pipelines", "echo", "app.instance-id", "online-2",
                    "pipeline.echo.input-topic", "tokens.online", "pipeline.echo.output-topic", "outputs.online", "trainer.models", "none"));
            PipelineProcessor p2 = new PipelineProcessor(second, second.pipeline("echo"), bootstrap, 0, ServedModel.of(newest),
                    new ServingMeters(new SimpleMeterRegistry(), "echo", "echo-online"), OutputSink.NONE);
            try {
                p2.start().get(60, TimeUnit.SECONDS);
                assertEquals(newest.metadata().version(), p2.modelVersion());
                assertTrue(p2.modelVersion() >= trainer.publishedVersion() - 1, "no older than what the trainer had published");
            } finally {
                p2.close();
            }
        }
    }

    /** Echo accuracy of the most recent outputs at positions >= 4, judged against what this test sent. */
    private static double recentAccuracy(List<ConsumerRecord<byte[], byte[]>> got, int window) {
        int scored = 0;
        int correct = 0;
        for (int i = got.size() - 1; i >= 0 && scored < window; i--) {
            OutputRecord n = OutputCollector.output(got.get(i));
            int pos = (int) n.pos();
            if (pos < 4) continue;
            scored++;
            String expected = String.valueOf(sent.get(n.stream()).charAt(pos - 4));
            if (expected.equals(n.out())) correct++;
        }
        return scored < window ? 0 : (double) correct / scored;
    }
}
