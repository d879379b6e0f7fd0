package io.seqstream.stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The bookkeeping of a processing thread's open transaction: the consumed offsets it commits, the outputs the local
 * sink gets once it committed, the input timestamps behind the end-to-end latency, and when it is due to commit.
 */
final class OpenTransaction {
    private final String inputTopic;
    private final boolean keepOutputs;
    /** Per input partition the next offset to consume (-1: none consumed in this transaction). */
    private long[] next = new long[0];
    private TopicPartition[] partitions = new TopicPartition[0];
    private List<byte[]> outputs;
    private long[] timestamps = new long[1024];
    private int tokens;
    private int records;
    private long startedNanos;
    private boolean open;
    private long commits;

    OpenTransaction(String inputTopic, boolean keepOutputs) {
        this.inputTopic = inputTopic;
        this.keepOutputs = keepOutputs;
    }

    void begin() {
        open = true;
        startedNanos = System.nanoTime();
        outputs = keepOutputs ? new ArrayList<>() : null;
    }

    boolean open() { return open; }

    /** Transactions committed so far (the supervisor counts a commit as a success). */
    long commits() { return commits; }

    /** Whether the transaction holds enough records or has been open for the commit interval. */
    boolean due(int maxRecords, long intervalNanos) {
        return records >= maxRecords || System.nanoTime() - startedNanos >= intervalNanos;
    }

    void consumed(int partition, long offset) {
        if (partition >= next.length) {
            int n = Math.max(partition + 1, next.length * 2);
            int from = next.length;
            next = Arrays.copyOf(next, n);
            Arrays.fill(next, from, n, -1L);
            partitions = Arrays.copyOf(partitions, n);
        }
        next[partition] = offset + 1;
        records++;
    }

    Map<TopicPartition, OffsetAndMetadata> offsets() {
        Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
        for (int p = 0; p < next.length; p++) {
            if (next[p] < 0) continue;
            if (partitions[p] == null) partitions[p] = new TopicPartition(inputTopic, p);
            m.put(partitions[p], new OffsetAndMetadata(next[p]));
        }
        return m;
    }

    void output(byte[] key, byte[] json, long ts) {
        if (outputs != null) {
            outputs.add(key);
            outputs.add(json);
        }
        if (tokens == timestamps.length) timestamps = Arrays.copyOf(timestamps, tokens * 2);
        timestamps[tokens++] = ts;
    }

    /** Tokens processed in the transaction. */
    int tokens() { return tokens; }

    /** The input timestamp of the i-th token. */
    long timestamp(int i) { return timestamps[i]; }

    /** Keys and outputs alternately, for the local sink; null when the sink takes none. */
    List<byte[]> outputs() { return outputs; }

    void committed() {
        commits++;
        clear();
    }

    void clear() {
        Arrays.fill(next, -1L);
        outputs = null;
        tokens = 0;
        records = 0;
        open = false;
    }
}
