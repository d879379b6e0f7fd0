package io.seqstream.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-stream state of one processing thread: stream id -> a row of one preallocated float matrix, plus
 * the stream's position, parameter, model version, partition and last activity. Rows are reused through a
 * free list and the matrix grows by doubling, so the steady state allocates nothing per token.
 *
 * <p>Every stream's latest committed changelog offset is tracked; an idle stream evicted by TTL leaves only
 * that (partition, offset) behind in a cold index, and is fetched back from the changelog on its next token.
 *
 * <p>Changes are transactional: the first time a stream is touched inside a transaction its previous
 * contents are saved, so {@link #abort()} puts every row back exactly as the last commit left it, and
 * {@link #commit()} hands out the streams that must go to the changelog. Not thread-safe.
 */
public final class StateTable {
    private final int width;
    private final int shape;
    private long droppedForShape;
    private Map<String, Integer> slots = new HashMap<>();
    private IntStack free = new IntStack();
    private final int minCapacity;
    private float[] states;
    private String[] ids;
    private int[] partitions;
    private long[] positions;
    private int[] params;
    private long[] versions;
    private long[] lastSeen;
    private long[] changelogOffsets;
    private final Map<String, Long> cold = new HashMap<>();
    private int capacity;
    private int high;

    /** Ids recorded for undo in this transaction: a stream new here (or ended and back) has no row to mark. */
    private final java.util.Set<String> recorded = new java.util.HashSet<>();
    private final List<String> touched = new ArrayList<>();
    /** Undo records in first-touch order, parallel to {@link #touched}. */
    private final List<Undo> undoOrder = new ArrayList<>();
    /**
     * The transaction in which each row was last recorded for undo: an existing stream touched again in the same
     * transaction is recognised by its row, without a lookup by id (the hot path: one check per token).
     */
    private int[] undoEpoch;
    private int epoch;

    public StateTable(int width, int initialCapacity) {
        this(width, initialCapacity, 0);
    }

    /**
     * @param shape the served model's {@link io.seqstream.model.ModelSpec#stateShapeId()}: written into every changelog
     *              record, and a restored record of another shape is dropped; 0 = unknown (accepts any of the width)
     */
    public StateTable(int width, int initialCapacity, int shape) {
        this.width = width;
        this.shape = shape;
        this.capacity = Math.max(16, initialCapacity);
        this.minCapacity = capacity;
        states = new float[capacity * width];
        ids = new String[capacity];
        partitions = new int[capacity];
        positions = new long[capacity];
        params = new int[capacity];
        versions = new long[capacity];
        lastSeen = new long[capacity];
        changelogOffsets = new long[capacity];
        undoEpoch = new int[capacity];
        Arrays.fill(undoEpoch, -1);
    }

    /** Floats per stream. */
    public int width() { return width; }

    /** The state matrix; rows are {@link #width()} floats. Re-read after creating streams: it may grow. */
    public float[] matrix() { return states; }

    public int size() { return slots.size(); }

    /** Row of the stream, or -1 when it is not held here. */
    public int slot(String streamId) {
        Integer s = slots.get(streamId);
        return s == null ? -1 : s;
    }

    /** Row of the stream, creating a zero state at position 0 when absent. Marks it touched. */
    public int slotForUpdate(String streamId, int partition, long now) {
        Integer s = slots.get(streamId);
        int slot;
        if (s == null) {
            recordUndo(streamId, -1, partition);
            slot = allocate();
            undoEpoch[slot] = epoch;
            slots.put(streamId, slot);
            ids[slot] = streamId;
            partitions[slot] = partition;
            positions[slot] = 0;
            params[slot] = -1;
            versions[slot] = 0;
            changelogOffsets[slot] = -1;
            Arrays.fill(states, slot * width, (slot + 1) * width, 0f);
        } else {
            slot = s;
            recordUndo(streamId, slot, partitions[slot]);
        }
        lastSeen[slot] = now;
        return slot;
    }

    public long position(int slot) { return positions[slot]; }

    public void setPosition(int slot, long position) { positions[slot] = position; }

    public int param(int slot) { return params[slot]; }

    public void setParam(int slot, int param) { params[slot] = param; }

    public long modelVersion(int slot) { return versions[slot]; }

    public void setModelVersion(int slot, long version) { versions[slot] = version; }

    public String streamId(int slot) { return ids[slot]; }

    /** Zeroes the stream's recurrent state and position (the {@code reset} control). */
    public void reset(int slot) {
        Arrays.fill(states, slot * width, (slot + 1) * width, 0f);
        positions[slot] = 0;
    }

    /** Drops a stream inside the transaction (the {@code end} control); it commits as a tombstone. */
    public void end(String streamId, int partition) {
        Integer s = slots.get(streamId);
        recordUndo(streamId, s == null ? -1 : s, partition);
        if (s != null) release(s);
    }

    /**
     * Restores a changelog record (see {@link #restore(String, int, StreamState, long, long)}) unless it holds a state
     * of another shape or width, written for another model: then it is dropped, counted, and false is returned.
     */
    public boolean restoreRecord(String streamId, int partition, byte[] value, long changelogOffset, long now) {
        int recordShape = StateRecordCodec.shape(value);
        StreamState state = StateRecordCodec.decode(value);
        if (state.values().length != width || shape != 0 && recordShape != 0 && recordShape != shape) {
            droppedForShape++;
            forget(streamId);
            return false;
        }
        restore(streamId, partition, state, changelogOffset, now);
        return true;
    }

    /** Changelog records dropped on restore because they held a state of another model shape. */
    public long droppedForShape() { return droppedForShape; }


    /** Puts a restored state in place, outside any transaction (changelog restore or a cold fetch). */
    public void restore(String streamId, int partition, StreamState state, long changelogOffset, long now) {
        if (state.values().length != width) {
            throw new IllegalArgumentException("stream " + streamId + ": restored state has " + state.values().length
                    + " floats, the model needs " + width);
        }
        Integer s = slots.get(streamId);
        int slot = s == null ? allocate() : s;
        slots.put(streamId, slot);
        ids[slot] = streamId;
        partitions[slot] = partition;
        positions[slot] = state.position();
        params[slot] = state.param();
        versions[slot] = state.modelVersion();
        lastSeen[slot] = now;
        changelogOffsets[slot] = changelogOffset;
        cold.remove(streamId);
        System.arraycopy(state.values(), 0, states, slot * width, width);
    }

    /** Records where the stream's latest committed state sits in its changelog partition. */
    public void setChangelogOffset(String streamId, long offset) {
        Integer s = slots.get(streamId);
        if (s != null) changelogOffsets[s] = offset;
    }

    /** Packed (partition, offset) of an evicted stream's state in the changelog, or -1 when it is not cold. */
    public long coldLocation(String streamId) {
        Long v = cold.get(streamId);
        return v == null ? -1 : v;
    }

    /** Evicted streams whose state can be fetched back. */
    public int coldSize() { return cold.size(); }

    public static long pack(int partition, long offset) { return ((long) partition << 48) | offset; }

    public static int packedPartition(long packed) { return (int) (packed >>> 48); }

    public static long packedOffset(long packed) { return packed & ((1L << 48) - 1); }

    /** Removes a stream outside any transaction (restore of a tombstone, eviction). */
    public void forget(String streamId) {
        Integer s = slots.get(streamId);
        if (s != null) release(s);
        cold.remove(streamId);
    }

    /** Drops every stream of the given partitions (revoked or lost); their state lives on in the changelog. */
    public int dropPartitions(java.util.Collection<Integer> dropped) {
        if (dropped.isEmpty()) return 0;
        List<Integer> victims = new ArrayList<>();
        for (int slot : slots.values()) {
            if (dropped.contains(partitions[slot])) victims.add(slot);
        }
        for (int slot : victims) release(slot);
        cold.values().removeIf(packed -> dropped.contains(packedPartition(packed)));
        return victims.size();
    }

    /** Evicts streams idle since before the cutoff; only call between transactions. */
    public int evictIdleBefore(long cutoff) {
        if (!touched.isEmpty()) throw new IllegalStateException("evict only between transactions");
        List<Integer> victims = new ArrayList<>();
        for (int slot : slots.values()) {
            if (lastSeen[slot] < cutoff) victims.add(slot);
        }
        for (int slot : victims) {
            if (changelogOffsets[slot] >= 0) cold.put(ids[slot], pack(partitions[slot], changelogOffsets[slot]));
            release(slot);
        }
        shrinkIfSparse();
        return victims.size();
    }

    /** Rows allocated (held streams fit without growing). */
    public int capacity() { return capacity; }

    /**
     * Gives memory back after a large eviction: when at most a quarter of the rows are in use, the live rows move
     * to the front of arrays half as large or smaller (never below the initial capacity). Rows get new numbers, so
     * this runs only between transactions, where no caller holds a row number.
     */
    private void shrinkIfSparse() {
        int live = slots.size();
        if (capacity <= minCapacity || live > capacity / 4) return;
        int n = capacity;
        while (n / 2 >= minCapacity && live <= n / 4) n /= 2;
        float[] s2 = new float[n * width];
        String[] ids2 = new String[n];
        int[] part2 = new int[n];
        long[] pos2 = new long[n];
        int[] par2 = new int[n];
        long[] ver2 = new long[n];
        long[] seen2 = new long[n];
        long[] off2 = new long[n];
        Map<String, Integer> slots2 = new HashMap<>(Math.max(16, live * 2));
        int j = 0;
        for (Map.Entry<String, Integer> e : slots.entrySet()) {
            int i = e.getValue();
            System.arraycopy(states, i * width, s2, j * width, width);
            ids2[j] = ids[i];
            part2[j] = partitions[i];
            pos2[j] = positions[i];
            par2[j] = params[i];
            ver2[j] = versions[i];
            seen2[j] = lastSeen[i];
            off2[j] = changelogOffsets[i];
            slots2.put(e.getKey(), j++);
        }
        states = s2;
        ids = ids2;
        partitions = part2;
        positions = pos2;
        params = par2;
        versions = ver2;
        lastSeen = seen2;
        changelogOffsets = off2;
        slots = slots2;
        undoEpoch = new int[n];
        Arrays.fill(undoEpoch, -1);
        free = new IntStack();
        high = live;
        capacity = n;
    }

    /** A snapshot of the stream's committed-or-current state, for the changelog. */
    public StreamState snapshot(int slot) {
        return new StreamState(positions[slot], params[slot], versions[slot],
                Arrays.copyOfRange(states, slot * width, (slot + 1) * width));
    }

    /** Encodes the stream's current state as a changelog value. */
    public byte[] encode(int slot) {
        return StateRecordCodec.encode(positions[slot], params[slot], versions[slot], shape, states, slot * width, width);
    }

    /** Streams touched in the current transaction, in first-touch order. */
    public List<String> touched() { return touched; }

    /** The partition of the i-th stream of {@link #touched()} (also of one it ended). */
    public int touchedPartition(int i) { return undoOrder.get(i).partition; }

    /** Records where the committed state of the stream in this row sits in its changelog partition. */
    public void setChangelogOffsetAt(int slot, long offset) { changelogOffsets[slot] = offset; }

    /** Whether a transaction has touched streams that are not committed yet. */
    public boolean inTransaction() { return !touched.isEmpty(); }

    /** Makes the transaction's changes permanent. */
    public void commit() {
        recorded.clear();
        touched.clear();
        undoOrder.clear();
        epoch++;
    }

    /** Puts every touched stream back as the last commit left it. */
    public void abort() {
        for (int i = touched.size() - 1; i >= 0; i--) {
            String id = touched.get(i);
            Undo u = undoOrder.get(i);
            Integer now = slots.get(id);
            if (now != null) release(now);
            if (u.saved != null) {
                int slot = allocate();
                slots.put(id, slot);
                ids[slot] = id;
                partitions[slot] = u.partition;
                positions[slot] = u.saved.position();
                params[slot] = u.saved.param();
                versions[slot] = u.saved.modelVersion();
                lastSeen[slot] = u.lastSeen;
                changelogOffsets[slot] = u.changelogOffset;
                System.arraycopy(u.saved.values(), 0, states, slot * width, width);
            }
        }
        recorded.clear();
        touched.clear();
        undoOrder.clear();
        epoch++;
    }

    private void recordUndo(String id, int slot, int partition) {
        if (slot >= 0 ? undoEpoch[slot] == epoch : recorded.contains(id)) return;
        Undo u = slot < 0 ? new Undo(null, partition, 0, -1)
                : new Undo(snapshot(slot), partitions[slot], lastSeen[slot], changelogOffsets[slot]);
        recorded.add(id);
        undoOrder.add(u);
        touched.add(id);
        if (slot >= 0) undoEpoch[slot] = epoch;
    }

    private int allocate() {
        int slot;
        if (!free.isEmpty()) {
            slot = free.pop();
        } else {
            if (high == capacity) grow();
            slot = high++;
        }
        // A reused row is not yet recorded for undo in this transaction, whoever held it before.
        undoEpoch[slot] = -1;
        return slot;
    }

    private void release(int slot) {
        slots.remove(ids[slot]);
        ids[slot] = null;
        free.push(slot);
    }

    private void grow() {
        growTo(capacity * 2);
    }

    private void growTo(int n) {
        states = Arrays.copyOf(states, n * width);
        ids = Arrays.copyOf(ids, n);
        partitions = Arrays.copyOf(partitions, n);
        positions = Arrays.copyOf(positions, n);
        params = Arrays.copyOf(params, n);
        versions = Arrays.copyOf(versions, n);
        lastSeen = Arrays.copyOf(lastSeen, n);
        changelogOffsets = Arrays.copyOf(changelogOffsets, n);
        int from = undoEpoch.length;
        undoEpoch = Arrays.copyOf(undoEpoch, n);
        Arrays.fill(undoEpoch, from, n, -1);
        capacity = n;
    }

    /**
     * Per given partition, the first changelog offset not yet reflected in the table: one past the highest
     * committed changelog offset of its held or evicted streams (0 when it has none). Only between transactions.
     */
    public Map<Integer, Long> coveredOffsets(java.util.Collection<Integer> partitionNumbers) {
        requireNoTransaction();
        Map<Integer, Long> out = new HashMap<>();
        for (int p : partitionNumbers) out.put(p, 0L);
        for (int slot = 0; slot < high; slot++) {
            if (ids[slot] == null) continue;
            Long o = out.get(partitions[slot]);
            if (o != null && changelogOffsets[slot] + 1 > o) out.put(partitions[slot], changelogOffsets[slot] + 1);
        }
        for (long packed : cold.values()) {
            Long o = out.get(packedPartition(packed));
            if (o != null && packedOffset(packed) + 1 > o) out.put(packedPartition(packed), packedOffset(packed) + 1);
        }
        return out;
    }

    /**
     * Copies the held and evicted streams of the given partitions (committed contents only: between transactions),
     * each with its {@link #coveredOffsets covered offset}. Costs one pass over the rows and one array copy per row.
     */
    public Map<Integer, PartitionSnapshot> copyPartitions(java.util.Collection<Integer> partitionNumbers) {
        Map<Integer, Long> covered = coveredOffsets(partitionNumbers);
        Map<Integer, int[]> counts = new HashMap<>();
        for (int p : partitionNumbers) counts.put(p, new int[2]);
        for (int slot = 0; slot < high; slot++) {
            if (ids[slot] == null) continue;
            int[] c = counts.get(partitions[slot]);
            if (c != null) c[0]++;
        }
        for (Map.Entry<String, Long> e : cold.entrySet()) {
            int[] c = counts.get(packedPartition(e.getValue()));
            if (c != null) c[1]++;
        }
        Map<Integer, Builder> builders = new HashMap<>();
        counts.forEach((p, c) -> builders.put(p, new Builder(c[0], c[1], width)));
        for (int slot = 0; slot < high; slot++) {
            if (ids[slot] == null) continue;
            Builder b = builders.get(partitions[slot]);
            if (b == null) continue;
            int r = b.rows++;
            b.ids[r] = ids[slot];
            b.positions[r] = positions[slot];
            b.params[r] = params[slot];
            b.versions[r] = versions[slot];
            b.offsets[r] = changelogOffsets[slot];
            System.arraycopy(states, slot * width, b.states, r * width, width);
        }
        for (Map.Entry<String, Long> e : cold.entrySet()) {
            Builder b = builders.get(packedPartition(e.getValue()));
            if (b == null) continue;
            b.coldIds[b.colds] = e.getKey();
            b.coldLocations[b.colds++] = e.getValue();
        }
        Map<Integer, PartitionSnapshot> out = new HashMap<>();
        builders.forEach((p, b) -> out.put(p, new PartitionSnapshot(p, covered.get(p), width, b.ids, b.positions, b.params,
                b.versions, b.offsets, b.states, b.coldIds, b.coldLocations)));
        return out;
    }

    /**
     * Puts a partition's copy in place, outside any transaction (restore from a local checkpoint): its streams as
     * {@link #restore} would, its evicted streams into the cold index unless they are held.
     */
    public void load(PartitionSnapshot s, long now) {
        requireNoTransaction();
        if (s.width() != width) {
            throw new IllegalArgumentException("partition " + s.partition() + ": snapshot rows have " + s.width()
                    + " floats, the table " + width);
        }
        // One allocation for the whole partition instead of a doubling (and a copy of every row) per power of two.
        int needed = high + s.rows();
        if (needed > capacity) {
            int n = capacity;
            while (n < needed) n *= 2;
            growTo(n);
        }
        float[] src = s.states();
        for (int r = 0; r < s.rows(); r++) {
            String id = s.id(r);
            Integer existing = slots.get(id);
            int slot;
            if (existing == null) {
                slot = allocate();
                slots.put(id, slot);
            } else {
                slot = existing;
            }
            ids[slot] = id;
            partitions[slot] = s.partition();
            positions[slot] = s.position(r);
            params[slot] = s.param(r);
            versions[slot] = s.modelVersion(r);
            lastSeen[slot] = now;
            changelogOffsets[slot] = s.changelogOffset(r);
            if (!cold.isEmpty()) cold.remove(id);
            System.arraycopy(src, r * width, states, slot * width, width);
        }
        for (int i = 0; i < s.coldRows(); i++) {
            if (!slots.containsKey(s.coldId(i))) cold.put(s.coldId(i), s.coldLocation(i));
        }
    }

    private void requireNoTransaction() {
        if (!touched.isEmpty()) throw new IllegalStateException("only between transactions");
    }

    private static final class Builder {
        final String[] ids;
        final long[] positions;
        final int[] params;
        final long[] versions;
        final long[] offsets;
        final float[] states;
        final String[] coldIds;
        final long[] coldLocations;
        int rows;
        int colds;

        Builder(int rows, int colds, int width) {
            ids = new String[rows];
            positions = new long[rows];
            params = new int[rows];
            versions = new long[rows];
            offsets = new long[rows];
            states = new float[rows * width];
            coldIds = new String[colds];
            coldLocations = new long[colds];
        }
    }

    /** Partition of the stream's row. */
    public int partition(int slot) { return partitions[slot]; }

    private record Undo(StreamState saved, int partition, long lastSeen, long changelogOffset) {
    }

    private static final class IntStack {
        private int[] items = new int[16];
        private int size;

        void push(int v) {
            if (size == items.length) items = Arrays.copyOf(items, size * 2);
            items[size++] = v;
        }

        int pop() { return items[--size]; }

        boolean isEmpty() { return size == 0; }
    }
}
