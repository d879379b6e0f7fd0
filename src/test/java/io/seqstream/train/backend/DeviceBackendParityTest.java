package io.seqstream.train.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.device.CpuDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The device trainer's code on the plain-Java device gives the kernels' loss, every gradient tensor and the carried
 * state within 1e-4 relative, for each cell over padded, masked batches of variable lengths.
 */
class DeviceBackendParityTest {

    static Stream<Arguments> specs() {
        List<Arguments> out = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            out.add(Arguments.of(cell + " one-hot, echo-sized", ModelSpec.oneHot(cell, 16, 12, 11)));
            out.add(Arguments.of(cell + " one-hot 2 layers + param", ModelSpec.oneHot(cell, 12, 9, 7).withLayers(2).withParams(4)));
            out.add(Arguments.of(cell + " embedding 3 layers", ModelSpec.oneHot(cell, 10, 30, 2).withEmbedding(8).withLayers(3)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void shouldMatchTheKernelsLossGradientAndState(String name, ModelSpec spec) {
        try (DeviceBackend backend = new DeviceBackend("cpu-device", new CpuDevice(), spec)) {
            BackendParity.Result r = BackendParity.check(backend, spec, 7, 13, 3);
            assertTrue(r.lossRelativeDifference() <= 1e-4, name + ": loss " + r);
            assertTrue(r.gradientRelativeDifference() <= 1e-4, name + ": gradient " + r);
            assertTrue(r.stateRelativeDifference() <= 1e-4, name + ": state " + r);
        }
    }

    @Test
    void shouldReportADifferenceWhenTheGradientDiffers() {
        ModelSpec spec = ModelSpec.oneHot(CellType.GRU, 8, 5, 5);
        // A backend that is wrong in one tensor only: the check must see it.
        TrainingBackend broken = new TrainingBackend() {
            final KernelsBackend inner = new KernelsBackend(spec);

            @Override
            public String name() { return "broken"; }

            @Override
            public String device() { return "test"; }

            @Override
            public Network.Loss lossAndGradient(Parameters p, SequenceBatch batch, float[] state, float[] grad) {
                Network.Loss l = inner.lossAndGradient(p, batch, state, grad);
                grad[p.layout().by()] *= 1.01f;
                return l;
            }

            @Override
            public void close() {
            }
        };
        BackendParity.Result r = BackendParity.check(broken, spec, 4, 6, 1);
        assertEquals("by", r.worstTensor());
        assertTrue(r.gradientRelativeDifference() > 1e-4, r.toString());
    }

    @Test
    void shouldPredictTheKernelsDistributions() {
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 12, 6, 6).withLayers(2);
        Parameters p = Parameters.xavier(spec, 5);
        SequenceBatch batch = BackendParity.batch(spec, 5, 9, new Random(2));
        float[][][] ref = new Network(spec).predict(p, batch);
        try (DeviceBackend backend = new DeviceBackend("cpu-device", new CpuDevice(), spec)) {
            float[][][] got = backend.predict(p, batch);
            for (int i = 0; i < ref.length; i++) {
                for (int s = 0; s < ref[i].length; s++) assertArrayEquals(ref[i][s], got[i][s], 1e-5f);
            }
        }
    }
}
