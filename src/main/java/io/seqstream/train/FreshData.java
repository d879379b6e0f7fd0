package io.seqstream.train;

import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.task.EchoTask;
import io.seqstream.train.task.Score;
import io.seqstream.train.task.Scoring;
import io.seqstream.train.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Scores a model on freshly generated sequences: a level's sequences, or long single echo streams scored per
 * position range. Batches are bounded in tokens as well as sequences, so streams thousands of tokens long are
 * scored without a workspace of the whole set.
 */
public final class FreshData {
    /** Most sequences in one batch. */
    static final int MAX_BATCH = 100;
    /** Most tokens in one batch (a batch holds at least one sequence). */
    static final int MAX_BATCH_TOKENS = 20_000;

    private FreshData() {
    }

    /**
     * {@code n} fresh sequences at a level, drawn one after another from {@code rng} (so the same seed gives the same
     * sequences whatever the batching), in bounded batches.
     */
    public static List<SequenceBatch> draw(Task task, int level, int n, Random rng) {
        List<SequenceBatch.Example> all = new ArrayList<>(Math.min(n, 10_000));
        for (int i = 0; i < n; i++) all.add(task.example(level, rng));
        return batches(all);
    }

    /** The examples in order, cut into batches of at most {@link #MAX_BATCH} sequences and {@link #MAX_BATCH_TOKENS} tokens. */
    static List<SequenceBatch> batches(List<SequenceBatch.Example> examples) {
        List<SequenceBatch> out = new ArrayList<>();
        List<SequenceBatch.Example> current = new ArrayList<>();
        long tokens = 0;
        for (SequenceBatch.Example e : examples) {
            if (!current.isEmpty() && (current.size() == MAX_BATCH || tokens + e.inputs().length > MAX_BATCH_TOKENS)) {
                out.add(SequenceBatch.of(current));
                current = new ArrayList<>();
                tokens = 0;
            }
            current.add(e);
            tokens += e.inputs().length;
        }
        if (!current.isEmpty()) out.add(SequenceBatch.of(current));
        return out;
    }

    /** The task's score over the batches. */
    public static Score score(Task task, Network net, Parameters params, List<SequenceBatch> batches) {
        Score total = Score.ZERO;
        for (SequenceBatch b : batches) total = total.plus(task.score(b, net.predict(params, b)));
        return total;
    }

    /**
     * @param total   every scored token of every stream
     * @param byRange the same tokens by position range: range i holds positions [i * width, (i + 1) * width)
     * @param width   positions per range
     */
    public record StreamScore(Score total, List<Score> byRange, int width) {
        /** The range with the lowest accuracy (ranges without a scored token are skipped). */
        public int worstRange() {
            int worst = -1;
            for (int i = 0; i < byRange.size(); i++) {
                if (byRange.get(i).total() == 0) continue;
                if (worst < 0 || byRange.get(i).accuracy() < byRange.get(worst).accuracy()) worst = i;
            }
            return worst;
        }
    }

    /**
     * {@code streams} single echo streams of {@code length} letters each, every one read from a zero state to its end
     * as a live stream is, scored per token (positions at or after the delay) overall and in {@code ranges} ranges of
     * positions.
     */
    public static StreamScore streams(EchoTask task, Network net, Parameters params, int length, int streams, int ranges,
                                      Random rng) {
        if (streams < 1) throw new IllegalArgumentException("streams must be >= 1, was " + streams);
        if (ranges < 1 || ranges > length) throw new IllegalArgumentException("ranges must be in [1, " + length + "], was " + ranges);
        int width = (length + ranges - 1) / ranges;
        long[] correct = new long[ranges];
        long[] total = new long[ranges];
        List<SequenceBatch.Example> all = new ArrayList<>(streams);
        for (int i = 0; i < streams; i++) all.add(task.stream(length, rng));
        for (SequenceBatch b : batches(all)) {
            float[][][] probs = net.predict(params, b);
            for (int i = 0; i < b.size(); i++) {
                for (int t = task.delayOf(b, i); t < b.lengths[i]; t++) {
                    int r = t / width;
                    total[r]++;
                    if (Scoring.argmax(probs[i][t]) == b.targets[i][t]) correct[r]++;
                }
            }
        }
        List<Score> byRange = new ArrayList<>(ranges);
        Score sum = Score.ZERO;
        for (int r = 0; r < ranges; r++) {
            Score s = new Score(correct[r], total[r]);
            byRange.add(s);
            sum = sum.plus(s);
        }
        return new StreamScore(sum, List.copyOf(byRange), width);
    }
}
