package io.seqstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EvalCommandTest {
    private static final Pattern SCORE = Pattern.compile("\\((\\d+)/(\\d+) ");

    private static String[] run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[]{String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void shouldScoreLongSingleStreamsByPositionRangeAndInAll() throws Exception {
        String model = TestModels.echoFile().toString();
        String[] r = run("eval", "--task", "echo", "--model", model, "--stream-length", "300", "--streams", "2", "--ranges", "3", "--seed", "5");
        assertEquals("0", r[0], r[2]);
        String[] lines = r[1].strip().split("\n");
        assertTrue(lines[0].contains("2 fresh streams of 300 letters"), lines[0]);
        assertEquals(5, lines.length, r[1]);
        long correct = 0;
        long total = 0;
        for (int i = 1; i <= 3; i++) {
            assertTrue(lines[i].contains("positions"), lines[i]);
            Matcher m = SCORE.matcher(lines[i]);
            assertTrue(m.find(), lines[i]);
            correct += Long.parseLong(m.group(1));
            total += Long.parseLong(m.group(2));
        }
        assertEquals(2 * (300 - 4), total, "every position from the delay on, once");
        Matcher all = SCORE.matcher(lines[4]);
        assertTrue(lines[4].contains("all positions") && all.find(), lines[4]);
        assertEquals(correct, Long.parseLong(all.group(1)));
        assertEquals(total, Long.parseLong(all.group(2)));
        assertEquals(r[1], run("eval", "--task", "echo", "--model", model, "--stream-length", "300", "--streams", "2", "--ranges", "3",
                "--seed", "5")[1], "the same seed, the same streams");
    }

    @Test
    void shouldDrawStreamsForOneHundredThousandTokensByDefault() throws Exception {
        String[] r = run("eval", "--task", "echo", "--model", TestModels.echoFile().toString(), "--stream-length", "20000");
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("6 fresh streams of 20000 letters"), r[1]);
    }

    @Test
    void shouldRefuseStreamLengthsNotAboveTheDelayAndTasksThatAreNotEcho() throws Exception {
        String model = TestModels.echoFile().toString();
        String[] r = run("eval", "--task", "echo", "--model", model, "--stream-length", "4");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--stream-length"), r[2]);
        r = run("eval", "--task", "order-6a", "--model", model, "--stream-length", "400");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("echo"), r[2]);
    }
}
