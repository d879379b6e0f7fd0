package io.seqstream.stream;

/**
 * Whether another live process runs under this instance's id. A processor whose producer was fenced asks it: when
 * another process holds the id, re-initialising the same transactional id would fence that process back (and so on
 * forever), so the processor stops instead; otherwise the fence came from the broker (a transaction that timed out
 * while this process was paused) and a new producer carries on.
 */
@FunctionalInterface
public interface InstanceOwnership {
    /** Nobody else is known to hold the id (single process, tests). */
    InstanceOwnership SOLE = () -> false;

    boolean heldElsewhere();
}
