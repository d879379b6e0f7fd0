package io.seqstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.Sampler;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SampleCommandTest {

    private static String[] run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[]{String.valueOf(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void shouldPrintTheSeedAndTheArgmaxContinuationAtTemperatureZero() throws Exception {
        String model = TestModels.nextFile().toString();
        String[] r = run("sample", "--model", model, "--seed", "sab", "--temperature", "0", "--max", "20");
        assertEquals("0", r[0], r[2]);
        NextVocabulary v = NextVocabulary.of(TestModels.next().metadata());
        Sampler.Sample s = new Sampler(TestModels.next().parameters()).sample(v.startThen("sab"), 1, 0, 20, NextVocabulary.END_ID,
                new Random(0)).get(0);
        assertEquals("sab" + v.decode(s.ids()) + (s.ended() ? "" : "  [cut at --max 20]"), r[1].strip());
    }

    @Test
    void shouldRepeatWithTheSameRngSeed() throws Exception {
        String model = TestModels.nextFile().toString();
        String[] a = run("sample", "--model", model, "--seed", "", "--temperature", "1", "--max", "60", "--n", "4", "--seed-rng", "3");
        String[] b = run("sample", "--model", model, "--seed", "", "--temperature", "1", "--max", "60", "--n", "4", "--seed-rng", "3");
        assertEquals("0", a[0], a[2]);
        assertEquals(a[1], b[1]);
        assertEquals(4, a[1].strip().split("\n").length);
    }

    @Test
    void shouldRefuseBadArgumentsWithAUsageError() throws Exception {
        String model = TestModels.nextFile().toString();
        String[] r = run("sample", "--model", model, "--seed", "sxq");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("not in the model's vocabulary"), r[2]);
        r = run("sample", "--model", model, "--temperature", "-1");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("--temperature"), r[2]);
        r = run("sample", "--model", TestModels.echoFile().toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("not next"), r[2]);
    }
}
