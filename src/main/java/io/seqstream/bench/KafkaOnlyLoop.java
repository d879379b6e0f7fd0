package io.seqstream.bench;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.KafkaClients;
import io.seqstream.stream.TransactionalOutput;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A running exactly-once consume-&gt;produce loop with no model work, as a live reference beside the pipeline: one
 * output of the echo output's size per input, carrying the input's timestamp as {@code "ts"} (as echo outputs do)
 * so the same reader measures both; the pipeline's max.poll.records, producer settings
 * ({@link TransactionalOutput#settings}) and transaction bounds: a transaction spans polls and commits when the
 * commit interval has passed since it began, as soon as a poll finds nothing more (the input is
 * drained; while a transaction is open it polls without waiting, as the pipeline does) or when it holds max-transaction-records.
 */
final class KafkaOnlyLoop implements AutoCloseable {
    /** What the loop shares with the pipeline it stands beside. */
    record Bounds(int maxPollRecords, Duration commitInterval, int maxTransactionRecords, int outputBytes) {
    }

    /** The fixed part of an output ({"pad":"","ts":} and a 13-digit millisecond timestamp), padded to the echo size. */
    private static final int FIXED_BYTES = 29;

    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    /**
     * @param group          consumer group (loops in the same group share the input partitions)
     * @param transactionalId this loop's own transactional id
     */
    KafkaOnlyLoop(String bootstrap, String in, String out, String group, String transactionalId, Bounds bounds) {
        byte[] prefix = ("{\"pad\":\"" + "x".repeat(Math.max(0, bounds.outputBytes() - FIXED_BYTES)) + "\",\"ts\":")
                .getBytes(StandardCharsets.UTF_8);
        KafkaClients clients = KafkaClients.of(bootstrap);
        KafkaProducer<byte[], byte[]> producer = TransactionalOutput.settings(clients, transactionalId,
                SeqstreamConfig.of(Map.of()).kafka().transactionTimeout()).build();
        KafkaConsumer<byte[], byte[]> consumer = clients.consumer().group(group).fromEarliest()
                .maxPollRecords(bounds.maxPollRecords()).build();
        consumer.subscribe(List.of(in));
        long interval = bounds.commitInterval().toNanos();
        thread = new Thread(() -> {
            try (producer; consumer) {
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                long began = 0;
                int held = 0;
                while (running) {
                    // As the pipeline: while a transaction is open, poll without waiting; an empty poll means drained.
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(held > 0 ? Duration.ZERO : Duration.ofMillis(100));
                    if (!records.isEmpty()) {
                        if (held == 0) {
                            producer.beginTransaction();
                            began = System.nanoTime();
                        }
                        for (ConsumerRecord<byte[], byte[]> r : records) {
                            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                            producer.send(new ProducerRecord<>(out, r.key(), output(prefix, r.timestamp())));
                        }
                        held += records.count();
                    }
                    boolean drained = records.isEmpty();
                    if (held > 0 && (drained || held >= bounds.maxTransactionRecords() || System.nanoTime() - began >= interval)) {
                        try {
                            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                            producer.commitTransaction();
                            processed.addAndGet(held);
                            transactions.incrementAndGet();
                        } catch (org.apache.kafka.clients.consumer.CommitFailedException e) {
                            // A rebalance moved the group on (e.g. another thread joined): abort and replay, as the
                            // pipeline does; nothing of the aborted transaction counts.
                            producer.abortTransaction();
                            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
                            for (TopicPartition tp : consumer.assignment()) {
                                OffsetAndMetadata om = committed.get(tp);
                                if (om != null) consumer.seek(tp, om.offset());
                                else consumer.seekToBeginning(List.of(tp));
                            }
                        }
                        offsets.clear();
                        held = 0;
                    }
                }
            } catch (Throwable t) {
                // A reference that stops must fail the measurement, not leave it waiting for its deadline.
                failure = t;
            }
        }, "kafka-only-loop-" + transactionalId);
        thread.start();
    }

    private static byte[] output(byte[] prefix, long ts) {
        byte[] digits = Long.toString(ts).getBytes(StandardCharsets.US_ASCII);
        byte[] v = new byte[prefix.length + digits.length + 1];
        System.arraycopy(prefix, 0, v, 0, prefix.length);
        System.arraycopy(digits, 0, v, prefix.length, digits.length);
        v[v.length - 1] = '}';
        return v;
    }

    /** Inputs whose outputs and offsets are committed. */
    long processed() { return processed.get(); }

    /** Transactions committed. */
    long transactions() { return transactions.get(); }

    /** Why the loop stopped, or null while it runs. */
    Throwable failure() { return failure; }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}
