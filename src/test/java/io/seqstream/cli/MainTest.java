package io.seqstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line: per-command help, and wrong options or values refused before anything runs. */
class MainTest {
    private record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(argv, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldShowEachCommandsOwnOptionsWithHelp() {
        List<List<String>> commands = List.of(List.of("run"), List.of("train"), List.of("eval"), List.of("sample"), List.of("experiments"),
                List.of("produce"), List.of("tail"), List.of("topics"), List.of("bench"), List.of("bench", "e2e"), List.of("bench", "step"),
                List.of("bench", "train"), List.of("bench", "determinism"), List.of("bench", "ws"), List.of("bench", "join"),
                List.of("bench", "restore"), List.of("bench", "memory"), List.of("bench", "load"), List.of("bench", "failover"));
        for (List<String> command : commands) {
            List<String> argv = new java.util.ArrayList<>(command);
            argv.add("--help");
            Outcome r = run(argv.toArray(String[]::new));
            assertEquals(0, r.code(), command + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: seqstream " + String.join(" ", command) + " "), r.out());
        }
        assertTrue(run("train", "--help").out().contains("--delay"), "train lists its own options");
        assertTrue(!run("tail", "--help").out().contains("--delay"), "tail does not list train's");
        assertTrue(run("bench", "e2e", "--help").out().contains("--tokens"));
        Outcome viaHelp = run("help", "sample");
        assertEquals(0, viaHelp.code());
        assertTrue(viaHelp.out().contains("--seed-rng"), viaHelp.out());
    }

    @Test
    void shouldRefuseAnUnknownOptionNamingIt() {
        Outcome r = run("train", "--task", "echo", "--hidden-size", "64");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("seqstream train: Unknown option: '--hidden-size'"), r.err());
        assertTrue(r.err().contains("did you mean --hidden?"), r.err());
        assertEquals("", r.out(), "nothing ran");
        // An option of another command is unknown here.
        r = run("tail", "--delay", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'--delay'"), r.err());
        r = run("bench", "step", "--tokens", "5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("seqstream bench step: Unknown option: '--tokens'"), r.err());
    }

    @Test
    void shouldRefuseABadValueNamingTheOption() {
        Outcome r = run("sample", "--model", "m.model", "--n", "many");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'--n'") && r.err().contains("many"), r.err());
        r = run("train", "--max-steps");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--max-steps"), r.err());
        r = run("sample");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model"), "a required option: " + r.err());
        r = run("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("frobnicate"), r.err());
    }

    @Test
    void shouldRefuseAnOptionTheTaskDoesNotRead() {
        Outcome r = run("train", "--task", "sentiment", "--delay", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--delay does not apply to --task sentiment"), r.err());
        r = run("eval", "--task", "echo", "--temperature", "0.5");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--temperature does not apply to --task echo"), r.err());
    }

    @Test
    void shouldListTheCommandsWithoutOne() {
        Outcome r = run();
        assertEquals(2, r.code());
        assertTrue(r.out().contains("Commands:") && r.out().contains("produce"), r.out());
        assertEquals(0, run("--help").code());
    }
}
