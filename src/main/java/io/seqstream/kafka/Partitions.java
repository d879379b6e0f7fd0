package io.seqstream.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** A topic's partitions, for consumers that assign them rather than join a group. */
public final class Partitions {
    private Partitions() {
    }

    /**
     * The topic's partitions. Right after a topic is created its metadata may not have reached the broker that
     * answers, which then lists none: assigning none would leave the caller reading nothing, silently, so this
     * asks again until the partitions show or the wait runs out.
     *
     * @throws IllegalStateException when the topic shows no partitions within {@code wait}
     */
    public static List<TopicPartition> of(Consumer<?, ?> consumer, String topic, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<TopicPartition> tps = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(topic, wait);
            if (infos != null) infos.forEach(pi -> tps.add(new TopicPartition(topic, pi.partition())));
            if (!tps.isEmpty()) return tps;
            if (System.nanoTime() > deadline) throw new IllegalStateException("topic " + topic + " has no partitions (does it exist?)");
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
            }
        }
    }
}
