package io.seqstream.train.sentiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.model.SequenceBatch;
import io.seqstream.model.text.Tokenizer;
import java.util.Arrays;

/**
 * Labelled text to training examples for the sentiment models: the text tokenised by the model's own tokenizer,
 * the label as the target of the true last word only (every other step carries -1, so padding and the running
 * outputs before the end take no loss). Used by the IMDb trainer and by the trainer's labelled-topic source
 * ({@code train.<model>} records {@code {"text": "...", "label": 0|1}}).
 */
public final class SentimentExamples {
    /** Words kept by default: the last 200 of a review, where its verdict usually is. */
    public static final int DEFAULT_MAX_WORDS = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

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
        int[] in = maxWords > 0 && ids.length > maxWords ? Arrays.copyOfRange(ids, ids.length - maxWords, ids.length) : ids;
        int[] targets = new int[in.length];
        Arrays.fill(targets, -1);
        targets[in.length - 1] = label;
        return new SequenceBatch.Example(in, targets, -1);
    }

    /**
     * An example from a labelled-topic record value {@code {"text": "...", "label": 0|1}}, last
     * {@link #DEFAULT_MAX_WORDS} words.
     *
     * @throws IllegalArgumentException for anything else (not JSON, no text, label not 0 or 1, no words)
     */
    public static SequenceBatch.Example fromJson(Tokenizer tokenizer, String json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("expected a JSON object {\"text\":...,\"label\":0|1}");
        JsonNode text = n.get("text");
        JsonNode label = n.get("label");
        if (text == null || !text.isTextual()) throw new IllegalArgumentException("field text missing or not a string");
        if (label == null || !label.canConvertToInt() || !label.isIntegralNumber()) {
            throw new IllegalArgumentException("field label missing or not 0 or 1");
        }
        return example(tokenizer, text.asText(), label.asInt(), DEFAULT_MAX_WORDS);
    }
}
