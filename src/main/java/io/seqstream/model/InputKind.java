package io.seqstream.model;

/** How a token id enters the first layer. */
public enum InputKind {
    /** One-hot: the input projection is a row gather of the input weights. */
    ONE_HOT,
    /** A trained embedding table [vocab, embed] feeds the first layer. */
    EMBEDDING
}
