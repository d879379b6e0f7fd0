package io.seqstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EnsembleMergeTest {

    @ParameterizedTest
    @EnumSource(CellType.class)
    void shouldGiveTheSoftmaxOfTheMembersMeanLogitsAtEveryStep(CellType cell) {
        for (Readout readout : Readout.values()) {
            ModelSpec spec = ModelSpec.oneHot(cell, 5, 9, 3).withEmbedding(4).withReadout(readout);
            List<Parameters> members = new ArrayList<>();
            Random rng = new Random(4);
            for (int m = 0; m < 3; m++) {
                Parameters p = Parameters.xavier(spec, 10 + m);
                float[] v = p.values();
                for (int i = 0; i < v.length; i++) v[i] += (float) (rng.nextGaussian() * 0.3); // biases and head too
                members.add(p);
            }
            Parameters merged = EnsembleMerge.merge(members);
            assertEquals(15, merged.spec().hidden());
            assertEquals(12, merged.spec().embed());
            assertEquals(readout, merged.spec().readout());

            List<SequenceBatch.Example> ex = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                int[] in = new int[3 + 2 * s];
                for (int t = 0; t < in.length; t++) in[t] = rng.nextInt(spec.vocab());
                ex.add(new SequenceBatch.Example(in, new int[in.length], -1));
            }
            SequenceBatch batch = SequenceBatch.of(ex);
            float[][][] got = new Network(merged.spec()).predict(merged, batch);
            List<float[][][]> each = new ArrayList<>();
            for (Parameters p : members) each.add(new Network(spec).predict(p, batch));
            for (int s = 0; s < batch.size(); s++) {
                for (int t = 0; t < batch.lengths[s]; t++) {
                    double[] logit = new double[3];
                    for (float[][][] p : each) for (int c = 0; c < 3; c++) logit[c] += Math.log(p[s][t][c]) / members.size();
                    double z = 0;
                    for (double l : logit) z += Math.exp(l);
                    for (int c = 0; c < 3; c++) {
                        assertEquals(Math.exp(logit[c]) / z, got[s][t][c], 1e-5, cell + " " + readout + " stream " + s + " step " + t);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Readout.class)
    void shouldRefuseMembersOfDifferentShapes(Readout readout) {
        ModelSpec a = ModelSpec.oneHot(CellType.LSTM, 5, 9, 2).withEmbedding(4).withReadout(readout);
        ModelSpec b = ModelSpec.oneHot(CellType.LSTM, 6, 9, 2).withEmbedding(4).withReadout(readout);
        assertThrows(IllegalArgumentException.class, () -> EnsembleMerge.merge(List.of(Parameters.xavier(a, 1), Parameters.xavier(b, 1))));
    }
}
