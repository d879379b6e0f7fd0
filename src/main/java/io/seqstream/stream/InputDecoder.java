package io.seqstream.stream;

import io.seqstream.model.text.Tokenizer;
import io.seqstream.model.text.UnknownTokenException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Validates and tokenises one input record: the key must be a UTF-8 stream id of at most 256 bytes, the value
 * strict UTF-8 within the size limit whose every token the model knows; {@code seq.control} must be reset or
 * end and {@code seq.delay} a parameter the model takes. Anything else is rejected with a reason, whole: a
 * record is either processed or dead-lettered, never half of each. Not thread-safe (one per processing thread).
 */
public final class InputDecoder {
    public static final int MAX_KEY_BYTES = 256;
    public static final String CONTROL_HEADER = "seq.control";
    public static final String DELAY_HEADER = "seq.delay";

    private final Tokenizer tokenizer;
    private final int maxValueBytes;
    private final int paramCategories;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    /**
     * @param paramCategories parameter values the model takes are 0..paramCategories-1; 0 = it takes none
     */
    public InputDecoder(Tokenizer tokenizer, int maxValueBytes, int paramCategories) {
        this.tokenizer = tokenizer;
        this.maxValueBytes = maxValueBytes;
        this.paramCategories = paramCategories;
    }

    /** What to do with a stream besides stepping its tokens. */
    public enum Control { NONE, RESET, END }

    /** The outcome of decoding one record. */
    public sealed interface Result permits Decoded, Rejected {
    }

    /**
     * A good record.
     *
     * @param tokenTexts the text of each token, echoed in outputs
     * @param param      the stream parameter the record sets, if any
     */
    public record Decoded(String streamId, int[] tokens, String[] tokenTexts, Control control, OptionalInt param)
            implements Result {
    }

    /** A bad record and why. */
    public record Rejected(DeadLetterReason reason, String detail) implements Result {
    }

    public Result decode(ConsumerRecord<byte[], byte[]> r) {
        byte[] key = r.key();
        if (key == null || key.length == 0) return new Rejected(DeadLetterReason.MISSING_KEY, "record has no key (the key is the stream id)");
        if (key.length > MAX_KEY_BYTES) {
            return new Rejected(DeadLetterReason.OVERSIZED_KEY, "key is " + key.length + " bytes, at most " + MAX_KEY_BYTES + " allowed");
        }
        String stream;
        try {
            stream = strict(key);
        } catch (CharacterCodingException e) {
            return new Rejected(DeadLetterReason.UNDECODABLE, "key is not valid UTF-8");
        }
        byte[] value = r.value();
        if (value != null && value.length > maxValueBytes) {
            return new Rejected(DeadLetterReason.OVERSIZED_VALUE, "value is " + value.length + " bytes, at most " + maxValueBytes + " allowed");
        }
        Control control = Control.NONE;
        Header ch = r.headers().lastHeader(CONTROL_HEADER);
        if (ch != null) {
            String c = ch.value() == null ? "" : new String(ch.value(), StandardCharsets.UTF_8).trim();
            switch (c) {
                case "reset" -> control = Control.RESET;
                case "end" -> control = Control.END;
                default -> {
                    return new Rejected(DeadLetterReason.BAD_CONTROL, "header " + CONTROL_HEADER + " is '" + abbreviate(c)
                            + "', expected reset or end");
                }
            }
        }
        OptionalInt param = OptionalInt.empty();
        Header dh = r.headers().lastHeader(DELAY_HEADER);
        if (dh != null) {
            String d = dh.value() == null ? "" : new String(dh.value(), StandardCharsets.UTF_8).trim();
            if (paramCategories == 0) {
                return new Rejected(DeadLetterReason.BAD_PARAMETER, "header " + DELAY_HEADER + " given, but this pipeline's model takes no per-stream parameter");
            }
            try {
                int v = Integer.parseInt(d);
                if (v < 0 || v >= paramCategories) throw new NumberFormatException();
                param = OptionalInt.of(v);
            } catch (NumberFormatException e) {
                return new Rejected(DeadLetterReason.BAD_PARAMETER, "header " + DELAY_HEADER + " is '" + abbreviate(d)
                        + "', expected an integer from 0 to " + (paramCategories - 1));
            }
        }
        if (value == null || value.length == 0) {
            return new Decoded(stream, new int[0], new String[0], control, param);
        }
        String text;
        try {
            text = strict(value);
        } catch (CharacterCodingException e) {
            return new Rejected(DeadLetterReason.UNDECODABLE, "value is not valid UTF-8");
        }
        try {
            Tokenizer.Encoded enc = tokenizer.encode(text);
            return new Decoded(stream, enc.ids(), enc.texts(), control, param);
        } catch (UnknownTokenException e) {
            return new Rejected(DeadLetterReason.UNKNOWN_TOKEN, e.getMessage());
        }
    }

    private String strict(byte[] bytes) throws CharacterCodingException {
        // ASCII (most keys and tokens) is valid UTF-8 as it is: a Latin-1 string of the same bytes, no decoder run.
        boolean ascii = true;
        for (byte b : bytes) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) return new String(bytes, StandardCharsets.ISO_8859_1);
        CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(bytes));
        return chars.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
