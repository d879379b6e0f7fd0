package io.seqstream.train.task;

import io.seqstream.model.SequenceBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The temporal-order task of Hochreiter &amp; Schmidhuber (1997), experiments 6a and 6b.
 *
 * <p>6a: length 100-110, the sequence starts with E and ends with the trigger B; the symbols at t1 in [10,20]
 * and t2 in [50,60] are X or Y, every other position is one of a, b, c, d. The class is the pair
 * (XX, XY, YX, YY). 6b: three relevant symbols at t1 in [10,20], t2 in [33,43], t3 in [66,76], 8 classes
 * (XXX..YYY). Positions are 0-based step indices (E is step 0). The class index reads the relevant symbols
 * as binary digits, X = 0, Y = 1, first symbol most significant (XY = 1, YX = 2, XYY = 3).
 *
 * <p>Input ids: a b c d X Y E B = 0..7. The target is at the last step (the trigger) only.
 * Levels scale the whole task (lengths and relevant windows, rounded) by the given factors; the default
 * scales are 0.25, 0.5, 1.0, so the top level is the real task.
 */
public final class OrderTask implements Task {
    /** Ids 0..3 are the distractors a, b, c, d. */
    public static final int DISTRACTORS = 4;
    public static final int X = 4, Y = 5, E = 6, TRIGGER = 7;
    private static final String[] SYMBOLS = {"a", "b", "c", "d", "X", "Y", "E", "B"};
    public static final double[] DEFAULT_SCALES = {0.25, 0.5, 1.0};

    /** Which experiment. */
    public enum Variant {
        /** Two relevant symbols, 4 classes. */
        SIX_A("6a", new int[][] {{10, 20}, {50, 60}}),
        /** Three relevant symbols, 8 classes. */
        SIX_B("6b", new int[][] {{10, 20}, {33, 43}, {66, 76}});

        final String label;
        final int[][] windows;

        Variant(String label, int[][] windows) {
            this.label = label;
            this.windows = windows;
        }
    }

    /** Full-task length range. */
    public static final int MIN_LENGTH = 100, MAX_LENGTH = 110;

    /** Inclusive range of steps where one relevant symbol may be placed. */
    public record Window(int from, int to) {}

    /** One level: inclusive length range and the relevant-symbol windows. */
    public record Level(double scale, int minLength, int maxLength, List<Window> windows) {}

    private final Variant variant;
    private final Level[] levels;

    /** The real experiment, with curriculum levels at 25 %, 50 % and 100 % of its length. */
    public OrderTask(Variant variant) { this(variant, DEFAULT_SCALES); }

    /** Levels at the given scales in (0, 1], increasing; use 1.0 last to make the top level the real task. */
    public OrderTask(Variant variant, double... scales) {
        if (variant == null) throw new IllegalArgumentException("order: variant must be set");
        if (scales.length == 0) throw new IllegalArgumentException("order: need at least one level scale");
        this.variant = variant;
        this.levels = new Level[scales.length];
        for (int i = 0; i < scales.length; i++) {
            double s = scales[i];
            if (!(s > 0 && s <= 1)) throw new IllegalArgumentException("order: scale must be in (0, 1], was " + s);
            if (i > 0 && s <= scales[i - 1]) throw new IllegalArgumentException("order: scales must increase: " + Arrays.toString(scales));
            levels[i] = scaled(variant, s);
        }
    }

    public static OrderTask sixA() { return new OrderTask(Variant.SIX_A); }

    public static OrderTask sixB() { return new OrderTask(Variant.SIX_B); }

    private static Level scaled(Variant v, double s) {
        int minLen = (int) Math.round(MIN_LENGTH * s), maxLen = (int) Math.round(MAX_LENGTH * s);
        List<Window> ws = new ArrayList<>();
        int prevTo = 0; // step 0 holds E
        for (int[] w : v.windows) {
            int from = (int) Math.round(w[0] * s), to = (int) Math.round(w[1] * s);
            if (from <= prevTo) {
                throw new IllegalArgumentException("order: scale " + s + " is too small (relevant windows collide)");
            }
            ws.add(new Window(from, to));
            prevTo = to;
        }
        if (prevTo >= minLen - 1) throw new IllegalArgumentException("order: scale " + s + " is too small (window reaches the trigger)");
        return new Level(s, minLen, maxLen, List.copyOf(ws));
    }

    public Variant variant() { return variant; }

    public Level level(int level) {
        if (level < 0 || level >= levels.length) throw new IllegalArgumentException("order: no level " + level);
        return levels[level];
    }

    /** Number of relevant X/Y symbols (2 for 6a, 3 for 6b). */
    public int relevant() { return variant.windows.length; }

    @Override public String name() { return "order-" + variant.label; }
    @Override public int vocab() { return SYMBOLS.length; }
    @Override public int classes() { return 1 << relevant(); }
    @Override public int params() { return 0; }
    @Override public int levelCount() { return levels.length; }

    @Override
    public String describeLevel(int level) {
        Level l = level(level);
        StringBuilder sb = new StringBuilder("length ").append(l.minLength()).append('-').append(l.maxLength());
        for (int i = 0; i < l.windows().size(); i++) {
            Window w = l.windows().get(i);
            sb.append(", t").append(i + 1).append(" in [").append(w.from()).append(',').append(w.to()).append(']');
        }
        return sb.toString();
    }

    @Override
    public SequenceBatch.Example example(int level, Random rng) {
        Level l = level(level);
        int len = l.minLength() + rng.nextInt(l.maxLength() - l.minLength() + 1);
        int[] in = new int[len];
        in[0] = E;
        for (int t = 1; t < len - 1; t++) in[t] = rng.nextInt(DISTRACTORS);
        in[len - 1] = TRIGGER;
        int cls = 0;
        for (Window w : l.windows()) {
            int t = w.from() + rng.nextInt(w.to() - w.from() + 1);
            boolean y = rng.nextBoolean();
            in[t] = y ? Y : X;
            cls = cls * 2 + (y ? 1 : 0);
        }
        int[] tg = new int[len];
        Arrays.fill(tg, -1);
        tg[len - 1] = cls;
        return new SequenceBatch.Example(in, tg, -1);
    }

    /** Per-sequence accuracy at the trigger. */
    @Override
    public Score score(SequenceBatch batch, float[][][] probs) { return Scoring.perSequence(batch, probs, classes()); }

    @Override
    public String inputSymbol(int id) {
        if (id < 0 || id >= SYMBOLS.length) throw new IllegalArgumentException("order: no symbol " + id);
        return SYMBOLS[id];
    }

    @Override
    public String classSymbol(int id) {
        int n = relevant();
        if (id < 0 || id >= (1 << n)) throw new IllegalArgumentException("order: no class " + id);
        StringBuilder sb = new StringBuilder(n);
        for (int i = n - 1; i >= 0; i--) sb.append(((id >> i) & 1) == 0 ? 'X' : 'Y');
        return sb.toString();
    }
}
