package io.seqstream.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates declared topics that are missing (replication clamped to the cluster's size) and checks that the
 * existing ones have the declared partition count: a state changelog must stay co-partitioned with its input.
 */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    /** Ensures the topics exist; returns a one-line summary. */
    public static String ensure(String bootstrap, List<TopicSpec> specs) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
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
                Map<String, TopicDescription> described = admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
                Map<String, TopicSpec> byName = new HashMap<>();
                specs.forEach(s -> byName.put(s.name(), s));
                for (String n : present) {
                    int have = described.get(n).partitions().size();
                    int want = byName.get(n).partitions();
                    if (have != want) {
                        throw new IllegalStateException("topic " + n + " has " + have + " partitions but is declared with " + want
                                + "; state changelogs must match their input topic's partitions");
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
