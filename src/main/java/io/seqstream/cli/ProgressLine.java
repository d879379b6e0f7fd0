package io.seqstream.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * Progress of a long task on the console: on a terminal one line redrawn in place (carriage return) with a bar; when
 * the output is a file or a pipe, a plain line every few seconds, so that logs stay short and readable.
 */
final class ProgressLine {
    /** Plain mode: at most one line per this many nanoseconds. */
    static final long PLAIN_EVERY_NANOS = 5_000_000_000L;
    /** Terminal mode: redraws closer together than this are skipped; the eye does not need more. */
    static final long REDRAW_EVERY_NANOS = 100_000_000L;
    /** Terminal mode: the line is cut here, since a line that wraps cannot be redrawn with a carriage return. */
    static final int WIDTH = 79;
    private static final int BAR = 12;

    private final PrintStream out;
    private final boolean terminal;
    private final LongSupplier nanoClock;
    private long shownAt;
    private int drawn;

    ProgressLine(PrintStream out, boolean terminal, LongSupplier nanoClock) {
        this.out = out;
        this.terminal = terminal;
        this.nanoClock = nanoClock;
        // Plain mode: the first line comes one interval after the start, so a short task prints none.
        this.shownAt = terminal ? nanoClock.getAsLong() - REDRAW_EVERY_NANOS : nanoClock.getAsLong();
    }

    /** A progress line on {@code out}: the redrawn kind when it is this process's standard output on a terminal. */
    static ProgressLine on(PrintStream out) {
        return new ProgressLine(out, out == System.out && System.console() != null, System::nanoTime);
    }

    boolean terminal() { return terminal; }

    /**
     * Shows the progress, if it is time to: on a terminal {@code fraction} (0..1; NaN: no bar) as a bar and
     * {@code brief} beside it, in plain mode the {@code full} line.
     */
    void update(double fraction, String brief, String full) {
        long now = nanoClock.getAsLong();
        if (now - shownAt < (terminal ? REDRAW_EVERY_NANOS : PLAIN_EVERY_NANOS)) return;
        shownAt = now;
        if (!terminal) {
            out.println(full);
            return;
        }
        String line = Double.isNaN(fraction) ? brief : bar(fraction) + " " + brief;
        if (line.length() > WIDTH) line = line.substring(0, WIDTH);
        // Spaces over what is left of a longer line drawn before.
        out.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
        out.flush();
        drawn = line.length();
    }

    /** A trainer's own progress line: shown whole in plain mode, in place (without a bar) on a terminal. */
    void line(String text) {
        update(Double.NaN, text.strip(), text);
    }

    /** Clears the redrawn line, so that what is printed next starts on a clean line. */
    void finish() {
        if (terminal && drawn > 0) {
            out.print("\r" + " ".repeat(drawn) + "\r");
            out.flush();
            drawn = 0;
        }
    }

    static String bar(double fraction) {
        int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * BAR);
        return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
    }
}
