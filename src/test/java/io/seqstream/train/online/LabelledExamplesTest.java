package io.seqstream.train.online;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelTask;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.TokenizerSpec;
import io.seqstream.stream.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelledExamplesTest {
    private static final TokenizerSpec AB = new TokenizerSpec("chars", List.of("a", "b"), null, false, " ");

    static ModelMetadata model(String task, int classes, List<String> symbols) {
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 8, 2, classes);
        return new ModelMetadata("m", 0, ModelTask.parse(task), spec, AB, symbols, 0, 0, Map.of(), 0);
    }

    private static LabelledExamples classify(int maxLength) {
        return new LabelledExamples(model("classify", 2, List.of("neg", "pos")), maxLength);
    }

    private static byte[] json(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void shouldLabelTheLastTokenOnlyWithAnIdOrASymbol() {
        LabelledExamples ex = classify(100);
        var byId = ex.parse(json("{\"text\":\"ab ba\",\"label\":1}")).example();
        assertArrayEquals(new int[] {0, 1, 1, 0}, byId.inputs());
        assertArrayEquals(new int[] {-1, -1, -1, 1}, byId.targets());
        var bySymbol = ex.parse(json("{\"text\":\"ab\",\"label\":\"neg\"}")).example();
        assertArrayEquals(new int[] {-1, 0}, bySymbol.targets());
    }

    @Test
    void shouldKeepTheLastTokensOfALongText() {
        var e = classify(3).parse(json("{\"text\":\"aaaab\",\"label\":0}")).example();
        assertArrayEquals(new int[] {0, 0, 1}, e.inputs());
        assertArrayEquals(new int[] {-1, -1, 0}, e.targets());
    }

    @Test
    void shouldTurnANextTokenTextIntoShiftedTargets() {
        var ex = new LabelledExamples(model("next", 2, List.of("a", "b")), 100);
        var e = ex.parse(json("{\"text\":\"abba\"}")).example();
        assertArrayEquals(new int[] {0, 1, 1}, e.inputs());
        assertArrayEquals(new int[] {1, 1, 0}, e.targets());
    }

    @Test
    void shouldFrameATextWithStartAndEndWhereTheVocabularyHasThem() {
        List<String> symbols = List.of(io.seqstream.model.text.NextVocabulary.START, io.seqstream.model.text.NextVocabulary.END, "a", "b");
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 8, 4, 4);
        ModelMetadata m = new ModelMetadata("n", 0, ModelTask.NEXT, spec, new TokenizerSpec("chars", symbols, null, false, ""), symbols,
                0, 0, Map.of(), 0);
        var e = new LabelledExamples(m, 100).parse(json("{\"text\":\"ab\"}")).example();
        assertArrayEquals(new int[] {0, 2, 3}, e.inputs());
        assertArrayEquals(new int[] {2, 3, 1}, e.targets());
    }

    @Test
    void shouldReadALabelledReviewWithTheSentimentModelsWordTokenizer() {
        List<String> vocab = List.of("<unk>", "a", "great", "film");
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 8, 4, 2).withEmbedding(4);
        ModelMetadata m = new ModelMetadata("s", 0, ModelTask.SENTIMENT, spec, new TokenizerSpec("words", vocab, "<unk>", true, ""),
                List.of("negative", "positive"), 0, 0, Map.of(), 0);
        var e = new LabelledExamples(m, 100).parse(json("{\"text\":\"A <br />GREAT, truly great film!\",\"label\":\"positive\"}")).example();
        assertArrayEquals(new int[] {1, 2, 0, 2, 3}, e.inputs());
        assertArrayEquals(new int[] {-1, -1, -1, -1, 1}, e.targets());
    }

    @Test
    void shouldNameTheReasonOfEveryBadExample() {
        LabelledExamples ex = classify(100);
        assertReason(DeadLetterReason.UNDECODABLE, ex, new byte[] {(byte) 0xff, (byte) 0xfe});
        assertReason(DeadLetterReason.UNDECODABLE, ex, json("not json"));
        assertReason(DeadLetterReason.UNDECODABLE, ex, json("[1,2]"));
        assertReason(DeadLetterReason.UNDECODABLE, ex, json("{\"label\":1}"));
        assertReason(DeadLetterReason.UNDECODABLE, ex, json("{\"text\":7,\"label\":1}"));
        assertReason(DeadLetterReason.UNDECODABLE, ex, json("{\"text\":\"  \",\"label\":1}"));
        assertReason(DeadLetterReason.UNDECODABLE, ex, null);
        assertReason(DeadLetterReason.UNKNOWN_TOKEN, ex, json("{\"text\":\"abc\",\"label\":1}"));
        assertReason(DeadLetterReason.BAD_LABEL, ex, json("{\"text\":\"ab\"}"));
        assertReason(DeadLetterReason.BAD_LABEL, ex, json("{\"text\":\"ab\",\"label\":2}"));
        assertReason(DeadLetterReason.BAD_LABEL, ex, json("{\"text\":\"ab\",\"label\":0.5}"));
        assertReason(DeadLetterReason.BAD_LABEL, ex, json("{\"text\":\"ab\",\"label\":\"maybe\"}"));
        assertReason(DeadLetterReason.BAD_LABEL, ex, json("{\"text\":\"ab\",\"label\":[1]}"));
    }

    @Test
    void shouldRefuseModelsWithoutALabelledForm() {
        assertThrows(IllegalArgumentException.class, () -> new LabelledExamples(model("echo", 2, List.of("a", "b")), 10));
    }

    @Test
    void shouldHoldOutTheSameTextsAtEveryStartAndAboutOneInN() {
        int held = 0;
        for (int i = 0; i < 10_000; i++) {
            String text = "review number " + i;
            boolean h = LabelledTopicFeed.isHeldOut(text, 10);
            assertEquals(h, LabelledTopicFeed.isHeldOut(new String(text.toCharArray()), 10));
            if (h) held++;
        }
        assertTrue(held > 850 && held < 1150, "held out " + held + " of 10000");
    }

    private static void assertReason(DeadLetterReason expected, LabelledExamples ex, byte[] value) {
        var e = assertThrows(LabelledExamples.BadExample.class, () -> ex.parse(value));
        assertEquals(expected, e.reason(), e.getMessage());
    }
}
