package io.seqstream.stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One output record on {@code outputs.<pipeline>}, the value written for each input token (docs/contracts.md,
 * "Outputs"). {@link OutputFormat} writes these bytes on the hot path without building one; readers (the tail
 * command, tests, any consumer in Java) parse them here, and {@link #toJson()} gives the same bytes back.
 *
 * @param out      the most likely class symbol, under key {@code out}; null for classify models, which use {@code class}
 * @param label    classify models' most likely class symbol (key {@code class}); null otherwise
 * @param p        its probability; NaN when not finite (written as JSON null)
 * @param positive sentiment models' probability of the positive class; null when absent, NaN when not finite
 * @param top      next-token models' five most likely symbols, most likely first; null when absent
 * @param ts       the input record's timestamp (ms)
 */
public record OutputRecord(String pipeline, String stream, long pos, String in, String out, String label, float p,
                           Float positive, List<Top> top, String model, long version, long ts) {
    // The keys, in the order they are written; OutputFormat appends the same constants.
    public static final String PIPELINE = "pipeline";
    public static final String STREAM = "stream";
    public static final String POS = "pos";
    public static final String IN = "in";
    public static final String OUT = "out";
    public static final String CLASS = "class";
    public static final String P = "p";
    public static final String POSITIVE = "positive";
    public static final String TOP = "top";
    public static final String MODEL = "model";
    public static final String VERSION = "version";
    public static final String TS = "ts";

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** One of the most likely next symbols and its probability (NaN when not finite). */
    public record Top(String symbol, float p) {
    }

    /** The predicted symbol, whichever key carries it ({@code out}, or {@code class} for classify models). */
    public String prediction() { return out != null ? out : label; }

    /** Parses an output record's value; an IllegalArgumentException says what is missing or malformed. */
    public static OutputRecord parse(byte[] json) {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + new String(json, StandardCharsets.UTF_8), e);
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object: " + new String(json, StandardCharsets.UTF_8));
        List<Top> top = null;
        if (n.has(TOP)) {
            top = new ArrayList<>();
            for (JsonNode pair : n.get(TOP)) top.add(new Top(pair.get(0).asText(), number(pair.get(1))));
        }
        return new OutputRecord(text(n, PIPELINE, true), text(n, STREAM, true), whole(n, POS), text(n, IN, true),
                text(n, OUT, false), text(n, CLASS, false), number(required(n, P)),
                n.has(POSITIVE) ? number(n.get(POSITIVE)) : null, top == null ? null : List.copyOf(top),
                text(n, MODEL, true), whole(n, VERSION), whole(n, TS));
    }

    /** Parses a value held as text (a WebSocket frame). */
    public static OutputRecord parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The record as {@link OutputFormat} writes it, byte for byte. */
    public byte[] toJson() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"" + PIPELINE + "\":");
        OutputFormat.string(sb, pipeline);
        sb.append(",\"" + STREAM + "\":");
        OutputFormat.string(sb, stream);
        sb.append(",\"" + POS + "\":").append(pos).append(",\"" + IN + "\":");
        OutputFormat.string(sb, in);
        if (label != null) {
            sb.append(",\"" + CLASS + "\":");
            OutputFormat.string(sb, label);
        } else {
            sb.append(",\"" + OUT + "\":");
            OutputFormat.string(sb, out);
        }
        sb.append(",\"" + P + "\":");
        OutputFormat.number(sb, p);
        if (positive != null) {
            sb.append(",\"" + POSITIVE + "\":");
            OutputFormat.number(sb, positive);
        }
        if (top != null) {
            sb.append(",\"" + TOP + "\":[");
            for (int k = 0; k < top.size(); k++) {
                if (k > 0) sb.append(',');
                sb.append('[');
                OutputFormat.string(sb, top.get(k).symbol());
                sb.append(',');
                OutputFormat.number(sb, top.get(k).p());
                sb.append(']');
            }
            sb.append(']');
        }
        sb.append(",\"" + MODEL + "\":");
        OutputFormat.string(sb, model);
        sb.append(",\"" + VERSION + "\":").append(version).append(",\"" + TS + "\":").append(ts).append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode required(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null) throw new IllegalArgumentException("output record without '" + key + "': " + n);
        return v;
    }

    private static String text(JsonNode n, String key, boolean required) {
        JsonNode v = required ? required(n, key) : n.get(key);
        if (v == null) return null;
        if (!v.isTextual()) throw new IllegalArgumentException("output record field '" + key + "' is not a string: " + n);
        return v.asText();
    }

    private static long whole(JsonNode n, String key) {
        JsonNode v = required(n, key);
        if (!v.isIntegralNumber()) throw new IllegalArgumentException("output record field '" + key + "' is not a whole number: " + n);
        return v.asLong();
    }

    /** Float.toString's shortest form parses back to the same float; JSON null stands for a non-finite one. */
    private static float number(JsonNode v) {
        if (v == null || v.isNull()) return Float.NaN;
        if (!v.isNumber()) throw new IllegalArgumentException("not a number: " + v);
        return v.decimalValue().floatValue();
    }
}
