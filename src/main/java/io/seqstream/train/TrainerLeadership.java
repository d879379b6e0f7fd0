package io.seqstream.train;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.KafkaClients;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ModelPublisher;
import io.seqstream.serve.ModelRegistry;
import io.seqstream.util.BackgroundLoop;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training lineage per model across instances: every instance that trains model M joins the consumer group
 * {@code <app>.trainer.<M>} on the one-partition topic of the same name (created if missing, never written), and the
 * member that holds partition 0 leads; the others only heartbeat. A background thread polls, so membership lives as
 * long as the instance does: a closed instance leaves the group at once, a killed one is dropped after
 * {@code kafka.session-timeout}, and another member gets the partition.
 *
 * <p>Why this shape. The classic group protocol is used with the configured session timeout and the cooperative
 * sticky assignor: the new protocol (KIP-848) takes its session timeout from the broker (45 s by default), and the
 * sticky assignor leaves partition 0 where it is when instances join, so a start elsewhere does not move training.
 * Group membership alone cannot stop a paused leader (GC, SIGSTOP) that wakes after its successor took over, so
 * every term publishes through a transactional producer whose id is the same on every instance
 * ({@code <app>.trainer.<M>}): {@link #begin} runs initTransactions, which fences every earlier publisher (its open
 * transaction is aborted, its next send fails) before the newest version is read, so the new term starts above
 * everything that can ever become visible. The term is also checked right before publishing, so a demoted trainer
 * does not even try; and the model registry ignores versions not above the newest.
 */
public final class TrainerLeadership implements Lineage {
    private static final Logger LOG = LoggerFactory.getLogger(TrainerLeadership.class);

    private final String bootstrap;
    private final String modelsTopic;
    private final String model;
    private final String name;
    private final Duration transactionTimeout;
    private final TopicPartition partition;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicLong terms = new AtomicLong();
    private final BackgroundLoop thread;
    private volatile long term;
    private boolean closed;
    // Owned by the trainer thread (begin, publish, close).
    private ModelPublisher publisher;
    private long publisherTerm;

    /** Joins the group of the model's trainers and starts heartbeating; leadership may come at any later moment. */
    public TrainerLeadership(String bootstrap, SeqstreamConfig config, String model) {
        this.bootstrap = bootstrap;
        this.modelsTopic = config.app().modelsTopic();
        this.model = model;
        this.name = config.app().name() + ".trainer." + model;
        this.transactionTimeout = config.kafka().transactionTimeout();
        this.partition = new TopicPartition(name, 0);
        TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(name, 1, 3, Map.of())));
        Duration session = config.kafka().sessionTimeout();
        consumer = KafkaClients.of(bootstrap).consumer().group(name).clientId(config.app().instanceId() + ".trainer." + model)
                .fromLatest().sessionTimeout(session).cooperative().build();
        thread = BackgroundLoop.named("seqstream-trainer-leadership-" + model).wakeup(consumer::wakeup)
                .joinTimeout(Duration.ofSeconds(10)).start(this::membership);
    }

    private void membership(BackgroundLoop loop) {
        try {
            consumer.subscribe(List.of(name), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (!partitions.contains(partition)) return;
                    term = terms.incrementAndGet();
                    LOG.info("this instance leads the training of model {} (term {})", model, term);
                }

                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) resign("revoked");
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    if (partitions.contains(partition)) resign("lost");
                }
            });
            while (loop.running()) {
                try {
                    consumer.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // A broker away for a while: keep trying; the session lapses and another member may lead.
                    LOG.warn("trainer group {}: {}", name, e.toString());
                    Thread.sleep(1000);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } finally {
            term = 0;
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void resign(String how) {
        if (term == 0) return;
        LOG.info("this instance no longer leads the training of model {} (term {} {})", model, term, how);
        term = 0;
    }

    @Override
    public long term() { return term; }

    /** Whether this instance leads the model's training now. */
    public boolean leads() { return term != 0; }

    @Override
    public ModelSnapshot begin(long t) {
        closePublisher();
        publisher = ModelPublisher.transactional(bootstrap, modelsTopic, name, transactionTimeout);
        publisherTerm = t;
        return ModelRegistry.readNewest(bootstrap, modelsTopic, model);
    }

    @Override
    public void publish(long t, ModelSnapshot snapshot) {
        if (t == 0 || t != term || t != publisherTerm || publisher == null) {
            throw new Lost("model " + model + " v" + snapshot.metadata().version() + " not published: term " + t + " is over", null);
        }
        try {
            publisher.publish(snapshot);
        } catch (ModelPublisher.Fenced e) {
            closePublisher();
            throw new Lost(e.getMessage(), e);
        }
    }

    private void closePublisher() {
        if (publisher == null) return;
        publisher.close();
        publisher = null;
        publisherTerm = 0;
    }

    /** Leaves the group (another member takes over at once) and closes the publisher. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        thread.stop();
        closePublisher();
    }
}
