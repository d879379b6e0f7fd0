package io.seqstream.state;

import io.seqstream.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * Restores from a compacted changelog topic with its own group-less consumer, read_committed, so that
 * only states of committed transactions come back.
 */
public final class KafkaChangelogReader implements ChangelogReader {
    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String bootstrap;
    private final String clientId;
    private String topicId;

    public KafkaChangelogReader(String bootstrap, String topic, String clientId) {
        this.topic = topic;
        this.bootstrap = bootstrap;
        this.clientId = clientId;
        this.consumer = KafkaClients.of(bootstrap).consumer().clientId(clientId).fromEarliest().maxPollRecords(10000)
                .fetchBytes(16 << 20, 64 << 20).build();
    }

    @Override
    public Restored restore(Map<Integer, Long> from, StateTable table) {
        long t0 = System.nanoTime();
        if (from.isEmpty()) return new Restored(0, 0, table.size(), 0);
        List<TopicPartition> tps = new ArrayList<>();
        for (int p : from.keySet()) tps.add(new TopicPartition(topic, p));
        consumer.assign(tps);
        for (TopicPartition tp : tps) {
            long offset = from.get(tp.partition());
            // An offset inside a compacted range is fine: the fetch continues at the next record that is left.
            if (offset > 0) consumer.seek(tp, offset);
            else consumer.seekToBeginning(List.of(tp));
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        Set<TopicPartition> pending = new HashSet<>();
        for (TopicPartition tp : tps) {
            if (consumer.position(tp) < end.get(tp)) pending.add(tp);
        }
        long records = 0;
        long now = System.currentTimeMillis();
        while (!pending.isEmpty()) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                records++;
                String id = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    table.forget(id);
                } else {
                    table.restoreRecord(id, r.partition(), r.value(), r.offset(), now);
                }
            }
            pending.removeIf(tp -> consumer.position(tp) >= end.get(tp));
        }
        consumer.assign(List.of());
        return new Restored(tps.size(), records, table.size(), System.nanoTime() - t0);
    }

    @Override
    public Map<Integer, Bounds> bounds(Collection<Integer> partitions) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p : partitions) tps.add(new TopicPartition(topic, p));
        Map<TopicPartition, Long> start = consumer.beginningOffsets(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        Map<Integer, Bounds> out = new java.util.HashMap<>();
        for (TopicPartition tp : tps) out.put(tp.partition(), new Bounds(start.get(tp), end.get(tp)));
        return out;
    }

    @Override
    public String topic() { return topic; }

    @Override
    public synchronized String topicId() {
        if (topicId == null) {
            try (Admin admin = KafkaClients.of(bootstrap).admin(clientId + "-admin")) {
                Uuid id = admin.describeTopics(List.of(topic)).topicNameValues().get(topic).get(30, TimeUnit.SECONDS).topicId();
                topicId = id == null || Uuid.ZERO_UUID.equals(id) ? "" : id.toString();
            } catch (Exception e) {
                // Without an id a checkpoint still has to fit the partition's offsets; it is only less certain.
                topicId = "";
            }
        }
        return topicId;
    }

    @Override
    public int fetch(Map<String, Long> locations, StateTable table) {
        if (locations.isEmpty()) return 0;
        // offset -> stream per partition; read each partition forward from its lowest wanted offset,
        // seeking ahead over gaps, until every wanted offset has been seen.
        Map<Integer, java.util.TreeMap<Long, String>> wanted = new java.util.HashMap<>();
        locations.forEach((id, packed) -> wanted.computeIfAbsent(StateTable.packedPartition(packed), k -> new java.util.TreeMap<>())
                .put(StateTable.packedOffset(packed), id));
        List<TopicPartition> tps = new ArrayList<>();
        for (int p : wanted.keySet()) tps.add(new TopicPartition(topic, p));
        consumer.assign(tps);
        for (TopicPartition tp : tps) consumer.seek(tp, wanted.get(tp.partition()).firstKey());
        int found = 0;
        long now = System.currentTimeMillis();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!wanted.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("changelog " + topic + ": records not found at " + wanted);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                java.util.TreeMap<Long, String> w = wanted.get(r.partition());
                if (w == null) continue;
                String id = w.remove(r.offset());
                if (id != null && r.value() != null) {
                    if (table.restoreRecord(id, r.partition(), r.value(), r.offset(), now)) found++;
                }
                if (w.isEmpty()) {
                    wanted.remove(r.partition());
                    consumer.pause(List.of(new TopicPartition(topic, r.partition())));
                } else if (w.firstKey() > r.offset() + 1000) {
                    consumer.seek(new TopicPartition(topic, r.partition()), w.firstKey());
                }
            }
            // A wanted offset that was compacted away or skipped: the stream's newer state must be later.
            for (var e : wanted.entrySet()) {
                TopicPartition tp = new TopicPartition(topic, e.getKey());
                long pos = consumer.position(tp);
                e.getValue().headMap(pos).clear();
            }
            wanted.values().removeIf(java.util.TreeMap::isEmpty);
        }
        consumer.assign(List.of());
        return found;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
