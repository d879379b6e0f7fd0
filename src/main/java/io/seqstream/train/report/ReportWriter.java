package io.seqstream.train.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a training report into a directory: {@code <name>.csv} (the log), {@code <name>.md} (title, settings,
 * results, final figures, a link to the plot) and {@code <name>.png} (loss, accuracy and gradient norm over
 * steps, three stacked panels, 1000x900 by default).
 */
public final class ReportWriter {
    public static final int WIDTH = 1000, HEIGHT = 900;

    /** The files written. */
    public record Written(Path csv, Path markdown, Path png) {}

    private final Path dir;

    public ReportWriter(Path dir) { this.dir = dir; }

    public Path dir() { return dir; }

    public Written write(String name, String title, Map<String, String> settings, Table results, TrainingLog log)
            throws IOException {
        return write(name, title, settings, results, log, null);
    }

    /**
     * Writes the three files.
     *
     * @param name     file base name (letters, digits, '.', '_', '-')
     * @param settings shown in order as a two-column table (use a LinkedHashMap)
     * @param results  results table, may be null
     * @param notes    free markdown appended at the end, may be null
     */
    public Written write(String name, String title, Map<String, String> settings, Table results, TrainingLog log,
                         String notes) throws IOException {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("report: bad name '" + name + "'");
        Files.createDirectories(dir);
        Written w = new Written(dir.resolve(name + ".csv"), dir.resolve(name + ".md"), dir.resolve(name + ".png"));
        log.writeCsv(w.csv());
        LinePlot.writePng(plot(title, log, WIDTH, HEIGHT), w.png());
        Files.writeString(w.markdown(), markdown(name, title, settings, results, log, notes), StandardCharsets.UTF_8);
        return w;
    }

