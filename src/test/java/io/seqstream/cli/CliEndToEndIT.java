package io.seqstream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A user's session: start the product, send "hello world" with the produce command, read it back with tail. */
class CliEndToEndIT {

    @Test
    void shouldEchoWhatAUserProducesAndShowItInTail() throws Exception {
        Path dataDir = Files.createTempDirectory(Path.of("target"), "cli-");
        Map<String, String> settings = Map.of("app.data-dir", dataDir.toString(), "kafka.embedded-port", "0", "web.port", "0",
                "pipeline.echo.model", TestModels.echoFile().toString(), "trainer.models", "none");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
        try (RunCommand.Running running = RunCommand.start(SeqstreamConfig.of(settings), true, out)) {
            String printed = console.toString(StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("embedded KRaft broker at (\\S+)").matcher(printed);
            assertTrue(m.find(), printed);
            String bootstrap = m.group(1);
            assertTrue(printed.contains("./seqstream tail --pipeline echo --bootstrap " + bootstrap), printed);

            assertEquals(0, cli(out, "produce", "--bootstrap", bootstrap, "--stream", "me", "hello", "world"));
            ByteArrayOutputStream tailed = new ByteArrayOutputStream();
            assertEquals(0, cli(new PrintStream(tailed, true, StandardCharsets.UTF_8), "tail", "--bootstrap", bootstrap,
                    "--stream", "me", "--from-beginning", "--max", "10", "--timeout", "60s"));
            List<String> lines = tailed.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("me ")).toList();
            assertEquals(10, lines.size(), tailed.toString(StandardCharsets.UTF_8));
            String echoed = lines.stream().map(l -> l.replaceAll(".* -> (\\S).*", "$1")).reduce("", String::concat);
            assertEquals("____hellow", echoed, "each letter comes back 4 steps later");
            // The demo feed runs beside the user's stream.
            ByteArrayOutputStream demo = new ByteArrayOutputStream();
            cli(new PrintStream(demo, true, StandardCharsets.UTF_8), "tail", "--bootstrap", bootstrap, "--stream", "alice",
                    "--from-beginning", "--max", "3", "--timeout", "60s");
            assertEquals(3, demo.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("alice ")).count());
        }
    }

    private static int cli(PrintStream out, String... argv) {
        return Main.run(argv, out, out);
    }
}
