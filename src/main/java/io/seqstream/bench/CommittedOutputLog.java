package io.seqstream.bench;

import io.seqstream.kafka.KafkaClients;
import io.seqstream.kafka.Partitions;
import io.seqstream.stream.OutputRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * A read_committed reader of an outputs topic that keeps, for every output it gets, its partition, the moment the
 * reader's poll returned it and the input timestamp it carries ({@code "ts"}), and counts (stream, pos) pairs for
 * the exactly-once check. What it keeps is read only after {@link #stop()}.
 */
final class CommittedOutputLog implements AutoCloseable {
    private final String bootstrap;
    private final String topic;
    private final PacedFeed feed;
    private final Thread thread;
    private final AtomicLong distinct = new AtomicLong();
    private final BitSet[] seen;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private int[] partition = new int[1 << 16];
    private long[] receivedMs = new long[1 << 16];
    private long[] tsMs = new long[1 << 16];
    private int size;
    private long duplicates;
    private long unknownStreams;
    private long partitionMismatches;
    private int partitions;

    CommittedOutputLog(String bootstrap, String topic, PacedFeed feed) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.feed = feed;
        this.seen = new BitSet[feed.streams()];
        for (int s = 0; s < seen.length; s++) seen[s] = new BitSet();
        this.thread = new Thread(this::run, "failover-reader");
        this.thread.setDaemon(true);
    }

    CommittedOutputLog start() {
        thread.start();
        return this;
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.of(bootstrap).consumer().maxPollRecords(5000).build()) {
            List<TopicPartition> tps = Partitions.of(c, topic, Duration.ofSeconds(60));
            partitions = tps.size();
            c.assign(tps);
            c.seekToBeginning(tps);
            while (running) {
                ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(50));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) add(r, now);
            }
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void add(ConsumerRecord<byte[], byte[]> r, long now) {
        String v = new String(r.value(), StandardCharsets.UTF_8);
        String key = new String(r.key(), StandardCharsets.UTF_8);
        int s = key.startsWith("s") ? parseIntOr(key.substring(1), -1) : -1;
        if (s < 0 || s >= seen.length) {
            unknownStreams++;
        } else {
            long pos = number(v, "\"" + OutputRecord.POS + "\":");
            if (pos >= 0 && pos < Integer.MAX_VALUE) {
                if (seen[s].get((int) pos)) duplicates++;
                else {
                    seen[s].set((int) pos);
                    distinct.incrementAndGet();
                }
            }
            int in = feed.partitionOf(s);
            if (in >= 0 && in != r.partition()) partitionMismatches++;
        }
        if (size == receivedMs.length) {
            partition = Arrays.copyOf(partition, size * 2);
            receivedMs = Arrays.copyOf(receivedMs, size * 2);
            tsMs = Arrays.copyOf(tsMs, size * 2);
        }
        partition[size] = r.partition();
        receivedMs[size] = now;
        tsMs[size] = number(v, "\"" + OutputRecord.TS + "\":");
        size++;
    }

    /** A whole-number field of an {@link OutputRecord}, scanned without parsing: the bench reads millions of them. */
    private static long number(String json, String field) {
        int i = json.lastIndexOf(field);
        if (i < 0) return -1;
        int from = i + field.length();
        int to = from;
        while (to < json.length() && Character.isDigit(json.charAt(to))) to++;
        return to == from ? -1 : Long.parseLong(json, from, to, 10);
    }

    private static int parseIntOr(String s, int def) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return def;
        }
    }

    /** Distinct (stream, pos) pairs read so far (safe to call while reading). */
    long distinct() { return distinct.get(); }

    void stop() throws InterruptedException {
        running = false;
        thread.join(30_000);
        if (failure != null) throw new IllegalStateException("the output reader failed", failure);
    }

    // What follows is read after stop().

    int size() { return size; }

    int partitionAt(int i) { return partition[i]; }

    long receivedAt(int i) { return receivedMs[i]; }

    long tsAt(int i) { return tsMs[i]; }

    int partitions() { return partitions; }

    long duplicates() { return duplicates; }

    long unknownStreams() { return unknownStreams; }

    long partitionMismatches() { return partitionMismatches; }

    /** Input tokens with no output: per stream, positions 0..acked-1 not seen. */
    long missing() {
        long m = 0;
        for (int s = 0; s < seen.length; s++) {
            int n = feed.acked(s);
            m += n - seen[s].get(0, n).cardinality();
        }
        return m;
    }

    /** Outputs at positions the feed never acknowledged (an output of an input that was never there). */
    long beyondInput() {
        long m = 0;
        for (int s = 0; s < seen.length; s++) {
            int n = feed.acked(s);
            m += seen[s].cardinality() - seen[s].get(0, n).cardinality();
        }
        return m;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(30_000);
    }
}
