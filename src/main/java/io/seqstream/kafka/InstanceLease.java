package io.seqstream.kafka;

import io.seqstream.config.ConfigException;
import io.seqstream.util.BackgroundLoop;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's hold on its {@code app.instance-id}: heartbeats on the compacted instances topic, keyed by the id.
 * A start reads the topic to its end; if another run holds the id and its heartbeats keep arriving within the lease
 * timeout, the start is refused (two processes with one id would fence each other's producers forever); if they
 * stop, the holder is dead and the id is taken over. Liveness is judged by new records arriving, never by comparing
 * timestamps, so clock skew between hosts does not matter. When two runs hold the id after all (a holder paused
 * longer than the timeout), the newer claim (higher offset of its first heartbeat) wins and the older one learns
 * it through {@link #heldElsewhere()}. A clean close writes a release record, so the next start does not wait.
 */
public final class InstanceLease implements InstanceOwnership, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceLease.class);
    private static final Duration CATCH_UP_LIMIT = Duration.ofSeconds(30);

    private final String topic;
    private final String instanceId;
    private final String runId = UUID.randomUUID().toString();
    private final String host = hostName();
    private final long pid = ProcessHandle.current().pid();
    private final long startedAt = System.currentTimeMillis();
    private final Duration interval;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private BackgroundLoop heartbeats;
    private long claim = -1;
    private long seq;
    private boolean closed;
    private volatile boolean heldElsewhere;
    private volatile String holder = "";
    private boolean warnedOlder;
    private volatile boolean sendFailing;

    private boolean waitedForHolder;

    private InstanceLease(String bootstrap, String topic, String instanceId, Duration timeout) {
        this.topic = topic;
        this.instanceId = instanceId;
        this.interval = Duration.ofMillis(Math.max(100, Math.min(1000, timeout.toMillis() / 3)));
        KafkaClients clients = KafkaClients.of(bootstrap);
        // A heartbeat that cannot be written soon is worthless: the next one follows in a second.
        this.producer = clients.idempotentProducer().clientId("lease-" + instanceId).linger(Duration.ZERO)
                .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10))
                .set(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000")
                .build(new StringSerializer(), new ByteArraySerializer());
        try {
            this.consumer = clients.consumer().clientId("lease-" + instanceId).fromEarliest()
                    .set(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false")
                    .build(new StringDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * Takes the instance id, waiting at most {@code timeout} for a previous holder's heartbeats, and starts
     * heartbeating on a daemon thread.
     *
     * @throws ConfigException when another live process holds the id (the message names the setting)
     */
    public static InstanceLease acquire(String bootstrap, String topic, String instanceId, Duration timeout) {
        InstanceLease lease = new InstanceLease(bootstrap, topic, instanceId, timeout);
        try {
            lease.take(timeout);
            return lease;
        } catch (RuntimeException e) {
            lease.closeClients();
            throw e;
        }
    }

    /** Whether taking the id had to watch a previous holder's heartbeats (it had not released the id). */
    public boolean waitedForHolder() { return waitedForHolder; }

    /** Random id of this process's run (new at every start). */
    public String runId() { return runId; }

    @Override
    public boolean heldElsewhere() { return heldElsewhere; }

    /** The process that took the id from us ("host H, pid P"), empty while we hold it. */
    public String holder() { return holder; }

    private void take(Duration timeout) {
        List<TopicPartition> partitions = partitions();
        consumer.assign(partitions);
        LeaseRecord newest = catchUp(partitions);
        if (newest != null && !newest.run().equals(runId) && !newest.released()) {
            waitedForHolder = true;
            awaitSilence(newest, timeout);
        }
        LeaseRecord first = heartbeat(false);
        try {
            claim = producer.send(new ProducerRecord<>(topic, instanceId, first.encode())).get(30, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the lease of app.instance-id '" + instanceId + "' to topic " + topic
                    + ": " + e.getMessage(), e);
        }
        seq = 1;
        heartbeats = BackgroundLoop.named("seqstream-lease-" + instanceId).wakeup(consumer::wakeup)
                .joinTimeout(Duration.ofSeconds(10)).start(this::beat);
    }

    private List<TopicPartition> partitions() {
        try {
            return Partitions.of(consumer, topic, Duration.ofSeconds(30));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("topic " + topic + " does not exist (declared in topics/, created at start-up)", e);
        }
    }

    /** Reads every partition to its current end; returns the newest record for our id, or null. */
    private LeaseRecord catchUp(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        consumer.seekToBeginning(partitions);
        LeaseRecord newest = null;
        long deadline = System.nanoTime() + CATCH_UP_LIMIT.toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read topic " + topic + " to its end within " + CATCH_UP_LIMIT);
            }
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (!instanceId.equals(r.key())) continue;
                newest = LeaseRecord.decode(r.value());
            }
        }
        return newest;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }

    /**
     * The newest record for our id is another run's heartbeat: alive if another heartbeat of it (or of anyone
     * else) arrives within the timeout, dead otherwise. A release record frees the id at once.
     */
    private void awaitSilence(LeaseRecord last, Duration timeout) {
        LOG.info("app.instance-id '{}' was last held by {} (run {}); waiting up to {} ms for its heartbeats",
                instanceId, last.describe(), last.run(), timeout.toMillis());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(Math.max(1, Math.min(200, left))))) {
                if (!instanceId.equals(r.key())) continue;
                LeaseRecord v = LeaseRecord.decode(r.value());
                if (v == null) continue;
                if (v.released()) {
                    if (v.run().equals(last.run())) return;
                    continue;
                }
                if (!v.run().equals(last.run()) || v.seq() > last.seq()) {
                    throw new ConfigException("app.instance-id '" + instanceId + "' is in use by another running process ("
                            + v.describe() + ", up since " + Instant.ofEpochMilli(v.started()) + "); give each instance its own "
                            + "app.instance-id (a dead holder is taken over after app.instance-lease-timeout = "
                            + timeout.toMillis() + " ms without heartbeats)");
                }
            }
        }
        LOG.warn("app.instance-id '{}': no heartbeat from {} within {} ms; taking the id over (that process is gone)",
                instanceId, last.describe(), timeout.toMillis());
    }

    private LeaseRecord heartbeat(boolean released) {
        return new LeaseRecord(runId, host, pid, seq, startedAt, claim, released);
    }

    private void beat(BackgroundLoop loop) {
        long next = System.nanoTime() + interval.toNanos();
        try {
            while (loop.running()) {
                long wait = Math.max(0, TimeUnit.NANOSECONDS.toMillis(next - System.nanoTime()));
                try {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(wait))) observe(r);
                } catch (WakeupException e) {
                    break;
                } catch (RuntimeException e) {
                    LOG.warn("app.instance-id '{}': reading {} failed ({}); retrying", instanceId, topic, e.toString());
                    sleep(interval);
                }
                if (System.nanoTime() >= next) {
                    // A run that lost the id stays silent: its heartbeats would only confuse the next start.
                    if (!heldElsewhere) send(heartbeat(false));
                    next = Math.max(next + interval.toNanos(), System.nanoTime());
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("closing the lease consumer", e);
            }
        }
    }

    private void observe(ConsumerRecord<String, byte[]> r) {
        if (!instanceId.equals(r.key())) return;
        LeaseRecord v = LeaseRecord.decode(r.value());
        if (v == null || v.run().equals(runId) || v.released()) return;
        if (v.claimAt(r.offset()) > claim) {
            if (!heldElsewhere) {
                holder = v.describe();
                heldElsewhere = true;
                LOG.error("app.instance-id '{}' is now held by another process ({}) started with the same id; this process "
                        + "stops processing: give each instance its own app.instance-id", instanceId, v.describe());
            }
        } else if (!warnedOlder) {
            warnedOlder = true;
            LOG.warn("app.instance-id '{}': {}, which this process took over from after it fell silent, still heartbeats; "
                    + "it stops when it sees our newer claim", instanceId, v.describe());
        }
    }

    private void send(LeaseRecord record) {
        seq++;
        try {
            producer.send(new ProducerRecord<>(topic, instanceId, record.encode()), (md, e) -> {
                if (e != null && !sendFailing) {
                    sendFailing = true;
                    LOG.warn("app.instance-id '{}': heartbeat not written ({}); retrying", instanceId, e.toString());
                } else if (e == null) {
                    sendFailing = false;
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("app.instance-id '{}': heartbeat not written ({}); retrying", instanceId, e.toString());
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops heartbeating and, unless another process took the id, releases it so that the next start does not wait. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (heartbeats != null) {
            heartbeats.stop();
            if (!heldElsewhere) {
                try {
                    producer.send(new ProducerRecord<>(topic, instanceId, heartbeat(true).encode())).get(5, TimeUnit.SECONDS);
                } catch (Exception e) {
                    LOG.warn("app.instance-id '{}': release not written ({}); the next start waits the lease timeout",
                            instanceId, e.toString());
                }
            }
            producer.close(Duration.ofSeconds(5));
        } else {
            closeClients();
        }
    }

    private void closeClients() {
        closed = true;
        producer.close(Duration.ZERO);
        consumer.close(Duration.ZERO);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown host";
        }
    }
}
