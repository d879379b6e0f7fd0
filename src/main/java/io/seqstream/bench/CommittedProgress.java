package io.seqstream.bench;

import io.seqstream.kafka.KafkaClients;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Steady-state timing of an exactly-once consumer of a backlog, the same way for every subject: the consumer group's
 * committed offsets on the input topic, polled in a loop. Under exactly-once those offsets commit in the same
 * transaction as the outputs, and the backlog was written without transactions (no markers), so their sum is the
 * number of inputs whose outputs are committed. The window runs from that count crossing the warm-up mark (group
 * join, restore and JIT warm-up left out) to it reaching the total.
 */
final class CommittedProgress implements AutoCloseable {
    /** Fine enough against windows of seconds, light enough not to take the cores from what is measured. */
    private static final long POLL_MILLIS = 10;

    private final Admin admin;

    CommittedProgress(String bootstrap) {
        admin = KafkaClients.of(bootstrap).admin();
    }

    /** The timed window: committed counts and times at its two ends, and the subject's counters there. */
    record Window(long fromCount, long toCount, long fromNanos, long toNanos, Map<String, Double> countersFrom,
                  Map<String, Double> countersTo) {
        long tokens() { return toCount - fromCount; }

        double seconds() { return (toNanos - fromNanos) / 1e9; }

        double tokensPerSecond() { return tokens() / seconds(); }

        /** How much a counter of the subject moved inside the window. */
        double delta(String counter) { return countersTo.getOrDefault(counter, 0.0) - countersFrom.getOrDefault(counter, 0.0); }
    }

    /**
     * Waits for {@code group} to commit past {@code warmup} and then {@code total} inputs of {@code topic}.
     *
     * @param counters the subject's cumulative counters, read at both ends of the window
     * @param check    throws when the subject has failed, so a dead subject fails the run instead of timing out
     */
    Window await(String group, String topic, long warmup, long total, Duration timeout, Callable<Map<String, Double>> counters,
                 Callable<?> check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long fromCount = -1;
        long fromNanos = 0;
        Map<String, Double> countersFrom = Map.of();
        while (true) {
            long now = System.nanoTime();
            long c = committed(group, topic);
            if (fromCount < 0 && c >= warmup) {
                fromCount = c;
                fromNanos = now;
                countersFrom = counters.call();
            }
            if (fromCount >= 0 && c >= total) return new Window(fromCount, c, fromNanos, now, countersFrom, counters.call());
            if (now > deadline) {
                throw new IllegalStateException(group + " committed " + c + " of " + total + " inputs within " + timeout);
            }
            check.call();
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Sum of the group's committed offsets on the topic's partitions (0 before its first commit). */
    long committed(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) sum += e.getValue().offset();
        }
        return sum;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
