package io.seqstream.train.task;

import io.seqstream.model.SequenceBatch;

import java.util.Arrays;
import java.util.Random;

/**
 * Echo: the output at step t is the input at step t-d (blank before). Inputs are random letters a-z
 * (ids 1..26, never blank); id 0 is the blank '_'. vocab = classes = 27.
 *
 * <p>Fixed delay: every sequence uses the same d, no stream parameter ({@link #params()} = 0, param -1).
 * Variable delay: d is drawn uniformly from 0..maxDelay per sequence and given as the example's param
 * ({@link #params()} = maxDelay+1).
 *
 * <p>Levels are sequence lengths (the top level is the target length); every length must exceed the
 * (maximum) delay. Loss targets cover all steps (blanks included); {@link #score} counts tokens at t >= d only.
 * The fixed-delay default ends in streams of 2000 letters, trained in windows of {@link #WINDOW} steps with the state
 * carried: a model trained only on short sequences from a zero state drifts on a live stream that never ends.
 */
public final class EchoTask implements Task {
    public static final int BLANK = 0;
    public static final int LETTERS = 26;
    public static final int VOCAB = LETTERS + 1;
    public static final int DEFAULT_DELAY = 4;
    public static final int DEFAULT_MAX_DELAY = 8;
    private static final int[] DEFAULT_FIXED_LENGTHS = {5, 10, 20, 200, 2000};
    /** Truncated-BPTT window for sequences longer than it (the long levels). */
    public static final int WINDOW = 50;
    /** Held-out tokens a level is judged on before it passes. */
    public static final long PASS_TOKENS = 100_000;
    private static final int[] DEFAULT_VARIABLE_LENGTHS = {10, 15, 20};

    private final int delay;        // fixed delay, or max delay when variable
    private final boolean variable;
    private final int[] lengths;
    private final int[] levelDelays;  // variable delay: the largest delay drawn at each level (null = maxDelay at all)

    private EchoTask(int delay, boolean variable, int[] lengths) {
        if (delay < 0) throw new IllegalArgumentException("echo: delay must be >= 0, was " + delay);
        if (lengths.length == 0) throw new IllegalArgumentException("echo: need at least one level length");
        for (int len : lengths) {
            if (len <= delay) {
                throw new IllegalArgumentException("echo: length " + len + " must exceed the "
                        + (variable ? "maximum " : "") + "delay " + delay);
            }
        }
        this.delay = delay;
        this.variable = variable;
        this.lengths = lengths.clone();
        this.levelDelays = null;
    }

    private EchoTask(int length, int[] maxDelays) {
        if (maxDelays.length == 0) throw new IllegalArgumentException("echo: need at least one level delay");
        this.delay = Arrays.stream(maxDelays).max().orElseThrow();
        this.variable = true;
        if (length <= delay) throw new IllegalArgumentException("echo: length " + length + " must exceed the maximum delay " + delay);
        this.lengths = new int[maxDelays.length];
        Arrays.fill(this.lengths, length);
        this.levelDelays = maxDelays.clone();
    }

    /**
     * Variable delay with a curriculum over the delay instead of the length: every level has the given length,
     * and level i draws delays from 0..maxDelays[i] (the stream parameter always has max+1 categories).
     */
    public static EchoTask variableByDelay(int length, int... maxDelays) { return new EchoTask(length, maxDelays); }

    private int maxDelayAt(int level) { return levelDelays == null ? delay : levelDelays[level]; }

    /** Fixed delay 4, lengths 5, 10, 20, 200, 2000. */
    public EchoTask() { this(DEFAULT_DELAY); }

    /** Fixed delay, lengths 5, 10, 20, 200, 2000 (lengths not above the delay are an error). */
    public EchoTask(int delay) { this(delay, false, DEFAULT_FIXED_LENGTHS); }

    /** Fixed delay with the given level lengths. */
    public static EchoTask fixed(int delay, int... lengths) { return new EchoTask(delay, false, lengths); }

    /**
     * The product's variable-delay task: delay 0..8 at length 20, with a curriculum over the largest delay
     * (0..2, 0..4, 0..6, 0..8). Growing the delay trains several times faster than growing the length, where
     * every longer level first undoes what the shorter one learned (docs/results.md).
     */
    public static EchoTask variableGrowingDelay() { return variableByDelay(20, 2, 4, 6, DEFAULT_MAX_DELAY); }

