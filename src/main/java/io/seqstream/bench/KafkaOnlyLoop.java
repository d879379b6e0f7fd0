package io.seqstream.bench;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.stream.PipelineProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A running exactly-once consume-&gt;produce loop with no model work, as a live reference beside the pipeline: one
 * output of about the echo output's size per input, carrying the input's timestamp as {@code "ts"} (as echo outputs
 * do) so the same reader measures both; the pipeline's max.poll.records and producer settings
 * ({@link PipelineProcessor#producerConfig}); one transaction per poll.
 */
final class KafkaOnlyLoop implements AutoCloseable {
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    KafkaOnlyLoop(String bootstrap, String in, String out, String id, int maxPollRecords, int outputBytes) {
        Properties pp = PipelineProcessor.producerConfig(bootstrap, id, SeqstreamConfig.of(Map.of()).kafka().transactionTimeout());
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, id);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
        String pad = "x".repeat(Math.max(0, outputBytes - 30));
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        producer.initTransactions();
        consumer.subscribe(List.of(in));
        thread = new Thread(() -> {
            try (producer; consumer) {
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) continue;
                    producer.beginTransaction();
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                        byte[] value = ("{\"pad\":\"" + pad + "\",\"ts\":" + r.timestamp() + "}").getBytes(StandardCharsets.UTF_8);
                        producer.send(new ProducerRecord<>(out, r.key(), value));
                    }
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                    processed.addAndGet(records.count());
                    transactions.incrementAndGet();
                }
            }
        }, "kafka-only-loop");
        thread.start();
    }

    /** Inputs whose outputs and offsets are committed. */
    long processed() { return processed.get(); }

    /** Transactions committed. */
    long transactions() { return transactions.get(); }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}
