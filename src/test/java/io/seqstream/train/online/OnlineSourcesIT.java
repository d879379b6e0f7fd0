package io.seqstream.train.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.metrics.TrainingMeters;
import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelTask;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import io.seqstream.model.TokenizerSpec;
import io.seqstream.serve.ModelPublisher;
import io.seqstream.serve.ModelRegistry;
import io.seqstream.stream.DeadLetters;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.train.TrainerVerticle;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The online trainer's two Kafka sources against the real broker: a labelled topic ({@code train.<model>}) and a
 * next-token model's own live input. Each starts from random weights and must publish a version whose held-out
 * accuracy (on examples or streams it never trained on) is far above chance.
 */
@ExtendWith(SharedKafka.class)
class OnlineSourcesIT {
    private static final Duration BUDGET = Duration.ofMinutes(4);
    private Vertx vertx;
    private ModelRegistry registry;
    private ModelPublisher publisher;

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        if (registry != null) registry.close();
        if (publisher != null) publisher.close();
    }

    /** Label = the first letter of a string of a and b: the label must be carried to the last step. */
    @Test
    void shouldLearnFromALabelledTopicAndDeadLetterWhatIsNoExample() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("app.name", "labelled", "pipelines", "firstletter",
                "trainer.models", "firstletter", "trainer.firstletter.source", "topic",
                "trainer.firstletter.learning-rate", "0.01", "trainer.firstletter.batch", "32",
                "trainer.firstletter.publish-every", "50", "trainer.firstletter.held-out-every", "5",
                "trainer.firstletter.min-publish-interval", "1s"));
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 16, 2, 2);
        ModelMetadata meta = new ModelMetadata("firstletter-lstm", 0, ModelTask.CLASSIFY, spec,
                new TokenizerSpec("chars", List.of("a", "b"), null, false, " "), List.of("a", "b"), 0, 0, Map.of(), 0);
        String topic = "train.firstletter-lstm";
        String dlq = config.app().dlqTopic();
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(topic, 1, 1, Map.of()), new TopicSpec(dlq, 1, 1, Map.of()),
                new TopicSpec(config.app().modelsTopic(), 1, 1, Map.of("cleanup.policy", "compact"))));
        Random rng = new Random(5);
        List<String> bad = List.of("not json", "{\"label\":\"a\"}", "{\"text\":\"abba\"}", "{\"text\":\"abba\",\"label\":\"c\"}",
                "{\"text\":\"abxa\",\"label\":\"a\"}", "{\"text\":\"ab\",\"label\":7}", "[]", "{\"text\":\"\",\"label\":0}");
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            for (int i = 0; i < 3000; i++) {
                StringBuilder sb = new StringBuilder();
                int n = 4 + rng.nextInt(9);
                for (int k = 0; k < n; k++) sb.append(rng.nextBoolean() ? 'a' : 'b');
                String label = sb.charAt(0) == 'a' ? "\"a\"" : "1";
                producer.send(Pipelines.record(topic, null, "{\"text\":\"" + sb + "\",\"label\":" + label + "}"));
                if (i % 300 == 0) producer.send(Pipelines.record(topic, "bad", bad.get((i / 300) % bad.size())));
            }
            producer.send(new ProducerRecord<>(topic, null, null, new byte[] {(byte) 0xc3, 0x28}));
            producer.flush();
        }
        int badSent = 11;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TrainerVerticle trainer = start(bootstrap, config, new ModelSnapshot(meta, Parameters.xavier(spec, 3)), meters);

        ModelSnapshot best = awaitVersion("firstletter-lstm", 0.97, trainer);
        assertTrue(best.metadata().metrics().get("heldOutLoss") < 0.2, "held-out loss " + best.metadata().metrics());
        assertTrue(best.metadata().metrics().get("heldOutExamples") >= 100, "held-out size " + best.metadata().metrics());

        try (OutputCollector c = new OutputCollector(bootstrap, dlq)) {
            List<ConsumerRecord<byte[], byte[]>> fromTopic = new ArrayList<>();
            c.until(got -> {
                fromTopic.clear();
                for (ConsumerRecord<byte[], byte[]> r : got) {
                    if (topic.equals(OutputCollector.header(r, DeadLetters.TOPIC))) fromTopic.add(r);
                }
                return fromTopic.size() >= badSent;
            }, Duration.ofSeconds(30));
            assertEquals(badSent, fromTopic.size());
            Map<String, Integer> reasons = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : fromTopic) reasons.merge(OutputCollector.header(r, DeadLetters.REASON), 1, Integer::sum);
            assertEquals(Map.of("undecodable", 7, "bad-label", 3, "unknown-token", 1), reasons);
        }
        double counted = meters.find("seqstream.dlq").tag("pipeline", "firstletter").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        assertEquals(badSent, counted);
    }

    /** Each stream steps through the alphabet by its own stride (1, 2 or 3): two letters give away the rest. */
    @Test
    void shouldLearnTheNextTokenFromTheLiveStreamWithoutTrainingOnHeldOutStreams() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("app.name", "livenext", "pipelines", "stride",
                "trainer.models", "stride", "trainer.stride.source", "stream", "trainer.stride.window", "12",
                "trainer.stride.learning-rate", "0.01", "trainer.stride.publish-every", "50",
                "trainer.stride.held-out-every", "4", "trainer.stride.min-publish-interval", "1s"));
        SeqstreamConfig.Pipeline p = config.pipeline("stride");
        List<String> letters = new ArrayList<>();
        for (char ch = 'a'; ch <= 'z'; ch++) letters.add(String.valueOf(ch));
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 32, 26, 26);
        ModelMetadata meta = new ModelMetadata("stride-lstm", 0, ModelTask.NEXT, spec,
                new TokenizerSpec("chars", letters, null, false, " "), letters, 0, 0, Map.of(), 0);
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(p.inputTopic(), 4, 1, Map.of()),
                new TopicSpec(config.app().modelsTopic(), 1, 1, Map.of("cleanup.policy", "compact"))));
        int streams = 40;
        int heldOut = 0;
        for (int s = 0; s < streams; s++) if (LiveStreamFeed.isHeldOut("s" + s, 4)) heldOut++;
        assertTrue(heldOut > 0 && heldOut < streams, "held-out streams " + heldOut);

        TrainerVerticle trainer = start(bootstrap, config, new ModelSnapshot(meta, Parameters.xavier(spec, 4)), new SimpleMeterRegistry());
        int[] at = new int[streams];
        Random rng = new Random(6);
        for (int s = 0; s < streams; s++) at[s] = rng.nextInt(26);
        long deadline = System.nanoTime() + BUDGET.toNanos();
        ModelSnapshot newest = null;
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            while (System.nanoTime() < deadline) {
                for (int s = 0; s < streams; s++) {
                    StringBuilder sb = new StringBuilder();
                    for (int k = 0; k < 6; k++) {
                        sb.append((char) ('a' + at[s]));
                        at[s] = (at[s] + 1 + s % 3) % 26;
                    }
                    producer.send(Pipelines.record(p.inputTopic(), "s" + s, sb.toString()));
                }
                producer.flush();
                Thread.sleep(20);
                newest = registry.newest("stride-lstm");
                if (newest != null && newest.metadata().metrics().get("heldOutAccuracy") > 0.9) break;
            }
        }
        assertNotNull(newest, "no version published within " + BUDGET);
        // Chance is 1/26; the first letter of a window is a guess, the rest follow from the stride.
        assertTrue(newest.metadata().metrics().get("heldOutAccuracy") > 0.9, "held-out " + newest.metadata().metrics()
                + " after " + trainer.meters().publishedCount() + " versions");
    }

    private TrainerVerticle start(String bootstrap, SeqstreamConfig config, ModelSnapshot start, SimpleMeterRegistry meters)
            throws Exception {
        registry = new ModelRegistry(bootstrap, config.app().modelsTopic()).start();
        publisher = new ModelPublisher(bootstrap, config.app().modelsTopic());
        vertx = Vertx.vertx();
        TrainerVerticle trainer = new TrainerVerticle(config, bootstrap, config.trainers().get(0), start, publisher,
                new TrainingMeters(meters, start.metadata().name()));
        vertx.deployVerticle(trainer).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        return trainer;
    }

    private ModelSnapshot awaitVersion(String model, double accuracy, TrainerVerticle trainer) throws InterruptedException {
        long deadline = System.nanoTime() + BUDGET.toNanos();
        ModelSnapshot s = null;
        while (System.nanoTime() < deadline) {
            s = registry.newest(model);
            if (s != null && s.metadata().metrics().get("heldOutAccuracy") >= accuracy) return s;
            Thread.sleep(200);
        }
        throw new AssertionError("no version of " + model + " reached held-out " + accuracy + " within " + BUDGET + "; newest "
                + (s == null ? "none" : s.metadata().metrics()) + ", published " + trainer.meters().publishedCount());
    }

    static String utf8(byte[] b) { return b == null ? null : new String(b, StandardCharsets.UTF_8); }
}
