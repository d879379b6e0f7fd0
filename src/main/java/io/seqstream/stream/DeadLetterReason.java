package io.seqstream.stream;

/** Why an input record went to the dead-letter topic; the wire name is the {@code seq.dlq.reason} header. */
public enum DeadLetterReason {
    MISSING_KEY("missing-key"),
    OVERSIZED_KEY("oversized-key"),
    OVERSIZED_VALUE("oversized-value"),
    UNDECODABLE("undecodable"),
    UNKNOWN_TOKEN("unknown-token"),
    BAD_CONTROL("bad-control"),
    BAD_PARAMETER("bad-parameter"),
    /** A labelled training example without a label the model has (trainer source {@code train.<model>}). */
    BAD_LABEL("bad-label"),
    /** A record whose processing failed with an unexpected error several times in a row (the stream goes on). */
    PROCESSING_ERROR("processing-error");

    private final String wireName;

    DeadLetterReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() { return wireName; }
}
