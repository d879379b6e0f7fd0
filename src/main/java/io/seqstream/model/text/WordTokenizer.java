package io.seqstream.model.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words of letters, lower-cased, for the sentiment models: HTML-like tags ({@code <br />}, {@code <i>}) are
 * removed first, then every run of letters (with inner apostrophes, as in {@code don't}) is one word; digits,
 * punctuation and other symbols separate words and are dropped. Words outside the vocabulary map to the unknown
 * id when the vocabulary has one (a review is never rejected for a rare word), else they fail.
 * A tag cut across two calls is not recognised: each call is tokenised on its own, so records must hold whole words.
 */
public final class WordTokenizer implements Tokenizer {
    private static final Pattern TAG = Pattern.compile("<[^<>]{0,200}>");
    private static final Pattern WORD = Pattern.compile("\\p{L}+(?:'\\p{L}+)*");

    private final String[] symbols;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int unknown;

    public WordTokenizer(List<String> symbols, String unknownSymbol) {
        this.symbols = symbols.toArray(new String[0]);
        for (int i = 0; i < this.symbols.length; i++) ids.putIfAbsent(this.symbols[i], i);
        this.unknown = unknownSymbol == null ? -1 : symbols.indexOf(unknownSymbol);
        if (unknownSymbol != null && unknown < 0) throw new IllegalArgumentException("unknown symbol " + unknownSymbol + " not in vocabulary");
    }

    /** The words of a text, as this tokenizer splits them (before the vocabulary lookup). */
    public static List<String> words(String text) {
        // Typographic apostrophes count as apostrophes, so "don’t" and "don't" are the same word.
        String t = TAG.matcher(text).replaceAll(" ").replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(t);
        while (m.find()) out.add(m.group());
        return out;
    }

    @Override
    public Encoded encode(String text) {
        List<String> words = words(text);
        int[] out = new int[words.size()];
        String[] texts = words.toArray(new String[0]);
        for (int i = 0; i < out.length; i++) {
            Integer id = ids.get(texts[i]);
            if (id == null) {
                if (unknown < 0) throw new UnknownTokenException(texts[i], i);
                id = unknown;
            }
            out[i] = id;
        }
        return new Encoded(out, texts);
    }

    @Override
    public String symbol(int id) { return symbols[id]; }

    @Override
    public int size() { return symbols.length; }
}
