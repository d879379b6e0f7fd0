package io.seqstream.testing;

import io.seqstream.model.BatchedStep;
import io.seqstream.model.text.Tokenizer;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.OutputFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference run without Kafka and without faults: one stream at a time through the same {@link BatchedStep}
 * (a wave of one), from zero state, formatted by the same {@link OutputFormat}. The step's kernels give a stream
 * the same bits alone or in any wave, so this is what every fault-free or faulty run must commit, bit for bit
 * (the input timestamp {@code ts} aside, which the comparison blanks).
 */
public final class EchoReference {
    private final ServedModel model;
    private final String pipeline;
    private final BatchedStep step;
    private final float[] state;
    private final float[] probs;

    public EchoReference(ServedModel model, String pipeline) {
        this.model = model;
        this.pipeline = pipeline;
        this.step = new BatchedStep(model.spec(), 1);
        this.state = new float[model.spec().stateWidth()];
        this.probs = new float[model.spec().classes()];
    }

    /** The output records, ts blanked, of a stream that received these texts in this order from a fresh state. */
    public List<String> outputs(String stream, List<String> texts) {
        java.util.Arrays.fill(state, 0f);
        Tokenizer tok = model.tokenizer();
        int classes = model.spec().classes();
        int[] token = new int[1];
        int[] rows = {0};
        List<String> out = new ArrayList<>();
        long pos = 0;
        for (String text : texts) {
            Tokenizer.Encoded enc = tok.encode(text);
            for (int i = 0; i < enc.ids().length; i++) {
                token[0] = enc.ids()[i];
                step.step(model.parameters(), 1, token, null, state, rows, probs);
                byte[] json = OutputFormat.format(model, pipeline, stream, pos++, enc.texts()[i], probs, 0, classes, 0);
                out.add(new String(json, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** An output record's JSON with its input timestamp blanked to 0, comparable with {@link #outputs}. */
    public static String blankTimestamp(byte[] json) {
        return new String(json, StandardCharsets.UTF_8).replaceFirst("\"ts\":-?\\d+}$", "\"ts\":0}");
    }
}
