package io.seqstream.stream;

import io.seqstream.serve.ServedModel;
import java.util.Set;

/**
 * What one processing thread shows the rest of the product while it runs: its status, the model it serves, the
 * partitions, lag and streams it holds. Read-only and safe to call from any thread (values are recent estimates), so
 * the web gateway and health checks never need the processing loop itself.
 */
public interface ProcessingView {

    /** What a processing thread is doing, for health. */
    enum Status { STARTING, RUNNING, RESTARTING, FENCED, STOPPED }

    /** The pipeline the thread processes. */
    String pipeline();

    /** What the thread is doing now: running, restarting after an error, fenced, stopped. */
    Status status();

    /** Whether the thread is up and processing (started, not fenced, not stopped). */
    boolean alive();

    /** The last unexpected error, or null. */
    String lastError();

    /** The model that produces outputs now. */
    ServedModel model();

    /** The version that produces outputs now. */
    long modelVersion();

    /** Partitions of the input topic the thread owns now. */
    Set<Integer> assignedPartitions();

    /** Input records not yet consumed on those partitions, as of the thread's last fetch (at most a second old); -1 unknown. */
    long lag();

    /** Streams whose state is in memory (an estimate). */
    int hotStreams();

    /** Evicted streams whose state waits in the changelog (an estimate). */
    int coldStreams();
}
