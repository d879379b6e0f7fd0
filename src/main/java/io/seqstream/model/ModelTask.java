package io.seqstream.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a model's outputs mean, and everything that differs between kinds of model because of it: the name in model
 * files and APIs, which fields its outputs carry, whether streams start from a start token and the model can sample
 * text, and which labelled examples it learns from (and so how held-out examples are scored).
 */
public enum ModelTask {
    /** Answers each token with the one a fixed number of steps back; trained offline on generated sequences. */
    ECHO("echo", false, Extra.NONE, Examples.NONE),
    /** Predicts the next symbol; outputs carry the five most likely, streams start from the start token. */
    NEXT("next", false, Extra.TOP, Examples.NEXT_TOKEN),
    /** Classifies the sequence so far; the prediction goes under {@code class}, not {@code out}. */
    CLASSIFY("classify", true, Extra.NONE, Examples.LABEL_AT_END),
    /** Classifies a text as negative or positive; two-class outputs carry the positive class's probability. */
    SENTIMENT("sentiment", false, Extra.POSITIVE, Examples.LABEL_AT_END);

    /** The field an output carries beside the prediction and its probability. */
    public enum Extra {
        NONE,
        /** {@code positive}: the probability of class 1, written for two-class models only. */
        POSITIVE,
        /** {@code top}: the most likely symbols with their probabilities. */
        TOP
    }

    /** What a labelled example teaches, which is also how a held-out example is scored. */
    public enum Examples {
        /** No labelled form: the model learns only from its offline curriculum. */
        NONE,
        /** A text teaches every next token (self-supervised), so every position is scored. */
        NEXT_TOKEN,
        /** A text with a label teaches the label at the text's last token, the only position scored. */
        LABEL_AT_END
    }

    private final String wireName;
    private final boolean predictionAsClass;
    private final Extra extra;
    private final Examples examples;

    ModelTask(String wireName, boolean predictionAsClass, Extra extra, Examples examples) {
        this.wireName = wireName;
        this.predictionAsClass = predictionAsClass;
        this.extra = extra;
        this.examples = examples;
    }

    /** The name in model files, the APIs and messages ({@code echo}, {@code next}, ...). */
    @JsonValue
    public String wireName() { return wireName; }

    /** Whether outputs carry the prediction under {@code class} rather than {@code out}. */
    public boolean predictionAsClass() { return predictionAsClass; }

    public Extra extra() { return extra; }

    public Examples examples() { return examples; }

    /** Whether a labelled topic can train it. */
    public boolean learnsFromLabelledTopic() { return examples != Examples.NONE; }

    /** Whether the live input stream trains it: next-token models need no labels. */
    public boolean learnsFromLiveStream() { return examples == Examples.NEXT_TOKEN; }

    /** Whether every stream starts from the state the start token leads to (the model learnt texts that way). */
    public boolean startsFromStartToken() { return this == NEXT; }

    /** Whether the model can generate text from a seed. */
    public boolean samples() { return this == NEXT; }

    /** The task of a wire name; the error lists the known ones. */
    @JsonCreator
    public static ModelTask parse(String name) {
        for (ModelTask t : values()) if (t.wireName.equals(name)) return t;
        StringBuilder known = new StringBuilder();
        for (ModelTask t : values()) known.append(known.length() == 0 ? "" : ", ").append(t.wireName);
        throw new IllegalArgumentException("unknown model task '" + name + "' (expected " + known + ")");
    }

    /** The wire name, so messages read as before. */
    @Override
    public String toString() { return wireName; }
}
