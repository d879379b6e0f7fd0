package io.seqstream.train.task;

import io.seqstream.model.SequenceBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Memory: a bit sequence of length L that is either all ones (class {@link #ALL_ONES} = 1) or has exactly one
 * zero (class {@link #ONE_ZERO} = 0). Input ids: 0 = bit 0, 1 = bit 1. Classes are drawn 50/50; in
 * {@link #ZERO_FIRST_SHARE} of the one-zero examples the zero is at the first position (the hard case: the
 * network must carry it through the whole sequence), otherwise it is uniform over positions 1..L-1.
 * The target is at the last step only (-1 elsewhere). Levels are lengths; {@link #score} is per sequence.
 */
public final class MemoryTask implements Task {
    public static final int ONE_ZERO = 0;
    public static final int ALL_ONES = 1;
    public static final double ZERO_FIRST_SHARE = 0.25;
    public static final int[] DEFAULT_LENGTHS = {10, 20, 50, 100, 200};

    private final int[] lengths;

    /** Lengths 10, 20, 50, 100, 200. */
    public MemoryTask() { this(DEFAULT_LENGTHS); }

    /** The given level lengths, strictly increasing, each >= 1. */
    public MemoryTask(int... lengths) {
        if (lengths.length == 0) throw new IllegalArgumentException("memory: need at least one level length");
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 1) throw new IllegalArgumentException("memory: length must be >= 1, was " + lengths[i]);
            if (i > 0 && lengths[i] <= lengths[i - 1]) {
                throw new IllegalArgumentException("memory: lengths must increase: " + Arrays.toString(lengths));
            }
        }
        this.lengths = lengths.clone();
    }

    /** The default lengths below maxLength, then maxLength itself as the top level. */
    public static MemoryTask upTo(int maxLength) {
        int[] ls = Arrays.stream(DEFAULT_LENGTHS).filter(l -> l < maxLength).toArray();
        ls = Arrays.copyOf(ls, ls.length + 1);
        ls[ls.length - 1] = maxLength;
        return new MemoryTask(ls);
    }

    public int length(int level) {
        if (level < 0 || level >= lengths.length) throw new IllegalArgumentException("memory: no level " + level);
        return lengths[level];
    }

    @Override public String name() { return "memory"; }
    @Override public int vocab() { return 2; }
    @Override public int classes() { return 2; }
    @Override public int params() { return 0; }
    @Override public int levelCount() { return lengths.length; }
    @Override public String describeLevel(int level) { return "length " + length(level); }

    @Override
    public SequenceBatch.Example example(int level, Random rng) {
        int len = length(level);
        if (rng.nextBoolean()) return sequence(len, -1);
        int zero = (len == 1 || rng.nextDouble() < ZERO_FIRST_SHARE) ? 0 : 1 + rng.nextInt(len - 1);
        return sequence(len, zero);
    }

    /**
     * The hard pair for a length: the all-ones sequence and the sequence whose only zero is first.
     * They differ only at step 0, so a model that forgets the start cannot get both right.
     */
    public static List<SequenceBatch.Example> hardPair(int length) {
        if (length < 1) throw new IllegalArgumentException("memory: length must be >= 1, was " + length);
        List<SequenceBatch.Example> pair = new ArrayList<>(2);
        pair.add(sequence(length, -1));
        pair.add(sequence(length, 0));
        return pair;
    }

    /** Bits of a length with a zero at zeroAt (-1: none), target at the last step. */
    public static SequenceBatch.Example sequence(int length, int zeroAt) {
        int[] in = new int[length];
        Arrays.fill(in, 1);
        if (zeroAt >= 0) in[zeroAt] = 0;
        int[] tg = new int[length];
        Arrays.fill(tg, -1);
        tg[length - 1] = zeroAt >= 0 ? ONE_ZERO : ALL_ONES;
        return new SequenceBatch.Example(in, tg, -1);
    }

    @Override
    public Score score(SequenceBatch batch, float[][][] probs) { return Scoring.perSequence(batch, probs, 2); }

    /** The hard pair at this level's length: the network must carry the first bit to the end. */
    @Override
    public List<SequenceBatch.Example> critical(int level) { return hardPair(length(level)); }

    @Override
    public String inputSymbol(int id) {
        if (id == 0 || id == 1) return String.valueOf(id);
        throw new IllegalArgumentException("memory: no symbol " + id);
    }

    @Override
    public String classSymbol(int id) {
        return switch (id) {
            case ONE_ZERO -> "one-zero";
            case ALL_ONES -> "all-ones";
            default -> throw new IllegalArgumentException("memory: no class " + id);
        };
    }
}
