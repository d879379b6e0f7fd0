package io.seqstream.train.online;

import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelTask;
import io.seqstream.model.SequenceBatch;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.model.text.Tokenizer;
import io.seqstream.model.text.Tokenizers;
import io.seqstream.model.text.UnknownTokenException;
import io.seqstream.stream.DeadLetterReason;
import io.seqstream.train.NextTokenExamples;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the JSON records of a labelled topic into training examples with the model's own tokenizer.
 * A sequence-label model ({@code classify}, {@code sentiment}) reads {@code {"text": "...", "label": L}} with L a
 * class id or class symbol, and is scored at the last token; a next-token model reads {@code {"text": "..."}} and
 * learns every next token of the text (framed by its start and end tokens where its vocabulary has them).
 */
public final class LabelledExamples {
    private final Tokenizer tokenizer;
    private final List<String> classes;
    private final boolean nextToken;
    /** A next-token model with start and end tokens learns a text as start, text, end. */
    private final boolean framed;
    private final int maxLength;

    public LabelledExamples(ModelMetadata model, int maxLength) {
        if (!model.task().learnsFromLabelledTopic()) {
            throw new IllegalArgumentException("model " + model.name() + " (" + model.task()
                    + ") has no labelled-example form: a labelled topic trains classify, sentiment and next models");
        }
        this.tokenizer = Tokenizers.from(model.tokenizer());
        this.classes = model.classes();
        this.nextToken = model.task().examples() == ModelTask.Examples.NEXT_TOKEN;
        this.framed = nextToken && NextVocabulary.frames(model.tokenizer());
        this.maxLength = maxLength;
    }

    /** The example's text alone (it decides the held-out split), or a {@link BadExample}. */
    public Parsed parse(byte[] value) {
        if (value == null) throw new BadExample(DeadLetterReason.UNDECODABLE, "no value");
        JsonObject json;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            json = new JsonObject(text);
        } catch (CharacterCodingException e) {
            throw new BadExample(DeadLetterReason.UNDECODABLE, "value is not UTF-8");
        } catch (DecodeException | ClassCastException e) {
            throw new BadExample(DeadLetterReason.UNDECODABLE, "value is not a JSON object");
        }
        Object t = json.getValue("text");
        if (!(t instanceof String text)) throw new BadExample(DeadLetterReason.UNDECODABLE, "no \"text\" string");
        int[] ids;
        try {
            ids = tokenizer.encode(text).ids();
        } catch (UnknownTokenException e) {
            throw new BadExample(DeadLetterReason.UNKNOWN_TOKEN, e.getMessage());
        }
        if (ids.length == 0 || (nextToken && ids.length < 2)) {
            throw new BadExample(DeadLetterReason.UNDECODABLE, "text has too few tokens (" + ids.length + ")");
        }
        if (nextToken) {
            if (framed) ids = NextVocabulary.framed(ids);
            int from = Math.max(0, ids.length - 1 - maxLength);
            return new Parsed(text, NextTokenExamples.fromWindow(Arrays.copyOfRange(ids, from, ids.length)));
        }
        return new Parsed(text, SequenceBatch.Example.labelledAtEnd(ids, label(json.getValue("label")), maxLength));
    }

    private int label(Object l) {
        if (l == null) throw new BadExample(DeadLetterReason.BAD_LABEL, "no \"label\"");
        if (l instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d) || d < 0 || d >= classes.size()) {
                throw new BadExample(DeadLetterReason.BAD_LABEL, "label " + l + " is not a class id 0.." + (classes.size() - 1));
            }
            return (int) d;
        }
        if (l instanceof String s) {
            int i = classes.indexOf(s);
            if (i < 0) throw new BadExample(DeadLetterReason.BAD_LABEL, "label '" + s + "' is not one of " + classes);
            return i;
        }
        throw new BadExample(DeadLetterReason.BAD_LABEL, "label must be a class id or symbol");
    }

    /** @param text the example's text, @param example what training and evaluation read */
    public record Parsed(String text, SequenceBatch.Example example) {
    }

    /** An example that cannot be trained on, with the dead-letter reason. */
    public static final class BadExample extends RuntimeException {
        private final DeadLetterReason reason;

        public BadExample(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        public DeadLetterReason reason() { return reason; }
    }
}
