package io.seqstream.serve;

import io.seqstream.kafka.KafkaClients;
import io.seqstream.model.ModelSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * Publishes model versions to the compacted models topic, keyed by model name (the newest per name survives).
 * A transactional publisher ({@link #transactional}) sends each version in a transaction of its own: a later
 * publisher with the same transactional id fences it, and then {@link #publish} throws {@link Fenced} instead of
 * writing.
 */
public final class ModelPublisher implements AutoCloseable {
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final boolean transactional;

    public ModelPublisher(String bootstrap, String topic) {
        this(bootstrap, topic, null, null);
    }

    private ModelPublisher(String bootstrap, String topic, String transactionalId, Duration transactionTimeout) {
        this.topic = topic;
        this.transactional = transactionalId != null;
        KafkaClients clients = KafkaClients.of(bootstrap);
        KafkaClients.ProducerBuilder settings = transactional
                ? clients.transactionalProducer(transactionalId, transactionTimeout) : clients.idempotentProducer();
        // Models are large records: a request holds a whole one.
        producer = settings.maxRequestBytes(16 * 1024 * 1024).compression("lz4").build();
    }

    /**
     * A publisher that fences every earlier one with the same transactional id before it returns (initTransactions
     * aborts or completes their open transaction; after it they can write nothing more).
     */
    public static ModelPublisher transactional(String bootstrap, String topic, String transactionalId, Duration transactionTimeout) {
        return new ModelPublisher(bootstrap, topic, transactionalId, transactionTimeout);
    }

    /** Sends and waits for the broker's acknowledgement (and the commit, when transactional). */
    public void publish(ModelSnapshot snapshot) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
                snapshot.metadata().name().getBytes(StandardCharsets.UTF_8), snapshot.toBytes());
        try {
            if (transactional) producer.beginTransaction();
            producer.send(record).get(30, TimeUnit.SECONDS);
            if (transactional) producer.commitTransaction();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + snapshot.metadata().name(), e);
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw fenced(snapshot, e);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) throw fenced(snapshot, cause);
            if (transactional) abortQuietly();
            throw new IllegalStateException("cannot publish model " + snapshot.metadata().name() + " v"
                    + snapshot.metadata().version() + ": " + cause.getMessage(), e);
        }
    }

    private Fenced fenced(ModelSnapshot snapshot, Throwable cause) {
        return new Fenced("model " + snapshot.metadata().name() + " v" + snapshot.metadata().version()
                + " not published: a newer publisher fenced this one (" + cause.getMessage() + ")", cause);
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (RuntimeException ignored) {
            // the transaction times out on the broker; nothing of it becomes visible to read_committed readers
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** A transactional publisher was fenced by a newer one with the same transactional id: nothing was published. */
    public static final class Fenced extends RuntimeException {
        Fenced(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
