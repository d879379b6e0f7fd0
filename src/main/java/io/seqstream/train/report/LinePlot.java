package io.seqstream.train.report;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart drawn with java.awt (headless): series of (x, y) with a legend, axes with tick labels,
 * optional log-scale y and vertical markers. Non-finite points (and non-positive ones on a log axis) are
 * skipped; the line joins the remaining points. Panels can be stacked into one image with {@link #stack}.
 */
public final class LinePlot {
    static {
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    /** Distinguishable colours (Tableau 10). */
    public static final Color BLUE = new Color(31, 119, 180), ORANGE = new Color(255, 127, 14),
            GREEN = new Color(44, 160, 44), RED = new Color(214, 39, 40), PURPLE = new Color(148, 103, 189),
            GREY = new Color(127, 127, 127);

    /** One line; {@code markers} draws a dot at every point (for sparse series). */
    public record Series(String name, Color color, double[] x, double[] y, boolean markers, float width) {
        public Series {
            if (x.length != y.length) throw new IllegalArgumentException("series " + name + ": x and y differ in length");
        }
    }

    /** A labelled vertical line at x. */
    public record Marker(double x, String label) {}

    private final String title;
    private String xLabel = "";
    private String yLabel = "";
    private boolean logY;
    private double yMin = Double.NaN, yMax = Double.NaN, xMin = Double.NaN, xMax = Double.NaN;
    private final List<Series> series = new ArrayList<>();
    private final List<Marker> markers = new ArrayList<>();

    public LinePlot(String title) { this.title = title == null ? "" : title; }

    public LinePlot xLabel(String label) { this.xLabel = label; return this; }

    public LinePlot yLabel(String label) { this.yLabel = label; return this; }

    public LinePlot logY(boolean log) { this.logY = log; return this; }

    /** Fixes the y range (NaN for automatic). */
    public LinePlot yRange(double min, double max) { this.yMin = min; this.yMax = max; return this; }

    /** Fixes the x range (NaN for automatic), e.g. to align stacked panels. */
    public LinePlot xRange(double min, double max) { this.xMin = min; this.xMax = max; return this; }

    public LinePlot add(Series s) { series.add(s); return this; }

    /** A plain line. */
    public LinePlot line(String name, Color color, double[] x, double[] y) {
        return add(new Series(name, color, x, y, false, 1.6f));
    }

    /** A line with a dot at every point. */
    public LinePlot points(String name, Color color, double[] x, double[] y) {
        return add(new Series(name, color, x, y, true, 1.6f));
    }

    public LinePlot marker(double x, String label) { markers.add(new Marker(x, label)); return this; }

    public String title() { return title; }

    public boolean isLogY() { return logY; }

    public List<Series> series() { return List.copyOf(series); }

    /** Renders this plot alone. */
    public BufferedImage render(int width, int height) { return stack(null, List.of(this), width, height); }

    /** Renders panels stacked vertically (equal heights) under an optional title. */
    public static BufferedImage stack(String title, List<LinePlot> panels, int width, int height) {
        if (panels.isEmpty()) throw new IllegalArgumentException("no panels to draw");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int top = 0;
            if (title != null && !title.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
                g.setColor(Color.BLACK);
                FontMetrics fm = g.getFontMetrics();
                g.drawString(title, (width - fm.stringWidth(title)) / 2, 8 + fm.getAscent());
                top = 16 + fm.getHeight();
            }
            int each = (height - top) / panels.size();
            for (int i = 0; i < panels.size(); i++) panels.get(i).draw(g, 0, top + i * each, width, each);
        } finally {
            g.dispose();
        }
        return img;
    }

    public static void writePng(BufferedImage img, Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer available");
    }

    /** Draws the panel into the rectangle (x, y, w, h). */
    public void draw(Graphics2D g, int x, int y, int w, int h) {
        Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        Font bold = new Font(Font.SANS_SERIF, Font.BOLD, 14);
        int left = x + 78, right = x + w - 20, top = y + 34, bottom = y + h - 44;
        int pw = right - left, ph = bottom - top;
        if (pw < 20 || ph < 20) return;

        // title (left) and legend (right), above the plot area
        g.setFont(bold);
        g.setColor(Color.BLACK);
        FontMetrics bfm = g.getFontMetrics();
        g.drawString(title, left, y + 10 + bfm.getAscent());
        g.setFont(base);
        FontMetrics fm = g.getFontMetrics();
        int lx = right;
        for (int i = series.size() - 1; i >= 0; i--) {
            Series s = series.get(i);
            int tw = fm.stringWidth(s.name());
            lx -= tw;
            int ly = y + 10 + bfm.getAscent();
            g.setColor(Color.DARK_GRAY);
            g.drawString(s.name(), lx, ly);
            lx -= 28;
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2.5f));
            int my = ly - fm.getAscent() / 2 + 1;
            g.drawLine(lx, my, lx + 22, my);
            if (s.markers()) g.fill(new Ellipse2D.Double(lx + 11 - 3, my - 3, 6, 6));
            lx -= 18;
        }

        double[] xr = xRange();
        double[] yr = yRange();
        g.setColor(new Color(250, 250, 250));
        g.fillRect(left, top, pw, ph);

        if (xr == null || yr == null) {
            g.setColor(Color.GRAY);
            String s = "no data";
            g.drawString(s, left + (pw - fm.stringWidth(s)) / 2, top + ph / 2);
            frame(g, left, top, pw, ph);
            return;
        }
        double x0 = xr[0], x1 = xr[1];
        double y0 = logY ? Math.log10(yr[0]) : yr[0], y1 = logY ? Math.log10(yr[1]) : yr[1];

        // grid and ticks
        Stroke thin = new BasicStroke(1f);
        g.setStroke(thin);
        int xTarget = Math.max(2, pw / 110), yTarget = Math.max(2, ph / 35);
        double xStep = tickStep(x0, x1, xTarget), yStep = tickStep(y0, y1, yTarget);
        for (double t : linearTicks(x0, x1, xTarget)) {
            int px = (int) Math.round(left + (t - x0) / (x1 - x0) * pw);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.BLACK);
            g.drawLine(px, bottom, px, bottom + 4);
            String s = format(t, xStep);
            g.drawString(s, px - fm.stringWidth(s) / 2, bottom + 6 + fm.getAscent());
        }
        List<double[]> yTicks = logY ? logTicks(yr[0], yr[1]) : wrap(linearTicks(y0, y1, yTarget));
        for (double[] tk : yTicks) {
            double v = tk[0];
            double pos = logY ? Math.log10(v) : v;
            int py = (int) Math.round(bottom - (pos - y0) / (y1 - y0) * ph);
            boolean major = tk.length < 2 || tk[1] != 0;
            g.setColor(major ? new Color(215, 215, 215) : new Color(238, 238, 238));
            g.drawLine(left, py, right, py);
            g.setColor(Color.BLACK);
            g.drawLine(left - 4, py, left, py);
            if (major) {
                String s = logY ? formatLog(v) : format(v, yStep);
                g.drawString(s, left - 7 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
            }
        }

        // axis labels
        g.setColor(Color.BLACK);
        if (!xLabel.isEmpty()) g.drawString(xLabel, left + (pw - fm.stringWidth(xLabel)) / 2, bottom + 24 + fm.getAscent());
        if (!yLabel.isEmpty()) {
            Graphics2D r = (Graphics2D) g.create();
            r.translate(x + 16, top + ph / 2 + fm.stringWidth(yLabel) / 2);
            r.rotate(-Math.PI / 2);
            r.drawString(yLabel, 0, 0);
            r.dispose();
        }

        // markers
        for (Marker m : markers) {
            if (!(m.x() >= x0 && m.x() <= x1)) continue;
            int px = (int) Math.round(left + (m.x() - x0) / (x1 - x0) * pw);
            g.setColor(GREY);
            g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
            g.drawLine(px, top, px, bottom);
            if (m.label() != null && !m.label().isEmpty()) g.drawString(m.label(), px + 4, bottom - 5);
        }

        // series, clipped to the plot area
        Graphics2D c = (Graphics2D) g.create();
        c.clipRect(left, top, pw + 1, ph + 1);
        for (Series s : series) {
            Path2D.Double path = new Path2D.Double();
            List<Shape> dots = new ArrayList<>();
            boolean started = false;
            for (int i = 0; i < s.x().length; i++) {
                double vx = s.x()[i], vy = s.y()[i];
                if (!Double.isFinite(vx) || !Double.isFinite(vy) || (logY && vy <= 0)) continue;
                double py = bottom - ((logY ? Math.log10(vy) : vy) - y0) / (y1 - y0) * ph;
                double px = left + (vx - x0) / (x1 - x0) * pw;
                if (!started) { path.moveTo(px, py); started = true; } else path.lineTo(px, py);
                if (s.markers()) dots.add(new Ellipse2D.Double(px - 2.5, py - 2.5, 5, 5));
            }
            c.setColor(s.color());
            c.setStroke(new BasicStroke(s.width(), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            c.draw(path);
            for (Shape d : dots) c.fill(d);
        }
        c.dispose();
        g.setStroke(thin);
        frame(g, left, top, pw, ph);
    }

    private static void frame(Graphics2D g, int left, int top, int pw, int ph) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f));
        g.drawRect(left, top, pw, ph);
    }

    private double[] xRange() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double vx = s.x()[i], vy = s.y()[i];
                if (!Double.isFinite(vx) || !Double.isFinite(vy) || (logY && vy <= 0)) continue;
                lo = Math.min(lo, vx);
                hi = Math.max(hi, vx);
            }
        }
        if (!Double.isNaN(xMin)) lo = xMin;
        if (!Double.isNaN(xMax)) hi = xMax;
        if (!(lo <= hi)) return null;
        if (lo == hi) { lo -= 0.5; hi += 0.5; }
        return new double[] {lo, hi};
    }

    private double[] yRange() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.y().length; i++) {
                double vy = s.y()[i];
                if (!Double.isFinite(vy) || !Double.isFinite(s.x()[i]) || (logY && vy <= 0)) continue;
                lo = Math.min(lo, vy);
                hi = Math.max(hi, vy);
            }
        }
        if (!Double.isNaN(yMin)) lo = yMin;
        if (!Double.isNaN(yMax)) hi = yMax;
        if (!(lo <= hi) || (logY && lo <= 0)) return null;
        if (logY) {
            // whole decades, at least one
            lo = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9));
            hi = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9));
            if (hi <= lo) hi = lo * 10;
        } else {
            if (lo == hi) { double d = lo == 0 ? 1 : Math.abs(lo) * 0.1; lo -= d; hi += d; }
            if (Double.isNaN(yMin) || Double.isNaN(yMax)) {
                double pad = (hi - lo) * 0.05;
                if (Double.isNaN(yMin)) lo -= pad;
                if (Double.isNaN(yMax)) hi += pad;
            }
        }
        return new double[] {lo, hi};
    }

    /** Ticks at a "nice" step (1, 2, 2.5 or 5 times a power of ten) inside [lo, hi]. */
    static double[] linearTicks(double lo, double hi, int target) {
        double step = tickStep(lo, hi, target);
        double first = Math.ceil(lo / step - 1e-9) * step;
        List<Double> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            double t = first + i * step;
            if (t > hi + step * 1e-9 || i > 1000) break;
            out.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
        }
        double[] r = new double[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }

    /** The step {@link #linearTicks} uses. */
    static double tickStep(double lo, double hi, int target) { return niceStep((hi - lo) / Math.max(1, target)); }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return n * p;
    }

    /** Log ticks {value, major?}: decades labelled; 2 and 5 labelled too over few decades, else minor. */
    static List<double[]> logTicks(double lo, double hi) {
        int d0 = (int) Math.round(Math.log10(lo)), d1 = (int) Math.round(Math.log10(hi));
        int decades = d1 - d0;
        int every = Math.max(1, (int) Math.ceil(decades / 8.0));
        List<double[]> out = new ArrayList<>();
        for (int d = d0; d <= d1; d++) {
            double p = Math.pow(10, d);
            out.add(new double[] {p, (d - d0) % every == 0 ? 1 : 0});
            if (d == d1 || decades > 8) continue;
            for (int m = 2; m <= 9; m++) {
                boolean labelled = decades <= 2 && (m == 2 || m == 5);
                out.add(new double[] {m * p, labelled ? 1 : 0});
            }
        }
        return out;
    }

    private static List<double[]> wrap(double[] ticks) {
        List<double[]> out = new ArrayList<>();
        for (double t : ticks) out.add(new double[] {t, 1});
        return out;
    }

    /** A tick label with as many decimals as the tick step needs. */
    static String format(double v, double step) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e6 || a < 1e-4) return String.format(Locale.ROOT, "%.1e", v);
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) + 1e-9));
        double scaled = step * Math.pow(10, decimals);
        if (Math.abs(scaled - Math.rint(scaled)) > 1e-6) decimals++; // 2.5, 0.25 ...
        String s = String.format(Locale.ROOT, "%." + Math.min(decimals, 6) + "f", v);
        if (s.contains(".")) s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        return s;
    }

    static String formatLog(double v) {
        if (v >= 1e-3 && v < 1e5) {
            String s = String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
            return s;
        }
        int e = (int) Math.floor(Math.log10(v) + 1e-9);
        double m = v / Math.pow(10, e);
        return Math.abs(m - 1) < 1e-9 ? "1e" + e : String.format(Locale.ROOT, "%.0fe%d", m, e);
    }
}