    /** Variable delay 0..8, lengths 10, 15, 20. */
    public static EchoTask variable() { return variable(DEFAULT_MAX_DELAY, DEFAULT_VARIABLE_LENGTHS); }

    /** Variable delay 0..maxDelay with the given level lengths (each > maxDelay). */
    public static EchoTask variable(int maxDelay, int... lengths) { return new EchoTask(maxDelay, true, lengths); }

    public boolean variableDelay() { return variable; }

    /** The fixed delay, or the maximum delay when variable. */
    public int maxDelay() { return delay; }

    public int length(int level) { return lengths[checkLevel(level)]; }

    @Override public String name() { return variable ? "echo-var" + delay : "echo-d" + delay; }
    @Override public int vocab() { return VOCAB; }
    @Override public int classes() { return VOCAB; }
    @Override public int params() { return variable ? delay + 1 : 0; }
    @Override public int levelCount() { return lengths.length; }

    @Override
    public String describeLevel(int level) {
        return "length " + length(level) + ", delay " + (variable ? "0.." + maxDelayAt(level) : String.valueOf(delay));
    }

    @Override public long unitsToPass() { return PASS_TOKENS; }

    /** Every sequence scores at least length - (largest delay) tokens. */
    @Override
    public int sequencesHolding(int level, long tokens) {
        long perSequence = length(level) - maxDelayAt(level);
        return (int) Math.max(1, (tokens + perSequence - 1) / perSequence);
    }

    @Override public int trainingWindow() { return WINDOW; }

    @Override
    public SequenceBatch.Example example(int level, Random rng) {
        return example(length(level), maxDelayAt(checkLevel(level)), rng);
    }

    /** One stream of any length (above the largest delay), its delay drawn as at the top level: a long live stream. */
    public SequenceBatch.Example stream(int length, Random rng) {
        if (length <= delay) throw new IllegalArgumentException("echo: stream length " + length + " must exceed the delay " + delay);
        return example(length, maxDelayAt(topLevel()), rng);
    }

    private SequenceBatch.Example example(int len, int maxDelay, Random rng) {
        int d = variable ? rng.nextInt(maxDelay + 1) : delay;
        int[] in = new int[len];
        for (int t = 0; t < len; t++) in[t] = 1 + rng.nextInt(LETTERS);
        return new SequenceBatch.Example(in, targets(in, d), variable ? d : -1);
    }

    /** The echo targets of an input sequence for delay d: blank for t < d, in[t-d] after. */
    public static int[] targets(int[] in, int d) {
        int[] tg = new int[in.length];
        Arrays.fill(tg, 0, Math.min(d, in.length), BLANK);
        for (int t = d; t < in.length; t++) tg[t] = in[t - d];
        return tg;
    }

    /** The delay used for sequence b of a batch. */
    public int delayOf(SequenceBatch batch, int b) {
        if (!variable) return delay;
        if (batch.params == null) throw new IllegalArgumentException("echo: variable-delay batch without params");
        return batch.params[b];
    }

    /** Per-token accuracy over steps t >= d (and t < length) that have a target. */
    @Override
    public Score score(SequenceBatch batch, float[][][] probs) {
        Scoring.check(batch, probs, VOCAB);
        long correct = 0, total = 0;
        for (int b = 0; b < batch.size(); b++) {
            int d = delayOf(batch, b);
            for (int t = d; t < batch.lengths[b]; t++) {
                int target = batch.targets[b][t];
                if (target < 0) continue;
                total++;
                if (Scoring.argmax(probs[b][t]) == target) correct++;
            }
        }
        return new Score(correct, total);
    }

    @Override
    public String inputSymbol(int id) {
        if (id == BLANK) return "_";
        if (id >= 1 && id <= LETTERS) return String.valueOf((char) ('a' + id - 1));
        throw new IllegalArgumentException("echo: no symbol " + id);
    }

    @Override public String classSymbol(int id) { return inputSymbol(id); }

    private int checkLevel(int level) {
        if (level < 0 || level >= lengths.length) throw new IllegalArgumentException("echo: no level " + level);
        return level;
    }
}
