package io.seqstream.model;

/**
 * What the softmax head reads at each step. Both read only what came before, so a stream's output after token t
 * is final once t is stepped (left-to-right, servable one token at a time).
 */
public enum Readout {
    /** The top layer's hidden state after the token. */
    LAST,
    /**
     * The running mean of the top layer's hidden states over every token the stream has seen; the mean and the
     * count of tokens behind it are part of the stream's state.
     */
    MEAN;

    public static Readout parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown readout '" + s + "' (expected last or mean)");
        }
    }
}
