package io.seqstream.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * One value on the instances topic: a heartbeat of the process (run) that holds an instance id, or its release.
 *
 * @param run      random id of the holding process, new at every start
 * @param host     where it runs (for the error message of a refused start)
 * @param pid      its process id (likewise)
 * @param seq      heartbeat number within the run: a higher one proves the run is still alive
 * @param started  when the run claimed the id (epoch ms; informational only, never compared with our clock)
 * @param claim    offset of the run's first heartbeat; -1 in that first record itself (its own offset)
 * @param released the run stopped cleanly: the id is free at once
 */
record LeaseRecord(String run, String host, long pid, long seq, long started, long claim, boolean released) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode lease record", e);
        }
    }

    /** The record, or null for a tombstone or a value that is not a lease record (ignored, never fatal). */
    static LeaseRecord decode(byte[] value) {
        if (value == null) return null;
        try {
            LeaseRecord r = JSON.readValue(value, LeaseRecord.class);
            return r.run() == null ? null : r;
        } catch (IOException e) {
            return null;
        }
    }

    /** The offset of the run's claim, given the offset this record was read at. */
    long claimAt(long offset) { return claim >= 0 ? claim : offset; }

    String describe() { return "host " + host + ", pid " + pid; }
}
