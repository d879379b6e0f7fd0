package io.seqstream.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.InstanceOwnership;
import io.seqstream.kafka.KafkaClients;
import io.seqstream.metrics.ServingMeters;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processing thread's transactional producer, as Kafka Streams' RecordCollector wraps its own: the transaction's
 * outputs, dead letters and changelog records, the commit together with the consumed offsets, the abort, and what
 * to do when the producer cannot go on (recreate it with the same transactional id, or stop when another live
 * process holds this instance's id).
 */
public final class TransactionalOutput implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalOutput.class);

    private final KafkaClients clients;
    private final String transactionalId;
    private final Duration transactionTimeout;
    private final SeqstreamConfig.Pipeline pipeline;
    private final String dlqTopic;
    private final ServingMeters meters;
    private final InstanceOwnership ownership;
    private final MeterRegistry clientMeterRegistry;
    private KafkaProducer<byte[], byte[]> producer;
    private KafkaClientMetrics producerMeters;

    /** Creates the producer and initialises its transactions (fencing earlier producers of the same id). */
    TransactionalOutput(KafkaClients clients, String transactionalId, Duration transactionTimeout, SeqstreamConfig.Pipeline pipeline,
                        String dlqTopic, ServingMeters meters, InstanceOwnership ownership, MeterRegistry clientMeterRegistry) {
        this.clients = clients;
        this.transactionalId = transactionalId;
        this.transactionTimeout = transactionTimeout;
        this.pipeline = pipeline;
        this.dlqTopic = dlqTopic;
        this.meters = meters;
        this.ownership = ownership;
        this.clientMeterRegistry = clientMeterRegistry;
        this.producer = settings(clients, transactionalId, transactionTimeout).build();
        bindMeters();
    }

    /**
     * The transactional producer's settings, in one place so that the benchmarks' Kafka-only reference loop runs
     * with exactly what a processor runs with.
     */
    public static KafkaClients.ProducerBuilder settings(KafkaClients clients, String transactionalId, Duration transactionTimeout) {
        return clients.transactionalProducer(transactionalId, transactionTimeout).clientId(transactionalId)
                .linger(Duration.ofMillis(5)).batchBytes(256 * 1024);
    }

    // Consumer and producer share a client.id: a role tag keeps their app-info meters apart.
    private void bindMeters() {
        if (clientMeterRegistry == null) return;
        closeQuietly(producerMeters);
        producerMeters = new KafkaClientMetrics(producer, Tags.of("role", "producer"));
        producerMeters.bindTo(clientMeterRegistry);
    }

    void begin() {
        producer.beginTransaction();
    }

    /** One token's output, inside the open transaction. */
    void output(byte[] key, byte[] json) {
        producer.send(new ProducerRecord<>(pipeline.outputTopic(), key, json));
    }

    /** A record that cannot be processed goes to the dead-letter topic with the reason, inside the open transaction. */
    void deadLetter(ConsumerRecord<byte[], byte[]> r, DeadLetterReason reason, String detail) {
        producer.send(DeadLetters.record(dlqTopic, r, reason, detail));
        meters.deadLetter(reason.wireName());
    }

    /** A stream's state (null: its tombstone) to the changelog partition of its input partition. */
    Future<RecordMetadata> changelog(int partition, byte[] key, byte[] state) {
        return producer.send(new ProducerRecord<>(pipeline.stateTopic(), partition, key, state));
    }

    /** Commits the open transaction with the consumed offsets: outputs, states and offsets become visible together. */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
        producer.sendOffsetsToTransaction(offsets, group);
        holdForFaultDrill();
        producer.commitTransaction();
    }

    /**
     * With {@code pipeline.<p>.fault.hold-commit} set (fault drills only), the transaction's records reach the broker
     * and then the commit waits, so that a kill lands with a transaction open and its outputs in the log uncommitted.
     */
    private void holdForFaultDrill() {
        if (pipeline.holdCommit().isZero()) return;
        producer.flush();
        // Drills wait for this line to know a transaction is open with its records in the log. WARN: a process with
        // a fault drill on should say so, and the drills' child JVMs log io.seqstream at WARN.
        LOG.warn("fault drill: transaction {} held open for {} ms with its records in the log (fault.hold-commit)",
                transactionalId, pipeline.holdCommit().toMillis());
        try {
            Thread.sleep(pipeline.holdCommit().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Aborts the open transaction; throws what the abort threw (then its outcome is unknown). */
    void abort() {
        producer.abortTransaction();
    }

    /** Errors after which this producer cannot continue: it is recreated, which settles its open transaction. */
    static boolean cannotContinue(KafkaException e) {
        return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                || e instanceof OutOfOrderSequenceException || e instanceof AuthorizationException
                || e instanceof UnsupportedVersionException;
    }

    /**
     * A producer fenced while another live process holds this instance's id: re-initialising the same transactional
     * id would fence that process back, so this producer is closed and the thread stops.
     */
    void stopIfFencedElsewhere(RuntimeException e) {
        if (e instanceof ProducerFencedException && ownership.heldElsewhere()) {
            abandon();
            throw new FencedElsewhere(transactionalId);
        }
    }

    /** Closes the producer, whatever state it is in, and initialises a new one with the same transactional id. */
    void replace() {
        abandon();
        producer = settings(clients, transactionalId, transactionTimeout).build();
        bindMeters();
    }

    private void abandon() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException ignored) {
            // already unusable
        }
    }

    @Override
    public void close() {
        closeQuietly(producerMeters);
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.debug("closing producer {}", transactionalId, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing producer meters", e);
        }
    }

    /** This instance's id is held by another live process: the processor stops rather than fence it back. */
    static final class FencedElsewhere extends RuntimeException {
        FencedElsewhere(String transactionalId) {
            super("producer " + transactionalId + " was fenced by another process running with the same app.instance-id; "
                    + "this processing thread stops (give each instance its own app.instance-id)");
        }
    }
}
