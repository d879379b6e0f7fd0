package io.seqstream.state;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Brings the state of newly assigned partitions back from the changelog before any of their records is processed. */
public interface ChangelogReader extends AutoCloseable {

    /**
     * Reads the changelog partitions with the given numbers from the beginning to their last stable offset,
     * applying every record to the table (a tombstone removes the stream).
     */
    default Restored restore(Collection<Integer> partitions, StateTable table) {
        Map<Integer, Long> fromStart = new HashMap<>();
        for (int p : partitions) fromStart.put(p, 0L);
        return restore(fromStart, table);
    }

    /**
     * As {@link #restore(Collection, StateTable)}, each partition read from the given offset on (0: from its
     * beginning) instead: the tail after a local checkpoint.
     */
    Restored restore(Map<Integer, Long> from, StateTable table);

    /** Log start and last stable offset of each given partition, as a read_committed reader sees them now. */
    Map<Integer, Bounds> bounds(Collection<Integer> partitions);

    /** The changelog topic's name. */
    String topic();

    /** The changelog topic's id (a re-created topic gets a new one), or "" when the cluster does not tell. */
    String topicId();

    /**
     * Fetches evicted streams back: each value is a packed (partition, offset) from
     * {@link StateTable#coldLocation(String)}; the records found there are restored into the table.
     */
    int fetch(java.util.Map<String, Long> locations, StateTable table);

    @Override
    void close();

    /** Where a partition's readable records begin and end: {@code start <= offset < end}. */
    record Bounds(long start, long end) {
    }

    /**
     * What a restore did.
     *
     * @param records      changelog records read
     * @param streams      streams the table holds afterwards
     * @param checkpointed streams (held and evicted) that came from local checkpoints rather than the changelog
     */
    record Restored(int partitions, long records, int streams, long nanos, long checkpointed) {
        public Restored(int partitions, long records, int streams, long nanos) {
            this(partitions, records, streams, nanos, 0);
        }
    }
}
