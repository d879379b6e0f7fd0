package io.seqstream.stream;

import io.seqstream.model.ModelTask;
import io.seqstream.serve.ServedModel;
import java.nio.charset.StandardCharsets;

/**
 * Writes the {@link OutputRecord} of one token by hand, without building one (the hot path): one small JSON object,
 * fields in a fixed order, floats in Java's shortest round-trip form, so equal results give equal bytes. The keys
 * are OutputRecord's constants (folded at compile time); docs/contracts.md describes the fields.
 */
public final class OutputFormat {
    private static final int TOP = 5;
    /** One builder per thread, reused: a processor formats thousands of outputs a second. */
    private static final ThreadLocal<StringBuilder> BUILDER = ThreadLocal.withInitial(() -> new StringBuilder(256));

    private OutputFormat() {
    }

    /**
     * @param probs the wave's output distributions; this stream's row starts at off
     * @param ts    the input record's timestamp
     */
    public static byte[] format(ServedModel model, String pipeline, String stream, long pos, String in,
                                float[] probs, int off, int classes, long ts) {
        int best = 0;
        for (int j = 1; j < classes; j++) if (probs[off + j] > probs[off + best]) best = j;
        StringBuilder sb = BUILDER.get();
        sb.setLength(0);
        sb.append("{\"" + OutputRecord.PIPELINE + "\":");
        string(sb, pipeline);
        sb.append(",\"" + OutputRecord.STREAM + "\":");
        string(sb, stream);
        sb.append(",\"" + OutputRecord.POS + "\":").append(pos).append(",\"" + OutputRecord.IN + "\":");
        string(sb, in);
        ModelTask task = model.task();
        if (task.predictionAsClass()) {
            sb.append(",\"" + OutputRecord.CLASS + "\":");
            string(sb, model.classSymbol(best));
        } else {
            sb.append(",\"" + OutputRecord.OUT + "\":");
            string(sb, model.classSymbol(best));
        }
        sb.append(",\"" + OutputRecord.P + "\":");
        number(sb, probs[off + best]);
        switch (task.extra()) {
            case POSITIVE -> {
                if (classes == 2) {
                    sb.append(",\"" + OutputRecord.POSITIVE + "\":");
                    number(sb, probs[off + 1]);
                }
            }
            case TOP -> top(sb, model, probs, off, classes);
            case NONE -> {
            }
        }
        sb.append(",\"" + OutputRecord.MODEL + "\":");
        string(sb, model.name());
        sb.append(",\"" + OutputRecord.VERSION + "\":").append(model.version()).append(",\"" + OutputRecord.TS + "\":").append(ts).append('}');
        // toString and getBytes are two array copies for an ASCII (Latin-1) builder: cheaper than encoding by hand.
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void top(StringBuilder sb, ServedModel model, float[] probs, int off, int classes) {
        int n = Math.min(TOP, classes);
        int[] idx = new int[n];
        java.util.Arrays.fill(idx, -1);
        for (int j = 0; j < classes; j++) {
            float v = probs[off + j];
            for (int k = 0; k < n; k++) {
                if (idx[k] < 0 || v > probs[off + idx[k]]) {
                    System.arraycopy(idx, k, idx, k + 1, n - k - 1);
                    idx[k] = j;
                    break;
                }
            }
        }
        sb.append(",\"" + OutputRecord.TOP + "\":[");
        for (int k = 0; k < n; k++) {
            if (k > 0) sb.append(',');
            sb.append('[');
            string(sb, model.classSymbol(idx[k]));
            sb.append(',');
            number(sb, probs[off + idx[k]]);
            sb.append(']');
        }
        sb.append(']');
    }

    static void number(StringBuilder sb, float v) {
        if (Float.isFinite(v)) sb.append(v);
        else sb.append("null");
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
