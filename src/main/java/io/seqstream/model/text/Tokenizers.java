package io.seqstream.model.text;

import io.seqstream.model.TokenizerSpec;

/** Builds the tokenizer a model was saved with. */
public final class Tokenizers {
    private Tokenizers() {
    }

    public static Tokenizer from(TokenizerSpec spec) {
        return switch (spec.kind()) {
            case "chars" -> new CharTokenizer(spec.symbols(), spec.unknown(), spec.lowercase(), spec.skip());
            case "words" -> new WordTokenizer(spec.symbols(), spec.unknown());
            default -> throw new IllegalArgumentException("no tokenizer of kind " + spec.kind());
        };
    }
}
