package io.seqstream.train.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The loaders on the real files of shared/data (paths relative to the repository root). */
class ImdbLoaderTest {
    static final Path IMDB = Path.of("../shared/data/imdb");
    static final Path GLOVE = Path.of("../shared/data/glove/glove.6B.50d.top10k.txt.gz");

    @Test
    void shouldLoadBothRealSplitsWithTheirDocumentedCounts() throws IOException {
        for (List<Review> split : List.of(ImdbLoader.train(IMDB), ImdbLoader.test(IMDB))) {
            assertEquals(25_000, split.size());
            assertEquals(12_500, split.stream().filter(r -> r.label() == 1).count());
            assertTrue(split.stream().allMatch(r -> r.label() == 1 ? r.rating() >= 7 : r.rating() <= 4), "label agrees with rating");
            assertTrue(split.stream().allMatch(r -> r.text().length() >= 32), "no review lost its text to quoting");
        }
        List<Review> train = ImdbLoader.train(IMDB);
        // README: "<br />" appears in 14,665 train reviews; reviews with commas and quotes survive the CSV quoting.
        assertEquals(14_665, train.stream().filter(r -> r.text().contains("<br />")).count());
        assertTrue(train.stream().anyMatch(r -> r.text().contains("\"") && r.text().contains(",")));
    }

    @Test
    void shouldParseQuotedFieldsWithCommasDoubledQuotesAndLineBreaks() throws IOException {
        String csv = "id,rating,label,review\n1,10,1,\"Great, \"\"really\"\" great\nfilm\"\r\n2,1,0,plain text\n";
        List<Review> r = ImdbLoader.parse(new StringReader(csv), "inline");
        assertEquals(2, r.size());
        assertEquals("Great, \"really\" great\nfilm", r.get(0).text());
        assertEquals(new Review(2, 1, 0, "plain text"), r.get(1));
    }

    @Test
    void shouldRejectAFileWithoutTheHeader() {
        IOException e = assertThrows(IOException.class, () -> ImdbLoader.parse(new StringReader("a,b\n1,2\n"), "bad.csv"));
        assertTrue(e.getMessage().contains("bad.csv"));
        assertThrows(IOException.class, () -> ImdbLoader.load(Path.of("no/such/imdb.csv.gz")));
    }

    @Test
    void shouldLoadTheRealGloveSubset() throws IOException {
        Glove g = Glove.load(GLOVE);
        assertEquals(50, g.dimension());
        assertEquals(10_000, g.vectors().size());
        assertEquals(0.418f, g.vector("the")[0]);
        assertEquals(0.24968f, g.vector("the")[1]);
    }
}
