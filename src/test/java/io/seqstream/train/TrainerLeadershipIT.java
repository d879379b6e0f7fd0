package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.app.Product;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.Partitions;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.kafka.TopicSpecs;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.testing.ChildJvm;
import io.seqstream.testing.LiveProduct;
import io.seqstream.testing.SharedKafka;
import io.seqstream.testing.TestModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One training lineage per model across instances: trainers of the same model, each leading only while it holds
 * partition 0 of {@code <app>.trainer.<model>}, publish one sequence of versions with no number twice, and a
 * SIGKILLed leader's successor continues it.
 */
@ExtendWith(SharedKafka.class)
class TrainerLeadershipIT {

    @Test
    void shouldFenceAnEarlierTermAndHandOverWhenTheLeaderLeaves() throws Exception {
        String app = "lead" + System.nanoTime();
        String bootstrap = SharedKafka.bootstrap();
        TopicAdmin.ensure(bootstrap, TopicSpecs.load(Path.of("topics"), app));
        ModelSnapshot echo = TestModels.echo();
        String model = echo.metadata().name();
        TrainerLeadership a = new TrainerLeadership(bootstrap, config(app, "a"), model);
        TrainerLeadership b = null;
        try {
            awaitTrue(() -> a.term() != 0, Duration.ofSeconds(30), "a alone leads");
            b = new TrainerLeadership(bootstrap, config(app, "b"), model);
            TrainerLeadership bb = b;
            long ta = a.term();
            a.begin(ta);
            a.publish(ta, next(echo, 1, "a"));
            // b, not leading, begins a term anyway (a paused leader's successor would): a's publisher is fenced.
            ModelSnapshot newest = b.begin(1);
            assertNotNull(newest);
            assertEquals(1, newest.metadata().version(), "the new term starts from what a published");
            assertEquals("a", newest.metadata().trainedBy());
            assertThrows(Lineage.Lost.class, () -> a.publish(ta, next(echo, 2, "a")), "an earlier term publishes nothing");
            assertThrows(Lineage.Lost.class, () -> bb.publish(1, next(echo, 2, "b")), "b does not lead: no publishing");
            Thread.sleep(2000);
            assertEquals(0, b.term(), "a joining instance does not take leadership from the leader");
            a.close();
            awaitTrue(() -> bb.term() != 0, Duration.ofSeconds(30), "b leads once a left");
            long tb = b.term();
            assertEquals(1, b.begin(tb).metadata().version());
            b.publish(tb, next(echo, 2, "b"));
            assertEquals(List.of(1L, 2L), committedVersions(bootstrap, app + ".models").stream().map(v -> v.version).toList());
        } finally {
            a.close();
            if (b != null) b.close();
        }
    }

    @Test
    void shouldPublishOneLineageFromThreeInstancesAndContinueItAfterTheLeaderIsKilled() throws Exception {
        String app = "lineage" + System.nanoTime();
        String bootstrap = SharedKafka.bootstrap();
        TopicAdmin.ensure(bootstrap, TopicSpecs.load(Path.of("topics"), app));
        Path model = TestModels.echoFile();
        Path logs = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "lineage-").resolve("logs");
        String topic = app + ".models";
        List<ChildJvm> instances = new ArrayList<>();
        try {
            for (String id : List.of("t-a", "t-b", "t-c")) {
                instances.add(ChildJvm.main(id, TrainerInstance.class, logs, bootstrap, app, id, model.toString()).start());
            }
            long t0 = System.nanoTime();
            for (ChildJvm i : instances) i.awaitReady(Duration.ofMinutes(2));
            System.out.printf("lineage: three trainer JVMs ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            List<Published> before = awaitVersions(bootstrap, topic, v -> v.size() >= 3, Duration.ofSeconds(90), "three versions");
            String leader = before.get(0).by;
            ChildJvm killed = instances.stream().filter(i -> i.log().getFileName().toString().equals(leader + ".log")).findFirst().orElseThrow();
            killed.kill9();
            long killedAt = System.nanoTime();
            assertEquals(137, killed.exitCode(), "the leader was killed with SIGKILL");
            List<Published> all = awaitVersions(bootstrap, topic, v -> v.stream().filter(p -> !p.by.equals(leader)).count() >= 2,
                    Duration.ofSeconds(60), "two versions from a new leader within 60 s of the kill");
            double takeover = (System.nanoTime() - killedAt) / 1e9;
            Published first = all.stream().filter(p -> !p.by.equals(leader)).findFirst().orElseThrow();
            long lastOfKilled = all.stream().filter(p -> p.by.equals(leader)).mapToLong(p -> p.version).max().orElseThrow();
            System.out.printf("lineage: %d versions, %s led to v%d, %s continued from v%d (%.1f s after the kill, session 6 s)%n",
                    all.size(), leader, lastOfKilled, first.by, first.version, takeover);
            for (int i = 1; i < all.size(); i++) {
                assertEquals(all.get(i - 1).version + 1, all.get(i).version, "versions grow by one, none twice: " + all);
            }
            Set<String> runs = new LinkedHashSet<>();
            for (int i = 0; i < all.size(); i++) {
                if (i == 0 || !all.get(i).by.equals(all.get(i - 1).by)) {
                    assertTrue(runs.add(all.get(i).by), "one publisher at a time, no interleaving: " + all);
                }
            }
            assertEquals(List.of(leader, first.by), List.copyOf(runs), "the killed leader, then one successor: " + all);
            assertEquals(lastOfKilled + 1, first.version, "the successor continues above the last version");
            for (ChildJvm i : instances) if (i != killed) assertTrue(i.alive(), i.log() + " still running");
        } finally {
            for (ChildJvm i : instances) i.close();
        }
    }

