package io.seqstream.train.task;

/**
 * Correct out of total, in a task's own measure (tokens or sequences).
 * {@link #accuracy()} is NaN when nothing was counted.
 */
public record Score(long correct, long total) {

    public static final Score ZERO = new Score(0, 0);

    public Score {
        if (correct < 0 || total < 0 || correct > total) {
            throw new IllegalArgumentException("score: need 0 <= correct <= total, was " + correct + "/" + total);
        }
    }

    public double accuracy() { return total == 0 ? Double.NaN : (double) correct / total; }

    public Score plus(Score other) { return new Score(correct + other.correct, total + other.total); }

    @Override
    public String toString() { return correct + "/" + total + String.format(java.util.Locale.ROOT, " (%.4f)", accuracy()); }
}
