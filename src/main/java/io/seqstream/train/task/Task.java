package io.seqstream.train.task;

import io.seqstream.model.SequenceBatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A synthetic sequence task with difficulty levels (0 = easiest, {@code levelCount()-1} = the real task).
 * Generation is deterministic given the {@link Random}.
 */
public interface Task {

    /** Short name, e.g. {@code echo-d4}, {@code memory}, {@code order-6a}. */
    String name();

    /** Input token ids are 0..vocab-1. */
    int vocab();

    /** Output classes of the softmax head. */
    int classes();

    /** Categories of the per-sequence parameter fed beside each token (e.g. echo delay); 0 if none. */
    int params();

    /** Number of difficulty levels; the top level is the task the experiment is judged on. */
    int levelCount();

    /** Human-readable description of a level, e.g. "length 20". */
    String describeLevel(int level);

    /** One fresh example at the given level. Its param is -1 when {@link #params()} is 0. */
    SequenceBatch.Example example(int level, Random rng);

    /**
     * Scores softmax outputs in the task's own measure (per token or per sequence).
     *
     * @param probs [B][T][classes] softmax output at every step (padded steps are ignored)
     */
    Score score(SequenceBatch batch, float[][][] probs);

    /** Printable form of an input id. */
    String inputSymbol(int id);

    /** Printable form of an output class. */
    String classSymbol(int id);

    /**
     * Examples that held-out evaluation at this level must always get right, beside its random sample
     * (memory's hard pair: all ones, and the zero in first place). None by default.
     */
    default List<SequenceBatch.Example> critical(int level) { return List.of(); }

    /**
     * Held-out units a level must be judged on before it passes: sequences for the per-sequence tasks (2560, the
     * test-set size of Hochreiter &amp; Schmidhuber 1997, so "2 wrong" means what it says), tokens for echo.
     */
    default long unitsToPass() { return PASS_SEQUENCES; }

    /** Held-out sequences per level for per-sequence tasks, see {@link #unitsToPass()}. */
    long PASS_SEQUENCES = 2560;

    /** How many sequences at this level hold at least {@code units} scored units (sequences or tokens). */
    default int sequencesHolding(int level, long units) { return (int) Math.max(1, units); }

    /**
     * Truncated-BPTT window (steps) the task trains its long levels with, the state carried from window to window;
     * 0 = whole sequences. A trainer's own window setting, when set, wins.
     */
    default int trainingWindow() { return 0; }

    /** The highest (real-task) level. */
    default int topLevel() { return levelCount() - 1; }

    /** {@code n} fresh examples at one level. */
    default List<SequenceBatch.Example> examples(int level, int n, Random rng) {
        List<SequenceBatch.Example> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(example(level, rng));
        return out;
    }

    /** A padded batch of {@code n} fresh examples at one level (e.g. a held-out set). */
    default SequenceBatch batch(int level, int n, Random rng) {
        return SequenceBatch.of(examples(level, n, rng));
    }

    /** Readable input string of one sequence (its true length only). */
    default String render(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(inputSymbol(id));
        return sb.toString();
    }
}
