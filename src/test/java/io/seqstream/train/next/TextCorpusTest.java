package io.seqstream.train.next;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.text.NextVocabulary;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The loader on the real Tiny Shakespeare file (../shared/data, as the data README describes it). */
class TextCorpusTest {

    @Test
    void shouldLoadTinyShakespeareAndSplitItNinetyTenByPosition() throws Exception {
        assertTrue(Files.isRegularFile(TextCorpus.TINY_SHAKESPEARE), "data file at " + TextCorpus.TINY_SHAKESPEARE.toAbsolutePath());
        TextCorpus c = TextCorpus.tinyShakespeare(TextCorpus.TINY_SHAKESPEARE);
        assertEquals(1_115_394, c.train().length() + c.heldOut().length(), "all characters (the README's count)");
        assertEquals(1_003_854, c.train().length(), "first 90 %");
        assertEquals(111_540, c.heldOut().length(), "last 10 %");
        assertTrue(c.train().startsWith("First Citizen:\nBefore we proceed any further, hear me speak."));
        assertEquals(40_000, (c.train() + c.heldOut()).chars().filter(ch -> ch == '\n').count());
        // 65 characters (the README's list) plus start and end.
        assertEquals(67, c.vocabulary().size());
        assertEquals("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                String.join("", c.vocabulary().symbols().subList(2, 67)));
        assertEquals(NextVocabulary.START, c.vocabulary().symbols().get(NextVocabulary.START_ID));
        // Every held-out character is in the training part's vocabulary, and encoding keeps every character.
        assertEquals(c.heldOut().length(), c.vocabulary().encode(c.heldOut()).length);
        assertEquals(c.heldOut(), c.vocabulary().decode(c.vocabulary().encode(c.heldOut())));
    }
}
