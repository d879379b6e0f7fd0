package io.seqstream.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Back-propagation through time agrees with central finite differences of the loss, for every cell and input kind. */
class GradientCheckTest {

    static Stream<Arguments> specs() {
        List<Arguments> out = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            out.add(Arguments.of(cell.name() + " one-hot 1 layer", ModelSpec.oneHot(cell, 5, 4, 3)));
            out.add(Arguments.of(cell.name() + " one-hot 2 layers + param", ModelSpec.oneHot(cell, 4, 4, 3).withLayers(2).withParams(3)));
            out.add(Arguments.of(cell.name() + " embedding 3 layers", ModelSpec.oneHot(cell, 3, 5, 2).withEmbedding(3).withLayers(3)));
            out.add(Arguments.of(cell.name() + " embedding, mean readout", ModelSpec.oneHot(cell, 4, 5, 2).withEmbedding(3)
                    .withReadout(Readout.MEAN)));
            out.add(Arguments.of(cell.name() + " one-hot 2 layers, mean readout", ModelSpec.oneHot(cell, 3, 4, 3).withLayers(2)
                    .withReadout(Readout.MEAN)));
            out.add(Arguments.of(cell.name() + " embedding, n-gram bag", ModelSpec.oneHot(cell, 3, 5, 2).withEmbedding(3)
                    .withNgrams(new NgramBag(2, 7))));
            out.add(Arguments.of(cell.name() + " one-hot, mean readout, 3-gram bag", ModelSpec.oneHot(cell, 3, 4, 3)
                    .withReadout(Readout.MEAN).withNgrams(new NgramBag(3, 11))));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void shouldMatchFiniteDifferences(String name, ModelSpec spec) {
        Random rng = new Random(7);
        Parameters p = Parameters.xavier(spec, 11);
        // Larger weights than the init so that gates leave their linear region and errors would show.
        float[] v = p.values();
        for (int i = 0; i < v.length; i++) v[i] = v[i] * 2f + (float) (rng.nextGaussian() * 0.1);
        SequenceBatch batch = randomBatch(spec, rng);
        Network net = new Network(spec);
        float[] grad = new float[v.length];
        net.lossAndGradient(p, batch, null, grad);

        double eps = 3e-3;
        double worst = 0;
        for (int i = 0; i < v.length; i++) {
            float saved = v[i];
            v[i] = (float) (saved + eps);
            double up = net.lossAndGradient(p, batch, null, new float[v.length]).value();
            v[i] = (float) (saved - eps);
            double down = net.lossAndGradient(p, batch, null, new float[v.length]).value();
            v[i] = saved;
            double numeric = (up - down) / (2 * eps);
            double error = Math.abs(numeric - grad[i]) / Math.max(1e-2, Math.abs(numeric) + Math.abs(grad[i]));
            worst = Math.max(worst, error);
        }
        assertTrue(worst < 2e-2, name + ": worst relative gradient error " + worst);
    }

    /** Three sequences of different lengths: per-step targets on one, a final-step target on another, padding. */
    private static SequenceBatch randomBatch(ModelSpec spec, Random rng) {
        List<SequenceBatch.Example> examples = new ArrayList<>();
        int[] lengths = {6, 4, 5};
        for (int e = 0; e < lengths.length; e++) {
            int[] in = new int[lengths[e]];
            int[] tg = new int[lengths[e]];
            for (int t = 0; t < in.length; t++) {
                in[t] = rng.nextInt(spec.vocab());
                tg[t] = e == 1 && t < in.length - 1 ? -1 : rng.nextInt(spec.classes());
            }
            examples.add(new SequenceBatch.Example(in, tg, spec.params() > 0 ? rng.nextInt(spec.params()) : -1));
        }
        return SequenceBatch.of(examples);
    }
}