    @Test
    void shouldLetOneOfTwoProductsTrainAndTheOtherTakeOverWhenItCloses() throws Exception {
        String app = "prod" + System.nanoTime();
        String bootstrap = SharedKafka.bootstrap();
        String model = TestModels.echo().metadata().name();
        // Topics of its own: the processors of both products read an input nobody else writes.
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec("tokens." + app, 4, 1, Map.of()), new TopicSpec("outputs." + app, 4, 1, Map.of())));
        Map<String, String> common = Map.of("app.name", app, "pipeline.echo.input-topic", "tokens." + app,
                "pipeline.echo.output-topic", "outputs." + app, "trainer.models", "echo", "trainer.echo.publish-every", "20",
                "trainer.echo.margin", "1", "trainer.echo.min-publish-interval", "1s", "kafka.session-timeout", "6s");
        Product p1 = LiveProduct.start(LiveProduct.config(with(common, "app.instance-id", "p1")));
        Product p2 = LiveProduct.start(LiveProduct.config(with(common, "app.instance-id", "p2")));
        List<Product> open = new ArrayList<>(List.of(p1, p2));
        try {
            awaitTrue(() -> p1.trainers().get(0).leads() != p2.trainers().get(0).leads() && trainedBy(p1, model) != null,
                    Duration.ofSeconds(90), "one of two products trains and publishes");
            Product leader = p1.trainers().get(0).leads() ? p1 : p2;
            Product other = leader == p1 ? p2 : p1;
            assertEquals(leader.config().app().instanceId(), trainedBy(other, model), "the leader's versions reach both");
            assertEquals(1.0, leader.registry().get("seqstream.train.leader").gauge().value());
            assertEquals(0.0, other.registry().get("seqstream.train.leader").gauge().value());
            long before = other.models().newest(model).metadata().version();
            open.remove(leader);
            leader.close();
            awaitTrue(() -> other.trainers().get(0).leads() && other.config().app().instanceId().equals(trainedBy(other, model)),
                    Duration.ofSeconds(60), "the other product takes over and publishes once the leader closed");
            assertTrue(other.models().newest(model).metadata().version() > before, "its versions continue above the leader's");
        } finally {
            for (Product p : open) p.close();
        }
    }

    private static String trainedBy(Product p, String model) {
        ModelSnapshot s = p.models().newest(model);
        return s == null || s.metadata().trainedBy().isEmpty() ? null : s.metadata().trainedBy();
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new java.util.HashMap<>(m);
        out.put(k, v);
        return out;
    }

    private static SeqstreamConfig config(String app, String id) {
        return SeqstreamConfig.of(Map.of("app.name", app, "app.instance-id", id, "kafka.session-timeout", "6s"));
    }

    private static ModelSnapshot next(ModelSnapshot s, long version, String by) {
        return new ModelSnapshot(s.metadata().withVersion(version, 0, 0, Map.of(), by), s.parameters());
    }

    /** A version on the models topic as a read_committed reader sees it, in log order. */
    record Published(long version, String by) {
        @Override
        public String toString() { return "v" + version + "@" + by; }
    }

    private static List<Published> awaitVersions(String bootstrap, String topic, Predicate<List<Published>> done, Duration timeout,
                                                 String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Published> v = committedVersions(bootstrap, topic);
        while (!done.test(v)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no " + what + " within " + timeout + "; seen " + v);
            Thread.sleep(500);
            v = committedVersions(bootstrap, topic);
        }
        return v;
    }

    /** The whole models topic, read_committed: what any registry could ever apply. */
    private static List<Published> committedVersions(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(16 * 1024 * 1024));
        List<Published> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var tps = Partitions.of(c, topic, Duration.ofSeconds(30));
            c.assign(tps);
            c.seekToBeginning(tps);
            var end = c.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    ModelSnapshot s = ModelSnapshot.fromBytes(r.value());
                    out.add(new Published(s.metadata().version(), s.metadata().trainedBy()));
                }
            }
        }
        return out;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError(what + ": not within " + timeout);
            Thread.sleep(100);
        }
    }
}
