package io.seqstream.bench;

import io.seqstream.kafka.KafkaClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Who owns which input partition, as the broker's group coordinator says: a thread describes the pipeline's
 * consumer group every half second and keeps each answer (time, partition -&gt; instance id). The instance id is
 * the static member id's prefix (the processor's group.instance.id is {@code <instance>-<pipeline>-<thread>}), so
 * a killed instance keeps its partitions here until its session expires, exactly as the broker sees it.
 */
final class GroupOwnership implements AutoCloseable {
    /**
     * One answer: partition -&gt; owning instance (a partition nobody owns is absent), and instance -&gt; its member id,
     * which the coordinator gives anew when a restarted static member joins (so a rejoin is told from the dead
     * member it replaces, which keeps its assignment until its session expires).
     */
    record Snapshot(long timeMs, Map<Integer, String> owners, Map<String, String> members) {
    }

    private final Admin admin;
    private final String groupId;
    private final String suffix;
    private final String topic;
    private final List<Snapshot> snapshots = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    GroupOwnership(String bootstrap, String groupId, String pipeline, String inputTopic) {
        this.admin = KafkaClients.of(bootstrap).admin();
        this.groupId = groupId;
        this.suffix = "-" + pipeline + "-";
        this.topic = inputTopic;
        this.thread = new Thread(this::run, "failover-ownership");
        this.thread.setDaemon(true);
    }

    GroupOwnership start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            long t = System.currentTimeMillis();
            try {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(groupId),
                        new DescribeConsumerGroupsOptions().timeoutMs(3000)).describedGroups().get(groupId).get(4, TimeUnit.SECONDS);
                Map<Integer, String> owners = new TreeMap<>();
                Map<String, String> members = new TreeMap<>();
                for (MemberDescription m : d.members()) {
                    String member = m.groupInstanceId().orElse(m.clientId());
                    int cut = member.lastIndexOf(suffix);
                    String instance = cut > 0 ? member.substring(0, cut) : member;
                    members.merge(instance, m.consumerId(), (a, b) -> a + "," + b);
                    for (TopicPartition tp : m.assignment().topicPartitions()) {
                        if (tp.topic().equals(topic)) owners.put(tp.partition(), instance);
                    }
                }
                synchronized (snapshots) {
                    snapshots.add(new Snapshot(t, owners, members));
                }
            } catch (Exception e) {
                // no answer this time (the group may not exist yet): the next one counts
                if (e instanceof InterruptedException) return;
            }
            try {
                Thread.sleep(Math.max(0, 500 - (System.currentTimeMillis() - t)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The latest answer (an empty map before the first). */
    Map<Integer, String> now() {
        synchronized (snapshots) {
            return snapshots.isEmpty() ? Map.of() : snapshots.get(snapshots.size() - 1).owners();
        }
    }

    List<Snapshot> snapshots() {
        synchronized (snapshots) {
            return List.copyOf(snapshots);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
        admin.close();
    }
}
