package io.seqstream.kafka;

/**
 * Whether this process still owns its instance id. Processors ask it when their transactional producer is fenced:
 * fenced by another live process with the same id means stop for good; otherwise the fence is our own doing (a
 * timed-out transaction, a producer recreated after an error) and a new producer carries on.
 */
@FunctionalInterface
public interface InstanceOwnership {
    /** For tests and tools without a lease: the id is never held elsewhere. */
    InstanceOwnership SOLE = () -> false;

    /** True once another process heartbeats for this instance id with a newer claim than ours (it won). */
    boolean heldElsewhere();
}
