package io.seqstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.testing.TestModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streams stepped token by token through the processor's batched step, in waves of changing size and
 * scattered state rows, reproduce the trainer's full-sequence forward pass.
 */
class StepEqualsSequenceTest {

    @ParameterizedTest
    @EnumSource(CellType.class)
    void shouldReproduceFullSequenceForwardWhenSteppedInWaves(CellType cell) {
        ModelSpec spec = ModelSpec.oneHot(cell, 16, 6, 5).withLayers(2).withParams(3);
        check(spec, Parameters.xavier(spec, 5), 9, 12);
        ModelSpec embedded = ModelSpec.oneHot(cell, 8, 7, 4).withEmbedding(5);
        check(embedded, Parameters.xavier(embedded, 5), 9, 12);
        ModelSpec mean = ModelSpec.oneHot(cell, 8, 7, 2).withEmbedding(5).withLayers(2).withReadout(Readout.MEAN);
        check(mean, Parameters.xavier(mean, 5), 9, 12);
        ModelSpec bag = ModelSpec.oneHot(cell, 8, 7, 2).withEmbedding(5).withReadout(Readout.MEAN).withNgrams(new NgramBag(3, 13));
        Parameters withBag = Parameters.xavier(bag, 5);
        Random rng = new Random(9);
        for (int i = withBag.layout().ngrams(); i < withBag.values().length; i++) withBag.values()[i] = (float) rng.nextGaussian();
        check(bag, withBag, 9, 12);
    }

    @Test
    void shouldReproduceTheTrainedEchoModelsFullSequenceForward() throws Exception {
        // The model the processor serves (GRU 64, delay 4, trained to 99 % held-out), not random weights.
        ModelSnapshot trained = TestModels.echo();
        check(trained.metadata().spec(), trained.parameters(), 40, 60);
    }

    private static void check(ModelSpec spec, Parameters p, int streams, int len) {
        Random rng = new Random(3);
        List<SequenceBatch.Example> ex = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            int[] in = new int[len];
            for (int t = 0; t < len; t++) in[t] = rng.nextInt(spec.vocab());
            ex.add(new SequenceBatch.Example(in, new int[len], spec.params() > 0 ? rng.nextInt(spec.params()) : -1));
        }
        SequenceBatch batch = SequenceBatch.of(ex);
        float[][][] expected = new Network(spec).predict(p, batch);

        // State table with streams at shuffled rows; each wave steps a random subset of streams.
        int[] rowOf = new int[streams];
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < streams; i++) rows.add(i * 3 + 1);
        java.util.Collections.shuffle(rows, rng);
        for (int i = 0; i < streams; i++) rowOf[i] = rows.get(i);
        float[] table = new float[(streams * 3 + 2) * spec.stateWidth()];
        BatchedStep step = new BatchedStep(spec, 2);
        int[] pos = new int[streams];
        int c = spec.classes();
        double worst = 0;
        while (true) {
            List<Integer> wave = new ArrayList<>();
            for (int s = 0; s < streams; s++) if (pos[s] < len && rng.nextInt(3) > 0) wave.add(s);
            if (wave.isEmpty()) {
                boolean done = true;
                for (int s = 0; s < streams; s++) done &= pos[s] == len;
                if (done) break;
                continue;
            }
            int k = wave.size();
            int[] tokens = new int[k];
            int[] params = spec.params() > 0 ? new int[k] : null;
            int[] r = new int[k];
            for (int i = 0; i < k; i++) {
                int s = wave.get(i);
                tokens[i] = batch.inputs[s][pos[s]];
                if (params != null) params[i] = batch.params[s];
                r[i] = rowOf[s];
            }
            float[] probs = new float[k * c];
            step.step(p, k, tokens, params, table, r, probs);
            for (int i = 0; i < k; i++) {
                int s = wave.get(i);
                for (int j = 0; j < c; j++) {
                    worst = Math.max(worst, Math.abs(probs[i * c + j] - expected[s][pos[s]][j]));
                }
                pos[s]++;
            }
        }
        assertTrue(worst < 1e-5, spec + ": max abs difference " + worst);
    }

    @ParameterizedTest
    @EnumSource(CellType.class)
    void shouldGiveBitIdenticalResultsWhateverTheWaveSize(CellType cell) {
        ModelSpec spec = ModelSpec.oneHot(cell, 32, 27, 27).withLayers(2);
        Parameters p = Parameters.xavier(spec, 9);
        int k = 37;
        Random rng = new Random(1);
        int[] tokens = new int[k];
        int[] rows = new int[k];
        for (int i = 0; i < k; i++) {
            tokens[i] = rng.nextInt(27);
            rows[i] = i;
        }
        float[] tableTogether = new float[k * spec.stateWidth()];
        for (int i = 0; i < tableTogether.length; i++) tableTogether[i] = (float) rng.nextGaussian() * 0.3f;
        float[] tableAlone = tableTogether.clone();
        float[] together = new float[k * 27];
        new BatchedStep(spec, k).step(p, k, tokens, null, tableTogether, rows, together);
        float[] alone = new float[k * 27];
        BatchedStep single = new BatchedStep(spec, 1);
        for (int i = 0; i < k; i++) {
            float[] one = new float[27];
            single.step(p, 1, new int[]{tokens[i]}, null, tableAlone, new int[]{rows[i]}, one);
            System.arraycopy(one, 0, alone, i * 27, 27);
        }
        assertArrayEquals(together, alone);
        assertArrayEquals(tableTogether, tableAlone);
    }
}
