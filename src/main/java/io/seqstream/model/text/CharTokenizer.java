package io.seqstream.model.text;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One token per Unicode code point, optionally lower-cased, with some characters skipped (e.g. whitespace). */
public final class CharTokenizer implements Tokenizer {
    private final String[] symbols;
    private final Map<Integer, Integer> ids = new HashMap<>();
    private final int unknown;
    private final boolean lowercase;
    private final String skip;
    /** Ids of ASCII characters (-1 when not in the vocabulary): the common case needs no boxing and no map. */
    private final int[] ascii = new int[128];

    public CharTokenizer(List<String> symbols, String unknownSymbol, boolean lowercase, String skip) {
        this.symbols = symbols.toArray(new String[0]);
        for (int i = 0; i < this.symbols.length; i++) {
            String s = this.symbols[i];
            if (s.codePointCount(0, s.length()) == 1) ids.put(s.codePointAt(0), i);
        }
        this.unknown = unknownSymbol == null ? -1 : symbols.indexOf(unknownSymbol);
        if (unknownSymbol != null && unknown < 0) throw new IllegalArgumentException("unknown symbol " + unknownSymbol + " not in vocabulary");
        this.lowercase = lowercase;
        this.skip = skip == null ? "" : skip;
        for (int c = 0; c < 128; c++) {
            Integer id = ids.get(c);
            ascii[c] = id == null ? -1 : id;
        }
    }

    @Override
    public Encoded encode(String text) {
        String t = lowercase ? text.toLowerCase(Locale.ROOT) : text;
        int n = 0;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (skip.isEmpty() || skip.indexOf(cp) < 0) n++;
        }
        int[] out = new int[n];
        String[] texts = new String[n];
        int k = 0;
        for (int i = 0; i < t.length(); ) {
            int cp = t.codePointAt(i);
            i += Character.charCount(cp);
            if (!skip.isEmpty() && skip.indexOf(cp) >= 0) continue;
            int id = cp < 128 ? ascii[cp] : ids.getOrDefault(cp, -1);
            if (id >= 0) {
                // The vocabulary's own string for the character: no new string per token.
                out[k] = id;
                texts[k++] = symbols[id];
                continue;
            }
            String s = new String(Character.toChars(cp));
            if (unknown < 0) throw new UnknownTokenException(s, k);
            out[k] = unknown;
            texts[k++] = s;
        }
        return new Encoded(out, texts);
    }

    @Override
    public String symbol(int id) { return symbols[id]; }

    @Override
    public int size() { return symbols.length; }
}
