package io.seqstream.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates declared topics that are missing (replication clamped to the cluster's size) and checks that the
 * existing ones have the declared partition count: a state changelog must stay co-partitioned with its input.
 */
public final class TopicAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

    private TopicAdmin() {
    }

    /**
     * Refuses a state changelog whose partition count differs from its input topic's: a processor restores the
     * changelog partition with the number of each input partition it is assigned.
     */
    public static void requireCoPartitioned(String bootstrap, String input, String changelog) {
        try (Admin admin = admin(bootstrap)) {
            Map<String, Integer> n = partitions(admin, List.of(input, changelog));
            if (!n.get(input).equals(n.get(changelog))) {
                throw new IllegalStateException("topic " + changelog + " has " + n.get(changelog) + " partitions but its input "
                        + input + " has " + n.get(input) + ": a state changelog must have as many partitions as its input");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot describe topics " + input + ", " + changelog + " at " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    /** Partition counts; a topic created a moment ago may not be known to the metadata yet, so that is retried. */
    private static Map<String, Integer> partitions(Admin admin, List<String> topics)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            try {
                Map<String, Integer> out = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((k, d) -> out.put(k, d.partitions().size()));
                return out;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) throw e;
                Thread.sleep(100);
            }
        }
    }

    private static Admin admin(String bootstrap) {
        return KafkaClients.of(bootstrap).admin();
    }

    /** Ensures the topics exist; returns a one-line summary. */
    public static String ensure(String bootstrap, List<TopicSpec> specs) {
        try (Admin admin = admin(bootstrap)) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            List<String> names = specs.stream().map(TopicSpec::name).toList();
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> create = new ArrayList<>();
            List<String> present = new ArrayList<>();
            for (TopicSpec raw : specs) {
                TopicSpec s = raw.forBrokers(brokers);
                if (existing.contains(s.name())) {
                    present.add(s.name());
                } else {
                    create.add(new NewTopic(s.name(), s.partitions(), (short) s.replication()).configs(s.configs()));
                }
            }
            if (!present.isEmpty()) {
                // An existing topic is kept as it is: a different partition count is reported, and where it matters
                // (a changelog against its input) requireCoPartitioned refuses to start.
                Map<String, Integer> have = partitions(admin, present);
                for (TopicSpec s : specs) {
                    Integer n = have.get(s.name());
                    if (n != null && n != s.partitions()) {
                        LOG.warn("topic {} exists with {} partitions; declared with {}", s.name(), n, s.partitions());
                    }
                }
            }
            List<String> created = new ArrayList<>();
            for (NewTopic t : create) {
                try {
                    admin.createTopics(List.of(t)).all().get(30, TimeUnit.SECONDS);
                    created.add(t.name());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw e;
                }
            }
            return "topics: " + names.size() + " declared, " + created.size() + " created" + (created.isEmpty() ? "" : " " + created);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topics at " + bootstrap + ": " + e.getMessage(), e);
        }
    }
}
