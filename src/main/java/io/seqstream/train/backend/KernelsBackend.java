package io.seqstream.train.backend;

import io.seqstream.model.ModelSpec;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;

/** The default backend: {@link Network}'s BPTT on the project's own CPU kernels, as before backends existed. */
public final class KernelsBackend implements TrainingBackend {
    private final Network net;

    public KernelsBackend(ModelSpec spec) {
        this.net = new Network(spec);
    }

    @Override
    public String name() { return BackendKind.KERNELS.configName(); }

    @Override
    public String device() { return "CPU, the project's kernels (" + (io.seqstream.model.Kernels.VECTOR ? "Vector API" : "plain loops") + ")"; }

    @Override
    public Network.Loss lossAndGradient(Parameters p, SequenceBatch batch, float[] state, float[] grad) {
        return net.lossAndGradient(p, batch, state, grad);
    }

    @Override
    public void close() {
    }
}
