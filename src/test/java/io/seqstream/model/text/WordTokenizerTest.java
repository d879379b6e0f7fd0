package io.seqstream.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.seqstream.model.TokenizerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
    private static final List<String> VOCAB = List.of("<unk>", "the", "movie", "was", "great", "don't", "i", "it", "café");

    private static Tokenizer tokenizer() {
        return Tokenizers.from(new TokenizerSpec("words", VOCAB, "<unk>", true, ""));
    }

    @Test
    void shouldRemoveHtmlTagsAndLowerCase() {
        assertEquals(List.of("the", "movie", "was", "great", "i", "liked", "it"),
                WordTokenizer.words("The movie<br /><br />was <i>GREAT</i>.<br/>I liked<hr>it"));
    }

    @Test
    void shouldSplitOnPunctuationAndDigitsAndKeepInnerApostrophes() {
        assertEquals(List.of("don't", "it's", "a", "b", "rated", "film", "x", "y", "quote"),
                WordTokenizer.words("Don't -- it's a B-rated film (10/10)!!! x,y 'quote' 42"));
        assertEquals(List.of("don't"), WordTokenizer.words("don\u2019t"), "typographic apostrophe");
        assertEquals(List.of("café", "naïve"), WordTokenizer.words("Café, naïve."), "accented letters are letters");
    }

    @Test
    void shouldMapUnknownWordsToTheUnknownIdInsteadOfFailing() {
        Tokenizer.Encoded e = tokenizer().encode("The movie was supercalifragilistic, I don't care");
        assertArrayEquals(new int[]{1, 2, 3, 0, 6, 5, 0}, e.ids());
        assertArrayEquals(new String[]{"the", "movie", "was", "supercalifragilistic", "i", "don't", "care"}, e.texts());
    }

    @Test
    void shouldRejectUnknownWordsWhenTheVocabularyHasNoUnknownSymbol() {
        Tokenizer strict = Tokenizers.from(new TokenizerSpec("words", List.of("the", "movie"), null, true, ""));
        UnknownTokenException e = assertThrows(UnknownTokenException.class, () -> strict.encode("the film"));
        assertEquals("film", e.token());
        assertEquals(1, e.position());
    }

    @Test
    void shouldGiveNoTokensForEmptyOrWordlessInput() {
        Tokenizer t = tokenizer();
        assertEquals(0, t.encode("").ids().length);
        assertEquals(0, t.encode("   ").ids().length);
        assertEquals(0, t.encode("<br /> 123 !!! -- <p>").ids().length);
    }

    @Test
    void shouldTokeniseAWholeTextAsTheConcatenationOfItsWordChunks() {
        Tokenizer t = tokenizer();
        String text = "The movie<br /><br />was great. I don't... it WAS!";
        List<String> words = WordTokenizer.words(text);
        int[] whole = t.encode(text).ids();
        int[] joined = words.stream().flatMapToInt(w -> java.util.Arrays.stream(t.encode(w).ids())).toArray();
        assertArrayEquals(whole, joined);
    }
}