    /** The markdown text of a report whose files are named {@code name.*}. */
    public static String markdown(String name, String title, Map<String, String> settings, Table results,
                                  TrainingLog log, String notes) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title == null ? name : title).append("\n\n");
        if (settings != null && !settings.isEmpty()) {
            sb.append("## Settings\n\n");
            Table t = new Table("setting", "value");
            settings.forEach((k, v) -> t.row(k, v));
            sb.append(t.toMarkdown()).append('\n');
        }
        if (results != null) {
            sb.append("## Results\n\n").append(results.toMarkdown()).append('\n');
        }
        sb.append("## Final figures\n\n");
        Table f = new Table("figure", "value");
        finalFigures(log).forEach((k, v) -> f.row(k, v));
        sb.append(f.toMarkdown()).append('\n');
        sb.append("## Curves\n\n");
        sb.append("![loss, accuracy and gradient norm over steps](").append(name).append(".png)\n\n");
        sb.append("Log of every step: [").append(name).append(".csv](").append(name).append(".csv)\n");
        if (notes != null && !notes.isBlank()) sb.append('\n').append(notes.strip()).append('\n');
        return sb.toString();
    }

    /** Summary figures of a log, in display order. */
    public static Map<String, String> finalFigures(TrainingLog log) {
        Map<String, String> m = new LinkedHashMap<>();
        List<TrainingLog.Row> rows = log.rows();
        if (rows.isEmpty()) {
            m.put("steps", "0");
            return m;
        }
        TrainingLog.Row last = rows.get(rows.size() - 1);
        m.put("steps", String.valueOf(last.step()));
        m.put("examples", String.valueOf(last.examples()));
        m.put("seconds", fmt(last.seconds(), 1));
        m.put("final loss", fmtG(last.loss()));
        int k = Math.min(50, rows.size());
        double sum = 0;
        int n = 0, nonFinite = 0, clipped = 0;
        double maxRaw = Double.NaN;
        for (int i = 0; i < rows.size(); i++) {
            TrainingLog.Row r = rows.get(i);
            if (!Double.isFinite(r.loss()) || !Double.isFinite(r.gradNorm())) nonFinite++;
            if (Double.isFinite(r.gradNorm())) {
                maxRaw = Double.isNaN(maxRaw) ? r.gradNorm() : Math.max(maxRaw, r.gradNorm());
                if (r.clippedGradNorm() < r.gradNorm() * (1 - 1e-6)) clipped++;
            }
            if (i >= rows.size() - k && Double.isFinite(r.loss())) { sum += r.loss(); n++; }
        }
        m.put("mean loss, last " + k + " rows", n == 0 ? "NaN" : fmtG(sum / n));
        m.put("last training accuracy", fmt(log.lastAccuracy(), 4));
        m.put("last held-out accuracy", fmt(log.lastHeldOutAccuracy(), 4));
        m.put("final level", String.valueOf(last.level()));
        m.put("max raw grad norm", fmtG(maxRaw));
        m.put("clipped steps", clipped + " of " + rows.size());
        m.put("non-finite loss or gradient", String.valueOf(nonFinite));
        return m;
    }

    /** The three stacked panels: loss (log), accuracy (train and held-out), gradient norm raw vs clipped (log). */
    public static BufferedImage plot(String title, TrainingLog log, int width, int height) {
        List<TrainingLog.Row> rows = log.rows();
        int n = rows.size();
        double[] step = new double[n], loss = new double[n], acc = new double[n], held = new double[n],
                raw = new double[n], clip = new double[n];
        for (int i = 0; i < n; i++) {
            TrainingLog.Row r = rows.get(i);
            step[i] = r.step();
            loss[i] = r.loss();
            acc[i] = r.accuracy();
            held[i] = r.heldOutAccuracy();
            raw[i] = r.gradNorm();
            clip[i] = r.clippedGradNorm();
        }
        double x0 = n == 0 ? Double.NaN : step[0], x1 = n == 0 ? Double.NaN : step[n - 1];
        if (n > 0 && x0 == x1) { x0 -= 0.5; x1 += 0.5; }

        LinePlot lossPlot = new LinePlot("Training loss").yLabel("loss (log)").logY(true).xRange(x0, x1);
        if (n > 60) {
            lossPlot.add(new LinePlot.Series("per step", new java.awt.Color(160, 190, 225), step, loss, false, 1f));
            lossPlot.line("moving average", LinePlot.BLUE, step, ema(loss, Math.max(5, n / 50)));
        } else {
            lossPlot.line("loss", LinePlot.BLUE, step, loss);
        }

        LinePlot accPlot = new LinePlot("Accuracy").yLabel("accuracy").yRange(0, 1.02).xRange(x0, x1);
        accPlot.add(new LinePlot.Series("training", LinePlot.ORANGE, step, acc, sparse(acc, n), 1.6f));
        accPlot.points("held-out", LinePlot.GREEN, step, held);
        int level = n == 0 ? 0 : rows.get(0).level();
        for (TrainingLog.Row r : rows) {
            if (r.level() != level) {
                level = r.level();
                accPlot.marker(r.step(), "level " + level);
            }
        }

        LinePlot gradPlot = new LinePlot("Gradient norm (global L2)").yLabel("norm (log)").xLabel("step").logY(true)
                .xRange(x0, x1);
        gradPlot.add(new LinePlot.Series("raw", LinePlot.RED, step, raw, false, 1.2f));
        gradPlot.add(new LinePlot.Series("clipped", LinePlot.BLUE, step, clip, false, 1.4f));

        return LinePlot.stack(title, List.of(lossPlot, accPlot, gradPlot), width, height);
    }

    /** Markers when few values are finite (evaluated now and then). */
    private static boolean sparse(double[] v, int n) {
        int finite = 0;
        for (double d : v) if (Double.isFinite(d)) finite++;
        return finite <= 200 && finite < n;
    }

    /** Exponential moving average with span {@code span}, skipping non-finite values (NaN stays NaN). */
    static double[] ema(double[] v, int span) {
        double alpha = 2.0 / (span + 1);
        double[] out = new double[v.length];
        double s = Double.NaN;
        for (int i = 0; i < v.length; i++) {
            if (Double.isFinite(v[i])) s = Double.isNaN(s) ? v[i] : s + alpha * (v[i] - s);
            out[i] = Double.isFinite(v[i]) ? s : Double.NaN;
        }
        return out;
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String fmtG(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4g", v);
    }
}
