package io.seqstream.train.sentiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.SequenceBatch;
import io.seqstream.model.TokenizerSpec;
import io.seqstream.model.text.Tokenizer;
import io.seqstream.model.text.Tokenizers;
import io.seqstream.train.online.LabelledExamples;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SentimentExamplesTest {
    private final TokenizerSpec spec = Vocabulary.build(List.of("good good good film", "bad film<br />", "good"), 10);
    private final Tokenizer tok = Tokenizers.from(spec);

    @Test
    void shouldBuildTheVocabularyByFrequencyWithTheUnknownWordFirst() {
        assertEquals(List.of("<unk>", "good", "film", "bad"), spec.symbols());
        assertEquals("words", spec.kind());
        assertEquals(List.of("<unk>", "good"), Vocabulary.build(List.of("good good film"), 1).symbols());
    }

    @Test
    void shouldScoreTheLabelAtTheTrueLastWordOnly() {
        SequenceBatch.Example e = SentimentExamples.example(tok, "Good film, BAD ending!", 1, 0);
        assertArrayEquals(new int[]{1, 2, 3, 0}, e.inputs());
        assertArrayEquals(new int[]{-1, -1, -1, 1}, e.targets());
        SequenceBatch b = SequenceBatch.of(List.of(e, SentimentExamples.example(tok, "bad", 0, 0)));
        assertArrayEquals(new int[]{0, -1, -1, -1}, b.targets[1], "the padded steps carry no target");
        assertEquals(1, b.lengths[1]);
    }

    @Test
    void shouldKeepTheLastWordsWhenTruncating() {
        SequenceBatch.Example e = SentimentExamples.example(tok, "bad bad film good", 0, 2);
        assertArrayEquals(new int[]{2, 1}, e.inputs());
        assertArrayEquals(new int[]{-1, 0}, e.targets());
    }

    @Test
    void shouldTurnALabelledTopicRecordIntoTheSameExample() {
        ModelMetadata m = SentimentSetup.metadata("s", SentimentSetup.spec(CellType.LSTM, 4, spec.symbols().size(), 4), spec, 0, Map.of());
        LabelledExamples topic = new LabelledExamples(m, SentimentExamples.DEFAULT_MAX_WORDS);
        SequenceBatch.Example e = topic.parse(utf8("{\"text\":\"good film\",\"label\":1}")).example();
        assertArrayEquals(new int[]{1, 2}, e.inputs());
        assertArrayEquals(new int[]{-1, 1}, e.targets());
        SequenceBatch.Example direct = SentimentExamples.example(tok, "good film", 1, SentimentExamples.DEFAULT_MAX_WORDS);
        assertArrayEquals(direct.inputs(), e.inputs());
        assertArrayEquals(direct.targets(), e.targets());
        for (String bad : List.of("not json", "[1]", "{\"label\":1}", "{\"text\":\"good\",\"label\":2}",
                "{\"text\":\"good\",\"label\":\"1\"}", "{\"text\":\"123 !!\",\"label\":0}")) {
            var x = assertThrows(LabelledExamples.BadExample.class, () -> topic.parse(utf8(bad)), bad);
            assertTrue(x.getMessage() != null && !x.getMessage().isEmpty());
        }
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    @Test
    void shouldReadTheRunningScoreAtTheRightWord() {
        assertEquals(0, SentimentEvaluation.position(1, 0.25));
        assertEquals(0, SentimentEvaluation.position(4, 0.25));
        assertEquals(1, SentimentEvaluation.position(4, 0.5));
        assertEquals(2, SentimentEvaluation.position(5, 0.5));
        assertEquals(4, SentimentEvaluation.position(5, 1.0));
    }
}
