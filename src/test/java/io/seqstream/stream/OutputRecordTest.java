package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelTask;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import io.seqstream.model.TokenizerSpec;
import io.seqstream.serve.ServedModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The output record type reads what the hot-path writer writes, and gives the same bytes back, for every task. */
class OutputRecordTest {
    private static final List<String> SYMBOLS = List.of("\u0002", "\u0003", "a", "\"", "\\", "\n", "\u00e9", "z");

    private static ServedModel model(String task, List<String> classes) {
        ModelSpec spec = ModelSpec.oneHot(CellType.GRU, 4, SYMBOLS.size(), classes.size());
        ModelMetadata md = new ModelMetadata("m-" + task, 7, ModelTask.parse(task), spec, new TokenizerSpec("chars", SYMBOLS, null, false, ""),
                classes, 0, 0, Map.of(), 0);
        return ServedModel.of(new ModelSnapshot(md, Parameters.zeros(spec)));
    }

    private static float[] distribution(int classes, long seed) {
        Random r = new Random(seed);
        float[] p = new float[classes + 3];
        float sum = 0;
        for (int j = 0; j < classes; j++) sum += p[3 + j] = r.nextFloat() + 1e-6f;
        for (int j = 0; j < classes; j++) p[3 + j] /= sum;
        return p;
    }

    @Test
    void shouldReadBackEveryTasksOutputAndWriteTheSameBytes() {
        Map<String, List<String>> tasks = Map.of("echo", SYMBOLS, "next", SYMBOLS, "classify", List.of("neg", "pos", "mid"),
                "sentiment", List.of("negative", "positive"));
        for (var e : tasks.entrySet()) {
            ServedModel m = model(e.getKey(), e.getValue());
            for (long seed = 0; seed < 50; seed++) {
                float[] probs = distribution(e.getValue().size(), seed);
                byte[] written = OutputFormat.format(m, "pipe\"line", "str\\eam\n" + seed, seed * 3, "\u00e9\t", probs, 3,
                        e.getValue().size(), 1700000000123L + seed);
                OutputRecord r = OutputRecord.parse(written);
                String where = e.getKey() + " " + new String(written, StandardCharsets.UTF_8);
                assertArrayEquals(written, r.toJson(), where);
                assertEquals("str\\eam\n" + seed, r.stream(), where);
                assertEquals(seed * 3, r.pos(), where);
                assertEquals(7, r.version(), where);
                assertEquals(1700000000123L + seed, r.ts(), where);
                int best = 0;
                for (int j = 1; j < e.getValue().size(); j++) if (probs[3 + j] > probs[3 + best]) best = j;
                assertEquals(e.getValue().get(best), r.prediction(), where);
                assertEquals(probs[3 + best], r.p(), where);
            }
        }
    }

    @Test
    void shouldCarryEachTasksOwnFields() {
        float[] two = {0.25f, 0.75f};
        OutputRecord sentiment = OutputRecord.parse(OutputFormat.format(model("sentiment", List.of("negative", "positive")),
                "imdb", "r1", 0, "great", two, 0, 2, 1));
        assertEquals(0.75f, sentiment.positive());
        assertEquals("positive", sentiment.out());
        assertNull(sentiment.label());
        assertNull(sentiment.top());

        OutputRecord classify = OutputRecord.parse(OutputFormat.format(model("classify", List.of("neg", "pos")),
                "c", "s", 0, "a", two, 0, 2, 1));
        assertEquals("pos", classify.label());
        assertNull(classify.out());
        assertNull(classify.positive());

        OutputRecord next = OutputRecord.parse(OutputFormat.format(model("next", SYMBOLS), "next", "s", 0, "a",
                distribution(SYMBOLS.size(), 1), 3, SYMBOLS.size(), 1));
        assertEquals(5, next.top().size());
        assertEquals(next.out(), next.top().get(0).symbol());
        assertEquals(next.p(), next.top().get(0).p());
        for (int k = 1; k < 5; k++) assertTrue(next.top().get(k).p() <= next.top().get(k - 1).p(), next.toString());
    }

    @Test
    void shouldWriteANonFiniteProbabilityAsNullAndReadItAsNaN() {
        float[] probs = {Float.NaN, Float.NaN};
        byte[] written = OutputFormat.format(model("sentiment", List.of("negative", "positive")), "imdb", "r", 0, "x", probs, 0, 2, 1);
        assertTrue(new String(written, StandardCharsets.UTF_8).contains("\"p\":null,\"positive\":null"));
        OutputRecord r = OutputRecord.parse(written);
        assertTrue(Float.isNaN(r.p()) && Float.isNaN(r.positive()));
        assertArrayEquals(written, r.toJson());
    }

    @Test
    void shouldNameWhatIsMissingFromAValueThatIsNoOutput() {
        var e = assertThrows(IllegalArgumentException.class, () -> OutputRecord.parse("{\"pipeline\":\"echo\",\"stream\":\"s\"}"));
        assertTrue(e.getMessage().contains("'pos'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OutputRecord.parse("not json"));
        assertThrows(IllegalArgumentException.class, () -> OutputRecord.parse("[1]"));
    }
}
