package io.seqstream.train.sentiment;

import io.seqstream.model.TokenizerSpec;
import io.seqstream.model.text.WordTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The word vocabulary of a sentiment model: id 0 is the unknown word, then the most frequent words of the
 * training texts (ties broken alphabetically, so the same texts give the same ids). Built from the training
 * split only; test words it lacks become unknown.
 */
public final class Vocabulary {
    public static final String UNKNOWN = "<unk>";

    private Vocabulary() {
    }

    /** The tokenizer spec of the top {@code size} words (plus the unknown word) of the texts. */
    public static TokenizerSpec build(Iterable<String> texts, int size) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : texts) for (String w : WordTokenizer.words(t)) counts.merge(w, 1, Integer::sum);
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey()) : b.getValue() - a.getValue());
        List<String> symbols = new ArrayList<>(size + 1);
        symbols.add(UNKNOWN);
        for (int i = 0; i < Math.min(size, entries.size()); i++) symbols.add(entries.get(i).getKey());
        return new TokenizerSpec("words", symbols, UNKNOWN, true, "");
    }
}
