package io.seqstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.train.TaskTrainer;
import io.seqstream.train.task.EchoTask;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Training progress: one redrawn line on a terminal, a line every few seconds in a log, time left from the progress made. */
class ProgressLineTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private String printed() { return bytes.toString(StandardCharsets.UTF_8); }

    @Test
    void shouldRedrawOneLineInPlaceOnATerminal() {
        ProgressLine line = new ProgressLine(out, true, now::get);
        for (int i = 1; i <= 50; i++) {
            now.addAndGet(ProgressLine.REDRAW_EVERY_NANOS);
            line.update(i / 50.0, "step " + i, "unused");
        }
        line.finish();
        assertFalse(printed().contains("\n"), "no new lines: " + printed());
        assertEquals(52, printed().chars().filter(c -> c == '\r').count(), "a carriage return per redraw, two to clear the line");
        assertTrue(printed().contains("[############] step 50"), printed());
        assertTrue(printed().endsWith("\r"), "cleared for what comes next");
    }

    @Test
    void shouldPrintPlainLinesAtAModestRateWhenNotATerminal() {
        ProgressLine line = new ProgressLine(out, false, now::get);
        // 20 s of updates every 50 ms: one line per 5 s.
        for (int i = 1; i <= 400; i++) {
            now.addAndGet(50_000_000L);
            line.update(i / 400.0, "brief", "line " + i);
        }
        line.finish();
        assertEquals(4, printed().lines().count(), printed());
        assertFalse(printed().contains("\r"));
        assertTrue(printed().startsWith("line 100\n"), printed());
    }

    @Test
    void shouldEstimateTheTimeLeftFromTheProgressMadeWithinTheBudgets() {
        EchoTask task = new EchoTask(4); // three levels
        TrainingProgress p = new TrainingProgress(task, 0, 3, 0.995, 20_000, 600, new ProgressLine(out, false, now::get));
        // One level passed and half the threshold on the second: half the way.
        double half = p.fraction(new TaskTrainer.Progress(1000, 1, 0.995 / 2, 1.0, 10));
        assertEquals(0.5, half, 1e-9);
        assertEquals(10, p.secondsLeft(half, 10, 1000, 100), 1e-9, "as long again as so far");
        assertEquals(Double.NaN, p.secondsLeft(0.01, 10, 100, 10), "too early to tell");
        // The step budget bounds it: 10,000 steps left at 1000 steps/s, where the progress alone says 190 s.
        assertEquals(10, p.secondsLeft(0.05, 10, 10_000, 1000), 1e-9);
        assertEquals(1, p.fraction(new TaskTrainer.Progress(5000, 2, 0.999, 0.01, 40)), 1e-9);
    }

    @Test
    void shouldShowLevelAccuracyRateAndEstimateInTheLine() {
        TrainingProgress p = new TrainingProgress(new EchoTask(4), 0, 3, 0.995, 20_000, 600, new ProgressLine(out, false, now::get));
        now.addAndGet(ProgressLine.PLAIN_EVERY_NANOS);
        p.accept(new TaskTrainer.Progress(1000, 1, 0.995 / 2, 0.5, 10));
        assertEquals("  step  1000  level 2/3 (length 10, delay 4)  held-out accuracy 0.4975  loss 0.5000  100 steps/s  10 s, ~10 s left\n",
                printed());
    }
}
