package io.seqstream.serve;

import io.seqstream.model.ModelSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Publishes model versions to the compacted models topic, keyed by model name (the newest per name survives). */
public final class ModelPublisher implements AutoCloseable {
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    public ModelPublisher(String bootstrap, String topic) {
        this.topic = topic;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(16 * 1024 * 1024));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void publish(ModelSnapshot snapshot) {
        try {
            producer.send(new ProducerRecord<>(topic, snapshot.metadata().name().getBytes(StandardCharsets.UTF_8),
                    snapshot.toBytes())).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + snapshot.metadata().name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish model " + snapshot.metadata().name() + " v"
                    + snapshot.metadata().version() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
