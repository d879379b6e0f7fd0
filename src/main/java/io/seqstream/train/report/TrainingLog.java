package io.seqstream.train.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows of a training run, one per logged step. Accuracy and held-out accuracy are NaN on steps where they were
 * not evaluated. Thread-safe: the trainer appends while others may read a copy.
 */
public final class TrainingLog {
    public static final String CSV_HEADER =
            "step,examples,loss,accuracy,held_out_accuracy,grad_norm,clipped_grad_norm,level,seconds";

    /**
     * One logged step.
     *
     * @param step            optimiser step (1-based or 0-based, as the trainer counts)
     * @param examples        training examples seen so far
     * @param loss            training loss of this step's batch (mean per target)
     * @param accuracy        training accuracy in the task's measure, NaN if not evaluated
     * @param heldOutAccuracy held-out accuracy at the current level, NaN if not evaluated
     * @param gradNorm        global L2 norm of the gradient before clipping
     * @param clippedGradNorm global L2 norm after clipping (equal to gradNorm when not clipped)
     * @param level           curriculum level trained at
     * @param seconds         wall-clock seconds since training started
     */
    public record Row(long step, long examples, double loss, double accuracy, double heldOutAccuracy,
                      double gradNorm, double clippedGradNorm, int level, double seconds) {

        String csv() {
            return step + "," + examples + "," + num(loss) + "," + num(accuracy) + "," + num(heldOutAccuracy) + ","
                    + num(gradNorm) + "," + num(clippedGradNorm) + "," + level + "," + num(seconds);
        }

        static Row parse(String line) {
            String[] f = line.split(",", -1);
            if (f.length != 9) throw new IllegalArgumentException("training log: expected 9 fields, got " + f.length + ": " + line);
            return new Row(Long.parseLong(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                    Integer.parseInt(f[7]), Double.parseDouble(f[8]));
        }

        private static String num(double d) { return Double.toString(d); }
    }

    private final List<Row> rows = new ArrayList<>();

    public synchronized TrainingLog add(Row row) {
        rows.add(row);
        return this;
    }

    public TrainingLog add(long step, long examples, double loss, double accuracy, double heldOutAccuracy,
                           double gradNorm, double clippedGradNorm, int level, double seconds) {
        return add(new Row(step, examples, loss, accuracy, heldOutAccuracy, gradNorm, clippedGradNorm, level, seconds));
    }

    /** A copy of the rows so far. */
    public synchronized List<Row> rows() { return List.copyOf(rows); }

    /**
     * A copy with at most about maxRows evenly spaced rows plus every row that has a held-out evaluation,
     * so long runs give reports of a reasonable size with every evaluation intact.
     */
    public synchronized TrainingLog thinned(int maxRows) {
        TrainingLog out = new TrainingLog();
        int stride = Math.max(1, (rows.size() + maxRows - 1) / maxRows);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (i % stride == 0 || i == rows.size() - 1 || !Double.isNaN(r.heldOutAccuracy())) out.add(r);
        }
        return out;
    }

    public synchronized int size() { return rows.size(); }

    public synchronized boolean isEmpty() { return rows.isEmpty(); }

    /** The last row, or null when empty. */
    public synchronized Row last() { return rows.isEmpty() ? null : rows.get(rows.size() - 1); }

    /** The last evaluated (non-NaN) training accuracy, NaN if none. */
    public synchronized double lastAccuracy() {
        for (int i = rows.size() - 1; i >= 0; i--) if (!Double.isNaN(rows.get(i).accuracy())) return rows.get(i).accuracy();
        return Double.NaN;
    }

    /** The last evaluated (non-NaN) held-out accuracy, NaN if none. */
    public synchronized double lastHeldOutAccuracy() {
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (!Double.isNaN(rows.get(i).heldOutAccuracy())) return rows.get(i).heldOutAccuracy();
        }
        return Double.NaN;
    }

    /** Header plus one line per row; NaN is written as {@code NaN}. */
    public synchronized String toCsv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) sb.append(r.csv()).append('\n');
        return sb.toString();
    }

    public void writeCsv(Path file) throws IOException {
        Files.writeString(file, toCsv(), StandardCharsets.UTF_8);
    }

    /** Reads a file written by {@link #writeCsv}. */
    public static TrainingLog readCsv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).trim().equals(CSV_HEADER)) {
            throw new IOException("training log: " + file + " does not start with the header " + CSV_HEADER);
        }
        TrainingLog log = new TrainingLog();
        for (String line : lines.subList(1, lines.size())) if (!line.isBlank()) log.add(Row.parse(line.trim()));
        return log;
    }
}
