package io.seqstream.model.text;

import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelTask;
import io.seqstream.model.TokenizerSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The symbols of a character-level next-token model: id 0 is the start token, id 1 the end token, then the
 * characters. Inputs and output classes share these ids, so a sampled token can be fed straight back in.
 * Start and end are the ASCII control characters STX and ETX: no text of the corpora contains them, and a
 * client may still send STX to begin a sequence by hand.
 */
public final class NextVocabulary {
    public static final String START = "\u0002";
    public static final String END = "\u0003";
    public static final int START_ID = 0;
    public static final int END_ID = 1;

    private final List<String> symbols;
    private final String skip;

    /**
     * @param characters the characters in id order (without start and end; each one code point, no duplicates)
     * @param skip       characters the tokenizer drops (e.g. whitespace for the synthetic languages), may be empty
     */
    public NextVocabulary(List<String> characters, String skip) {
        List<String> s = new ArrayList<>();
        s.add(START);
        s.add(END);
        for (String c : characters) {
            if (c.codePointCount(0, c.length()) != 1) throw new IllegalArgumentException("vocabulary: '" + c + "' is not one character");
            if (s.contains(c)) throw new IllegalArgumentException("vocabulary: '" + c + "' given twice (or is start/end)");
            s.add(c);
        }
        this.symbols = List.copyOf(s);
        this.skip = skip == null ? "" : skip;
    }

    /** The characters of a string, in the order given, as a vocabulary. */
    public static NextVocabulary of(String characters, String skip) {
        List<String> cs = new ArrayList<>();
        characters.codePoints().forEach(cp -> cs.add(new String(Character.toChars(cp))));
        return new NextVocabulary(cs, skip);
    }

    /** The vocabulary a next-token model was saved with (its classes are its symbols). */
    public static NextVocabulary of(ModelMetadata m) {
        if (m.task() != ModelTask.NEXT) throw new IllegalArgumentException("model " + m.name() + " is a " + m.task() + " model, not next");
        if (!frames(m.tokenizer())) {
            throw new IllegalArgumentException("model " + m.name() + ": vocabulary does not start with the start and end tokens");
        }
        List<String> s = m.tokenizer().symbols();
        return new NextVocabulary(s.subList(2, s.size()), m.tokenizer().skip());
    }

    /** Whether a tokenizer's vocabulary begins with the start and end tokens (then characters), as this class builds it. */
    public static boolean frames(TokenizerSpec t) {
        List<String> s = t.symbols();
        return s.size() >= 3 && START.equals(s.get(START_ID)) && END.equals(s.get(END_ID));
    }

    /** Start, the given ids, end: a complete text as a model with {@link #frames} start and end tokens reads it. */
    public static int[] framed(int[] ids) {
        int[] out = new int[ids.length + 2];
        out[0] = START_ID;
        System.arraycopy(ids, 0, out, 1, ids.length);
        out[ids.length + 1] = END_ID;
        return out;
    }

    /** Start, end and the characters. */
    public List<String> symbols() { return symbols; }

    public int size() { return symbols.size(); }

    /** Chars tokenizer over the symbols; unknown characters are rejected (dead-lettered when served). */
    public TokenizerSpec tokenizer() { return new TokenizerSpec("chars", symbols, null, false, skip); }

    /** Ids of a text's characters (skipped ones dropped); fails on a character outside the vocabulary. */
    public int[] encode(String text) { return Tokenizers.from(tokenizer()).encode(text).ids(); }

    /** The text of ids; start and end are left out. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) if (id != START_ID && id != END_ID) sb.append(symbols.get(id));
        return sb.toString();
    }

    /** Start followed by the text's ids: what a sequence looks like to the model from its beginning. */
    public int[] startThen(String text) {
        int[] t = encode(text);
        int[] out = new int[t.length + 1];
        out[0] = START_ID;
        System.arraycopy(t, 0, out, 1, t.length);
        return out;
    }
}
