package io.seqstream.train.sentiment;

import io.seqstream.model.SequenceBatch;
import io.seqstream.model.text.Tokenizer;

/**
 * Labelled text to training examples for the sentiment models: the text tokenised by the model's own tokenizer,
 * the label as the target of the true last word only (every other step carries -1, so padding and the running
 * outputs before the end take no loss). Used by the IMDb trainer; records of a labelled topic ({@code train.<model>})
 * are read by {@link io.seqstream.train.online.LabelledExamples}, which builds the same examples.
 */
public final class SentimentExamples {
    /** Words kept by default: the last 200 of a review, where its verdict usually is. */
    public static final int DEFAULT_MAX_WORDS = 200;

    private SentimentExamples() {
    }

    /**
     * @param maxWords keep only the last maxWords words (0 = all)
     * @throws IllegalArgumentException when the label is not 0 or 1 or the text has no word
     */
    public static SequenceBatch.Example example(Tokenizer tokenizer, String text, int label, int maxWords) {
        if (label != 0 && label != 1) throw new IllegalArgumentException("label must be 0 or 1, was " + label);
        return example(tokenizer.encode(text).ids(), label, maxWords);
    }

    /** An example from token ids already encoded. */
    public static SequenceBatch.Example example(int[] ids, int label, int maxWords) {
        if (ids.length == 0) throw new IllegalArgumentException("text has no words");
        return SequenceBatch.Example.labelledAtEnd(ids, label, maxWords);
    }
}
