package io.seqstream.state;

/**
 * A copy of one changelog partition's part of a {@link StateTable}, taken between transactions: its held streams
 * (state rows and bookkeeping, packed into flat arrays so that copying a million rows is a few array copies) and its
 * evicted streams' changelog locations, plus the changelog offset the copy covers. Applying the changelog's records
 * from {@link #offset()} on to this copy gives the partition's current state.
 */
public final class PartitionSnapshot {
    private final int partition;
    private final long offset;
    private final int width;
    private final String[] ids;
    private final long[] positions;
    private final int[] params;
    private final long[] versions;
    private final long[] changelogOffsets;
    private final float[] states;
    private final String[] coldIds;
    private final long[] coldLocations;

    /** Takes ownership of the arrays: {@code states} holds {@code ids.length} rows of {@code width} floats. */
    public PartitionSnapshot(int partition, long offset, int width, String[] ids, long[] positions, int[] params,
                             long[] versions, long[] changelogOffsets, float[] states, String[] coldIds, long[] coldLocations) {
        if (states.length != (long) ids.length * width || positions.length != ids.length || params.length != ids.length
                || versions.length != ids.length || changelogOffsets.length != ids.length || coldIds.length != coldLocations.length) {
            throw new IllegalArgumentException("partition snapshot arrays disagree on the number of streams");
        }
        this.partition = partition;
        this.offset = offset;
        this.width = width;
        this.ids = ids;
        this.positions = positions;
        this.params = params;
        this.versions = versions;
        this.changelogOffsets = changelogOffsets;
        this.states = states;
        this.coldIds = coldIds;
        this.coldLocations = coldLocations;
    }

    public int partition() { return partition; }

    /** The first changelog offset NOT reflected in this copy: a restore replays the changelog from here. */
    public long offset() { return offset; }

    /** Floats per stream. */
    public int width() { return width; }

    /** Held streams. */
    public int rows() { return ids.length; }

    /** Evicted streams (id and packed changelog location). */
    public int coldRows() { return coldIds.length; }

    public String id(int row) { return ids[row]; }

    public long position(int row) { return positions[row]; }

    public int param(int row) { return params[row]; }

    public long modelVersion(int row) { return versions[row]; }

    public long changelogOffset(int row) { return changelogOffsets[row]; }

    /** All rows' state floats, row after row (not a copy). */
    public float[] states() { return states; }

    public String coldId(int i) { return coldIds[i]; }

    /** Packed (partition, offset), as {@link StateTable#coldLocation(String)}. */
    public long coldLocation(int i) { return coldLocations[i]; }
}
