package io.seqstream.train.sentiment;

import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.Readout;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.backend.BackendKind;
import io.seqstream.train.backend.TrainingBackend;
import io.seqstream.train.backend.TrainingBackends;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An Elman RNN or LSTM sentiment model: the product's {@link Network} (embedding input, softmax head of two
 * classes at every step), so the running scores here are what the processor's batched step emits word by word.
 */
public final class RecurrentModel implements SentimentModel {
    private final Parameters params;
    private final Network net;
    private final TrainingBackend gradients;

    public RecurrentModel(Parameters params) {
        this(params, BackendKind.KERNELS);
    }

    /** @param backend what computes the training gradients; running scores stay on the kernels, as served */
    public RecurrentModel(Parameters params, BackendKind backend) {
        this.params = params;
        this.net = new Network(params.spec());
        this.gradients = TrainingBackends.open(backend, params.spec());
    }

    public Parameters parameters() { return params; }

    @Override
    public float[] values() { return params.values(); }

    @Override
    public Network.Loss lossAndGradient(SequenceBatch batch, float[] grad) {
        return gradients.lossAndGradient(params, batch, null, grad);
    }

    @Override
    public float[][] running(List<int[]> sequences) {
        List<SequenceBatch.Example> ex = new ArrayList<>(sequences.size());
        for (int[] s : sequences) {
            int[] t = new int[s.length];
            Arrays.fill(t, -1);
            ex.add(new SequenceBatch.Example(s, t, -1));
        }
        float[][][] p = net.predict(params, SequenceBatch.of(ex));
        float[][] out = new float[sequences.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new float[sequences.get(i).length];
            for (int t = 0; t < out[i].length; t++) out[i][t] = p[i][t][1];
        }
        return out;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s hidden %d, embedding %d, vocabulary %d%s", params.spec().cell(),
                params.spec().hidden(), params.spec().embed(), params.spec().vocab(),
                params.spec().readout() == Readout.MEAN ? ", head on the running mean of the hidden states" : "")
                + (params.spec().ngrams() == null ? "" : String.format(Locale.ROOT, ", plus a bag of hashed 1..%d-grams (%d buckets)",
                params.spec().ngrams().order(), params.spec().ngrams().buckets()));
    }
}
