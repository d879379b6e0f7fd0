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
    }

    @Override
    public Encoded encode(String text) {
        String t = lowercase ? text.toLowerCase(Locale.ROOT) : text;
        int[] cps = t.codePoints().filter(cp -> skip.indexOf(cp) < 0).toArray();
        int[] out = new int[cps.length];
        String[] texts = new String[cps.length];
        for (int i = 0; i < cps.length; i++) {
            Integer id = ids.get(cps[i]);
            String s = new String(Character.toChars(cps[i]));
            if (id == null) {
                if (unknown < 0) throw new UnknownTokenException(s, i);
                id = unknown;
            }
            out[i] = id;
            texts[i] = s;
        }
        return new Encoded(out, texts);
    }

    @Override
    public String symbol(int id) { return symbols[id]; }

    @Override
    public int size() { return symbols.length; }
}
