package io.seqstream.model;

import java.util.List;

/**
 * How text becomes token ids, saved with the model so a processor tokenises exactly as training did.
 *
 * @param kind       "chars" (one token per code point) or "words" (lower-cased words of letters)
 * @param symbols    the vocabulary in id order
 * @param unknown    the symbol unknown tokens map to, or null when unknown tokens are rejected
 * @param lowercase  lower-case the text first
 * @param skip       characters dropped before tokenising (e.g. whitespace for echo), may be empty
 */
public record TokenizerSpec(String kind, List<String> symbols, String unknown, boolean lowercase, String skip) {
    public TokenizerSpec {
        if (!"chars".equals(kind) && !"words".equals(kind)) {
            throw new IllegalArgumentException("tokenizer kind must be chars or words, was " + kind);
        }
        symbols = List.copyOf(symbols);
        skip = skip == null ? "" : skip;
    }
}
