package io.seqstream.train;

import java.util.Random;

/**
 * Difficulty levels 0..n-1. Training starts at level 0 and moves up one level whenever the held-out accuracy
 * at the current level reaches the threshold; a share {@code mix} of training examples is drawn uniformly
 * from the earlier levels ("Learning to Execute", Zaremba &amp; Sutskever 2014) so easy cases are not forgotten.
 * {@link #none(int)} gives the no-curriculum baseline: always the top level. The top level may have a stricter
 * threshold than the levels before it (the bar the task is judged by, e.g. 99.92 % for temporal order).
 *
 * <p>Not thread-safe: owned by the training loop.
 */
public final class Curriculum {
    public static final double DEFAULT_THRESHOLD = 0.99;
    public static final double DEFAULT_MIX = 0.2;

    private final int levels;
    private final double threshold;
    private final double topThreshold;
    private final double mix;
    private final boolean enabled;
    private int current;
    private boolean finished;

    private Curriculum(int levels, double threshold, double topThreshold, double mix, boolean enabled) {
        if (levels < 1) throw new IllegalArgumentException("curriculum: need at least one level, was " + levels);
        if (!(threshold >= 0 && threshold <= 1)) throw new IllegalArgumentException("curriculum: threshold must be in [0, 1], was " + threshold);
        if (!(topThreshold >= 0 && topThreshold <= 1)) {
            throw new IllegalArgumentException("curriculum: top threshold must be in [0, 1], was " + topThreshold);
        }
        if (!(mix >= 0 && mix < 1)) throw new IllegalArgumentException("curriculum: mix must be in [0, 1), was " + mix);
        this.levels = levels;
        this.threshold = threshold;
        this.topThreshold = topThreshold;
        this.mix = mix;
        this.enabled = enabled;
        this.current = enabled ? 0 : levels - 1;
    }

    /** A curriculum over levels 0..levels-1 with the given threshold and share of earlier levels. */
    public Curriculum(int levels, double threshold, double mix) { this(levels, threshold, threshold, mix, true); }

    /** As {@link #Curriculum(int, double, double)}, the top level passed only at {@code topThreshold}. */
    public Curriculum(int levels, double threshold, double mix, double topThreshold) {
        this(levels, threshold, topThreshold, mix, true);
    }

    /** Threshold 0.99, 20 % from earlier levels. */
    public Curriculum(int levels) { this(levels, DEFAULT_THRESHOLD, DEFAULT_MIX); }

    /** No curriculum: always the top level {@code topLevel}, threshold 0.99 (for {@link #finished()}). */
    public static Curriculum none(int topLevel) { return none(topLevel, DEFAULT_THRESHOLD); }

    /** No curriculum: always the top level {@code topLevel}; {@link #finished()} once it reaches the threshold. */
    public static Curriculum none(int topLevel, double threshold) {
        if (topLevel < 0) throw new IllegalArgumentException("curriculum: top level must be >= 0, was " + topLevel);
        return new Curriculum(topLevel + 1, threshold, threshold, 0.0, false);
    }

    /**
     * Continues at a level already passed by the model being trained (the online trainer resuming a trained
     * version), instead of starting again at level 0. Only before any level was observed.
     */
    public Curriculum resumeAt(int level) {
        if (!enabled) return this;
        if (level < 0 || level >= levels) throw new IllegalArgumentException("curriculum: no level " + level + " of " + levels);
        current = level;
        return this;
    }

    /** The level being learned now. */
    public int current() { return current; }

    /** Number of levels (the top level is levels()-1). */
    public int levels() { return levels; }

    public int topLevel() { return levels - 1; }

    /** The threshold of the levels below the top. */
    public double threshold() { return threshold; }

    /** The threshold the given level passes at. */
    public double thresholdAt(int level) { return level == levels - 1 ? topThreshold : threshold; }

    /** Share of samples drawn from earlier levels (0 for {@link #none}). */
    public double mix() { return mix; }

    /** False for the no-curriculum baseline. */
    public boolean enabled() { return enabled; }

    /** The current level, or with probability {@code mix} a uniformly chosen earlier one (when there is one). */
    public int sampleLevel(Random rng) {
        if (current > 0 && mix > 0 && rng.nextDouble() < mix) return rng.nextInt(current);
        return current;
    }

    /**
     * Reports the held-out accuracy measured at the current level. At or above the threshold the curriculum
     * moves up one level and returns true; at the top level it stays there, marks {@link #finished()} and
     * returns false. NaN never passes.
     */
    public boolean observe(double heldOutAccuracy) {
        if (!(heldOutAccuracy >= thresholdAt(current))) return false;
        if (current < levels - 1) {
            current++;
            return true;
        }
        finished = true;
        return false;
    }

    /** True once the top level has passed the threshold. */
    public boolean finished() { return finished; }

    @Override
    public String toString() {
        return enabled
                ? "curriculum level " + current + "/" + (levels - 1) + " (threshold " + threshold
                        + (topThreshold != threshold ? ", top " + topThreshold : "") + ", mix " + mix + ")"
                : "no curriculum, level " + current;
    }
}
