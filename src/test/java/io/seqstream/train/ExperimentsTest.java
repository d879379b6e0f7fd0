package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentsTest {

    @Test
    void shouldWriteTheResultsPageAndOneReportPerRunInQuickMode(@TempDir Path dir) throws Exception {
        assertEquals(0, Experiments.run(dir, new Experiments.Options(true, 2), new PrintStream(OutputStream.nullOutputStream())));
        String page = Files.readString(dir.resolve("results.md"));
        assertTrue(page.contains("Longest memory length learned"), page);
        assertTrue(page.contains("Temporal order 6b"), page);
        for (String run : new String[]{"echo-d4-gru", "order-6a-lstm", "memory-lstm"}) {
            assertTrue(Files.size(dir.resolve("results/" + run + ".png")) > 1000, run);
            assertTrue(Files.size(dir.resolve("results/" + run + ".csv")) > 0, run);
            assertTrue(page.contains("results/" + run + ".md"), run);
        }
    }

    @Test
    void shouldKeepTheSectionsOtherCommandsWroteWhenRewritingResults() {
        String page = "# Results: the course tasks\n\nintro\n\n## Longest memory length learned (x)\n\nt\n\n## Every run\n\nr\n\n"
                + "## Reproduce\n\ncmd\n\n## Next-token models\n\nn\n\n## Sentiment\n\ns\n";
        org.junit.jupiter.api.Assertions.assertEquals("\n## Next-token models\n\nn\n\n## Sentiment\n\ns\n", Experiments.otherSections(page));
        org.junit.jupiter.api.Assertions.assertEquals("", Experiments.otherSections("# Results\n\n## Every run\n\nr\n"));
    }
}
