package io.seqstream.state;

import java.util.Collection;

/** Brings the state of newly assigned partitions back from the changelog before any of their records is processed. */
public interface ChangelogReader extends AutoCloseable {

    /**
     * Reads the changelog partitions with the given numbers from the beginning to their last stable offset,
     * applying every record to the table (a tombstone removes the stream).
     */
    Restored restore(Collection<Integer> partitions, StateTable table);

    /**
     * Fetches evicted streams back: each value is a packed (partition, offset) from
     * {@link StateTable#coldLocation(String)}; the records found there are restored into the table.
     */
    int fetch(java.util.Map<String, Long> locations, StateTable table);

    @Override
    void close();

    /** What a restore did. */
    record Restored(int partitions, long records, int streams, long nanos) {
    }
}
