package io.seqstream.kafka;

import java.util.Map;

/**
 * A topic as declared in topics/.
 *
 * @param replication the replication wanted on a production cluster (clamped to the brokers available)
 * @param configs     topic configs passed to Kafka verbatim
 */
public record TopicSpec(String name, int partitions, int replication, Map<String, String> configs) {
    public TopicSpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("topic name is empty");
        if (partitions < 1) throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1");
        if (replication < 1) throw new IllegalArgumentException("topic " + name + ": replication must be >= 1");
        configs = Map.copyOf(configs);
    }

    /** The same topic for a cluster of n brokers: replication and min.insync.replicas clamped. */
    public TopicSpec forBrokers(int n) {
        int r = Math.min(replication, n);
        java.util.Map<String, String> c = new java.util.HashMap<>(configs);
        String minIsr = c.get("min.insync.replicas");
        if (minIsr != null && Integer.parseInt(minIsr) > r) c.put("min.insync.replicas", String.valueOf(r));
        return new TopicSpec(name, partitions, r, c);
    }
}
