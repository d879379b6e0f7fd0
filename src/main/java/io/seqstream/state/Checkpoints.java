package io.seqstream.state;

import io.seqstream.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local checkpoints of one processing thread's state, as Kafka Streams' checkpoint files: per changelog partition a
 * snapshot of the table's streams plus the changelog offset it covers, so that a restore reads one file and only the
 * changelog after that offset instead of the whole changelog.
 *
 * <p>The processing thread calls {@link #restore} on assignment, {@link #committed} after every commit, {@link #revoked}
 * and {@link #lost} when partitions leave, and {@link #close} when it stops. At most every {@code interval}, after a
 * commit, the owned partitions whose covered offset moved are copied on the processing thread (array copies, between
 * transactions, so only committed state) and written by one background thread; a round is skipped while the previous
 * write runs. Revoked partitions and, on close, all owned ones get a last checkpoint; a crash leaves the last written
 * one, and the restore replays whatever the changelog holds after it.
 *
 * <p>Any complete checkpoint is a consistent image of the changelog up to its offset, and replaying a record it already
 * covers is harmless (a state record is a whole state), so files are keyed by changelog partition only and may be
 * shared by every thread and instance that uses the same data folder. A checkpoint that is missing, corrupt, of another
 * topic incarnation or model shape, ahead of the changelog's end, behind its log start (records deleted rather than
 * compacted), or older than {@link #MAX_AGE} is ignored with a log line: the partition is then restored from offset 0.
 */
public final class Checkpoints {
    /**
     * Kafka drops a compacted topic's tombstones after {@code delete.retention.ms} (24 h by default); a checkpoint older
     * than that could bring back a stream whose tombstone is gone. Half of it leaves a margin.
     */
    public static final Duration MAX_AGE = Duration.ofHours(12);
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final Path dir;
    private final Duration interval;
    private final Supplier<ModelSpec> spec;
    private final ChangelogReader changelog;
    private final Set<Integer> owned = new HashSet<>();
    /** Offset of the newest checkpoint on disk per partition, as this thread knows it (written by the writer thread). */
    private final Map<Integer, Long> onDisk = new ConcurrentHashMap<>();
    private final ExecutorService writer;
    private Future<?> writing;
    private long lastRound = System.nanoTime();

    /**
     * @param dir       folder of this changelog's checkpoint files
     * @param interval  how often a checkpoint is written after a commit; zero turns checkpoints off (no reads either)
     * @param spec      the model now served (its shape labels the files)
     * @param changelog the reader that restores what the checkpoints do not cover
     */
    public Checkpoints(Path dir, Duration interval, Supplier<ModelSpec> spec, ChangelogReader changelog) {
        this.dir = dir;
        this.interval = interval;
        this.spec = spec;
        this.changelog = changelog;
        this.writer = enabled() ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "seqstream-checkpoint-" + changelog.topic());
            t.setDaemon(true);
            return t;
        }) : null;
    }

    public boolean enabled() { return !interval.isZero() && !interval.isNegative(); }

    /** The checkpoint file of a changelog partition. */
    public Path file(int partition) { return dir.resolve(changelog.topic() + "-" + partition + ".ckpt"); }

    /**
     * Restores the given partitions into the table: each from its checkpoint when there is a valid one, then the
     * changelog from the checkpoint's offset (or from the beginning) to its end.
     */
    public ChangelogReader.Restored restore(Collection<Integer> partitions, StateTable table) {
        owned.addAll(partitions);
        if (!enabled() || partitions.isEmpty()) return changelog.restore(partitions, table);
        long t0 = System.nanoTime();
        Map<Integer, ChangelogReader.Bounds> bounds = changelog.bounds(partitions);
        CheckpointFile.Shape shape = CheckpointFile.Shape.of(spec.get(), table.width());
        String topicId = changelog.topicId();
        Map<Integer, Long> from = new HashMap<>();
        long loaded = 0;
        long now = System.currentTimeMillis();
        for (int p : partitions) {
            from.put(p, 0L);
            deleteAbandonedTemporaries(p);
            CheckpointFile.Read read = CheckpointFile.read(file(p), new CheckpointFile.Source(changelog.topic(), topicId, p), shape);
            String problem = read.valid() ? usable(read, bounds.get(p), now) : read.problem();
            if (problem != null) {
                LOG.info("changelog {}-{}: checkpoint {} ignored ({}); restoring the partition from offset 0",
                        changelog.topic(), p, file(p), problem);
                continue;
            }
            PartitionSnapshot s = read.snapshot();
            table.load(s, now);
            from.put(p, s.offset());
            onDisk.put(p, s.offset());
            loaded += s.rows() + s.coldRows();
            LOG.info("changelog {}-{}: {} streams ({} evicted) from the checkpoint at offset {}, the changelog has {} more",
                    changelog.topic(), p, s.rows() + s.coldRows(), s.coldRows(), s.offset(), bounds.get(p).end() - s.offset());
        }
        ChangelogReader.Restored tail = changelog.restore(from, table);
        return new ChangelogReader.Restored(partitions.size(), tail.records(), table.size(), System.nanoTime() - t0, loaded);
    }

    /**
     * A write cut short by a crash leaves its temporary file behind. One an hour old is no longer being written by
     * anyone (a write takes seconds), so it goes.
     */
    private void deleteAbandonedTemporaries(int partition) {
        String prefix = file(partition).getFileName() + ".";
        long cutoff = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(".tmp") && Files.getLastModifiedTime(f).toMillis() < cutoff) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            // No folder yet, or a file that went meanwhile: nothing to clean.
        }
    }

    /** Why a well-formed checkpoint cannot serve this changelog now, or null when it can. */
    private static String usable(CheckpointFile.Read read, ChangelogReader.Bounds bounds, long nowMillis) {
        long offset = read.snapshot().offset();
        if (offset > bounds.end()) {
            return "its offset " + offset + " is ahead of the changelog's end " + bounds.end();
        }
        if (offset < bounds.start()) {
            return "its offset " + offset + " is before the changelog's start " + bounds.start() + ": records were deleted";
        }
        if (nowMillis - read.writtenAtMillis() > MAX_AGE.toMillis()) {
            return "older than " + MAX_AGE.toHours() + " h: tombstones written since may be gone";
        }
        return null;
    }

    /** After a successful commit: starts a checkpoint round when the interval has passed and no write is running. */
    public void committed(StateTable table) {
        if (!enabled() || System.nanoTime() - lastRound < interval.toNanos() || busy()) return;
        lastRound = System.nanoTime();
        checkpoint(owned, table);
    }

    /** Partitions leave in an orderly way: a last checkpoint of them (after any running write), then they are forgotten. */
    public void revoked(Collection<Integer> partitions, StateTable table) {
        if (enabled()) {
            awaitWrite(Duration.ofSeconds(30));
            Set<Integer> leaving = new HashSet<>(partitions);
            leaving.retainAll(owned);
            checkpoint(leaving, table);
        }
        owned.removeAll(partitions);
    }

    /** Partitions were taken away (another member may own them already): forgotten without a checkpoint. */
    public void lost(Collection<Integer> partitions) {
        owned.removeAll(partitions);
    }

    /** A last checkpoint of every owned partition, waited for, then the writer stops. */
    public void close(StateTable table) {
        if (!enabled()) return;
        awaitWrite(Duration.ofSeconds(60));
        checkpoint(owned, table);
        awaitWrite(Duration.ofSeconds(60));
        writer.shutdownNow();
    }

    /** Waits for the running write, if any (tests and orderly hand-overs). */
    public void awaitWrite(Duration timeout) {
        Future<?> f = writing;
        if (f == null) return;
        try {
            f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("changelog {}: checkpoint write did not finish ({})", changelog.topic(), e.toString());
        }
    }

    private boolean busy() { return writing != null && !writing.isDone(); }

    private void checkpoint(Collection<Integer> partitions, StateTable table) {
        if (partitions.isEmpty() || writer.isShutdown() || busy() || table.inTransaction()) return;
        Set<Integer> moved = new HashSet<>();
        table.coveredOffsets(partitions).forEach((p, offset) -> {
            if (!offset.equals(onDisk.get(p))) moved.add(p);
        });
        if (moved.isEmpty()) return;
        Map<Integer, PartitionSnapshot> copies = table.copyPartitions(moved);
        CheckpointFile.Shape shape = CheckpointFile.Shape.of(spec.get(), table.width());
        writing = writer.submit(() -> write(copies, shape));
    }

    private void write(Map<Integer, PartitionSnapshot> copies, CheckpointFile.Shape shape) {
        String topicId = changelog.topicId();
        for (PartitionSnapshot s : copies.values()) {
            long t0 = System.nanoTime();
            try {
                CheckpointFile.write(file(s.partition()), new CheckpointFile.Source(changelog.topic(), topicId, s.partition()),
                        shape, s, System.currentTimeMillis());
                onDisk.put(s.partition(), s.offset());
                LOG.debug("changelog {}-{}: checkpoint of {} streams at offset {} in {} ms", changelog.topic(), s.partition(),
                        s.rows() + s.coldRows(), s.offset(), (System.nanoTime() - t0) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                LOG.warn("changelog {}-{}: checkpoint not written ({}); the next round tries again", changelog.topic(),
                        s.partition(), e.toString());
            }
        }
    }
}
