package io.seqstream.model.text;

/** Turns text into the token ids a model reads, and ids back into symbols. */
public interface Tokenizer {

    /** Token ids of the text; unknown tokens map to the unknown id or fail with {@link UnknownTokenException}. */
    Encoded encode(String text);

    /** Printable symbol of an id. */
    String symbol(int id);

    /** Number of ids. */
    int size();

    /**
     * Ids and the text of each token (what an output record echoes as "in").
     */
    record Encoded(int[] ids, String[] texts) {
    }
}
