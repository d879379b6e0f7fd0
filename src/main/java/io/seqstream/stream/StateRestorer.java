package io.seqstream.stream;

import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSpec;
import io.seqstream.state.ChangelogReader;
import io.seqstream.state.Checkpoints;
import io.seqstream.state.StateTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processing thread's changelog restore, as Kafka Streams' StoreChangelogReader is its own: assigned partitions'
 * states read back from their local checkpoints plus the changelog after them, evicted streams fetched back before
 * their next token, and the checkpoints written after commits, revocations and an orderly stop.
 */
final class StateRestorer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StateRestorer.class);

    private final String pipeline;
    private final ChangelogReader changelog;
    private final Checkpoints checkpoints;
    private final ServingMeters meters;

    StateRestorer(String pipeline, ChangelogReader changelog, Path checkpointDir, Duration checkpointInterval,
                  Supplier<ModelSpec> spec, ServingMeters meters) {
        this.pipeline = pipeline;
        this.changelog = changelog;
        this.checkpoints = new Checkpoints(checkpointDir, checkpointInterval, spec, changelog);
        this.meters = meters;
    }

    /** Reads the partitions' states back (checkpoint, then changelog) in place of what the table holds for them. */
    void restore(Collection<Integer> partitions, StateTable table) {
        if (partitions.isEmpty()) return;
        table.dropPartitions(partitions);
        long droppedBefore = table.droppedForShape();
        ChangelogReader.Restored r = checkpoints.restore(partitions, table);
        meters.restored(r.nanos());
        long dropped = table.droppedForShape() - droppedBefore;
        if (dropped > 0) {
            meters.statesDropped(dropped);
            LOG.warn("pipeline {}: dropped {} changelog states of partitions {} written for a model of another state shape; those streams start from zero",
                    pipeline, dropped, partitions);
        }
        LOG.info("pipeline {}: restored {} streams from {} checkpointed and {} changelog records of partitions {} in {} ms",
                pipeline, r.streams(), r.checkpointed(), r.records(), partitions, r.nanos() / 1_000_000);
    }

    /** Streams evicted by TTL come back from the changelog (locations from {@link StateTable#coldLocation}). */
    void fetchCold(Map<String, Long> locations, StateTable table) {
        changelog.fetch(locations, table);
    }

    /** After a commit: a checkpoint is written when the interval has passed. */
    void committed(StateTable table) {
        checkpoints.committed(table);
    }

    /** Partitions leaving in an orderly way: a last checkpoint of them, then they are forgotten. */
    void revoked(Collection<Integer> partitions, StateTable table) {
        checkpoints.revoked(partitions, table);
    }

    /** Partitions taken away (another member may own them already): forgotten without a checkpoint. */
    void lost(Collection<Integer> partitions) {
        checkpoints.lost(partitions);
    }

    /** Writes the final checkpoints (orderly stop), then closes the changelog reader. */
    void close(StateTable table) {
        checkpoints.close(table);
        close();
    }

    @Override
    public void close() {
        try {
            changelog.close();
        } catch (RuntimeException e) {
            LOG.debug("closing changelog reader", e);
        }
    }
}
