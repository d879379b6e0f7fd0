package io.seqstream.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints against the real embedded broker: restore = checkpoint + changelog tail = the whole changelog. */
@ExtendWith(SharedKafka.class)
class CheckpointsIT {
    private static final ModelSpec SPEC = ModelSpec.oneHot(CellType.GRU, 2, 8, 8);
    private static final Duration OFTEN = Duration.ofMillis(1);

    @TempDir
    Path dir;

    private static void send(String topic, int partition, String id, float value) {
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(SharedKafka.bootstrap())) {
            producer.send(record(topic, partition, id, value));
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, int partition, String id, float value) {
        byte[] state = Float.isNaN(value) ? null : StateRecordCodec.encode(new StreamState((long) value, -1, 1, new float[]{value, -value}));
        return new ProducerRecord<>(topic, partition, id.getBytes(StandardCharsets.UTF_8), state);
    }

    /** Stream s{i} (i < n) in partition i % 2 with state i + base; NaN base tombstones them. */
    private static void sendStreams(String topic, int from, int to, float base) {
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(SharedKafka.bootstrap())) {
            for (int i = from; i < to; i++) producer.send(record(topic, i % 2, "s" + i, Float.isNaN(base) ? base : base + i));
        }
    }

    private static StateTable fullRestore(String topic) {
        StateTable t = new StateTable(2, 16);
        try (KafkaChangelogReader reader = new KafkaChangelogReader(SharedKafka.bootstrap(), topic, topic + "-full")) {
            reader.restore(Set.of(0, 1), t);
        }
        return t;
    }

    private static void assertSameStreams(StateTable expected, StateTable actual, int streams) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.coldSize(), actual.coldSize());
        for (int i = 0; i < streams; i++) {
            String id = "s" + i;
            int a = expected.slot(id);
            int b = actual.slot(id);
            assertEquals(a < 0, b < 0, id);
            if (a < 0) continue;
            assertEquals(expected.position(a), actual.position(b), id);
            assertArrayEquals(expected.snapshot(a).values(), actual.snapshot(b).values(), id);
        }
    }

    private Checkpoints checkpoints(KafkaChangelogReader reader, Duration interval) {
        return new Checkpoints(dir, interval, () -> SPEC, reader);
    }

    @Test
    void shouldRestoreFromTheCheckpointPlusTheChangelogAfterIt() throws Exception {
        String topic = "ckpt-tail.state";
        TopicAdmin.ensure(SharedKafka.bootstrap(), List.of(new TopicSpec(topic, 2, 1, Map.of("cleanup.policy", "compact"))));
        sendStreams(topic, 0, 100, 0);
        StateTable first = new StateTable(2, 16);
        try (KafkaChangelogReader reader = new KafkaChangelogReader(SharedKafka.bootstrap(), topic, "ckpt-tail-1")) {
            Checkpoints c = checkpoints(reader, OFTEN);
            ChangelogReader.Restored r = c.restore(Set.of(0, 1), first);
            assertEquals(0, r.checkpointed(), "no checkpoint yet");
            assertEquals(100, r.records());
            first.evictIdleBefore(Long.MAX_VALUE - 1);
            Thread.sleep(2);
            c.committed(first);
            c.awaitWrite(Duration.ofSeconds(30));
            assertTrue(Files.exists(c.file(0)) && Files.exists(c.file(1)));
        }
        // After the checkpoint: updates, new streams and ends.
        sendStreams(topic, 50, 120, 1000);
        sendStreams(topic, 0, 10, Float.NaN);
        StateTable second = new StateTable(2, 16);
        try (KafkaChangelogReader reader = new KafkaChangelogReader(SharedKafka.bootstrap(), topic, "ckpt-tail-2")) {
            ChangelogReader.Restored r = checkpoints(reader, OFTEN).restore(Set.of(0, 1), second);
            assertEquals(100, r.checkpointed(), "every stream (all evicted) came from the checkpoints");
            assertEquals(80, r.records(), "only the changelog after the checkpoints was read");
        }
        StateTable reference = fullRestore(topic);
        // The checkpointed streams were evicted: bring them back to compare their states.
        assertEquals(40, second.coldSize());
        try (KafkaChangelogReader reader = new KafkaChangelogReader(SharedKafka.bootstrap(), topic, "ckpt-tail-3")) {
            Map<String, Long> cold = new java.util.HashMap<>();
            for (int i = 10; i < 50; i++) cold.put("s" + i, second.coldLocation("s" + i));
            assertEquals(40, reader.fetch(cold, second));
        }
        assertSameStreams(reference, second, 120);
    }

    @Test
    void shouldIgnoreACheckpointAheadOfTheChangelog() throws Exception {
        String topic = "ckpt-ahead.state";
        TopicAdmin.ensure(SharedKafka.bootstrap(), List.of(new TopicSpec(topic, 2, 1, Map.of("cleanup.policy", "compact"))));
        sendStreams(topic, 0, 20, 0);
        try (KafkaChangelogReader reader = new KafkaChangelogReader(SharedKafka.bootstrap(), topic, "ckpt-ahead")) {
            Checkpoints c = checkpoints(reader, OFTEN);
            StateTable t = new StateTable(2, 16);
            t.restore("ghost", 0, new StreamState(5, -1, 1, new float[]{5, 5}), 999, 1);
            CheckpointFile.write(c.file(0), new CheckpointFile.Source(topic, reader.topicId(), 0), CheckpointFile.Shape.of(SPEC, 2),
                    t.copyPartitions(List.of(0)).get(0), System.currentTimeMillis());
            StateTable restored = new StateTable(2, 16);
            ChangelogReader.Restored r = c.restore(Set.of(0, 1), restored);
            assertEquals(0, r.checkpointed());
            assertEquals(20, r.records());
            assertEquals(-1, restored.slot("ghost"));
            assertSameStreams(fullRestore(topic), restored, 20);
        }
    }

    @Test
    void shouldIgnoreACheckpointBeforeTheLogStartOfADeletedRange() throws Exception {
        String topic = "ckpt-deleted.state";
        TopicAdmin.ensure(SharedKafka.bootstrap(), List.of(new TopicSpec(topic, 2, 1, Map.of("cleanup.policy", "delete"))));
        sendStreams(topic, 0, 20, 0);
        try (KafkaChangelogReader reader = new KafkaChangelogReader(SharedKafka.bootstrap(), topic, "ckpt-deleted")) {
            Checkpoints c = checkpoints(reader, OFTEN);
            StateTable t = new StateTable(2, 16);
            c.restore(Set.of(0, 1), t);
            t.restore("ghost", 0, new StreamState(5, -1, 1, new float[]{5, 5}), 1, 1);
            Thread.sleep(2);
            c.committed(t);
            c.awaitWrite(Duration.ofSeconds(30));
            // Partition 0 moves on past its checkpoint (offset 10) and loses its first 15 records to deletion.
            sendStreams(topic, 0, 20, 100);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrap()))) {
                admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(15))).all().get();
            }
            StateTable restored = new StateTable(2, 16);
            ChangelogReader.Restored r = c.restore(Set.of(0, 1), restored);
            assertEquals(10, r.checkpointed(), "partition 1's checkpoint is still good, partition 0's is not");
            assertEquals(-1, restored.slot("ghost"));
            assertEquals(10 + 5, restored.size(), "partition 0: only what is left after its log start");
        }
    }
}
