package io.seqstream.testing;

import io.seqstream.stream.OutputRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic from the beginning with read_committed, as any downstream consumer would. */
public final class OutputCollector implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

    public OutputCollector(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = io.seqstream.kafka.Partitions.of(consumer, topic, Duration.ofSeconds(30));
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
    }

    /** Polls until the predicate holds for everything collected so far, or the timeout passes. */
    public List<ConsumerRecord<byte[], byte[]>> until(Predicate<List<ConsumerRecord<byte[], byte[]>>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) records.add(r);
        }
        return records;
    }

    /** Polls once and returns everything collected so far. */
    public List<ConsumerRecord<byte[], byte[]>> pollOnce(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) records.add(r);
        return records;
    }

    /** Collects at least n records (or whatever arrived by the timeout). */
    public List<ConsumerRecord<byte[], byte[]>> atLeast(int n, Duration timeout) {
        return until(r -> r.size() >= n, timeout);
    }

    /** Keeps polling for a quiet period to catch anything beyond what was expected (duplicates). */
    public List<ConsumerRecord<byte[], byte[]>> drain(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) records.add(r);
        }
        return records;
    }

    /** The output record in a record's value; fails the test when it is none. */
    public static OutputRecord output(ConsumerRecord<byte[], byte[]> r) {
        try {
            return OutputRecord.parse(r.value());
        } catch (IllegalArgumentException e) {
            throw new AssertionError("not an output record: " + new String(r.value(), StandardCharsets.UTF_8), e);
        }
    }

    public static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
