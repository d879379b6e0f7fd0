package io.seqstream.train.backend;

import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;

/**
 * What computes the training loss and its gradient for one minibatch: the project's kernels ({@link KernelsBackend})
 * or the device trainer on a GPU ({@link DeviceBackend}). Clipping, the NaN guard, Adam and the curriculum stay with
 * the caller, on the host, whichever backend computed the gradient. One instance per training thread.
 */
public interface TrainingBackend extends AutoCloseable {

    /** The backend's configuration name: kernels, cuda or cpu-device. */
    String name();

    /** What runs the math. */
    String device();

    /** The contract of {@link Network#lossAndGradient}: grad is overwritten, state (when not null) carried. */
    Network.Loss lossAndGradient(Parameters p, SequenceBatch batch, float[] state, float[] grad);

    @Override
    void close();
}
