package io.seqstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The n-gram bag: its buckets, its state part carried across windows, its place in model files. */
class NgramBagTest {

    @Test
    void shouldAddTheRowsOfEveryBucketItListsWhenStepped() {
        NgramBag bag = new NgramBag(3, 17);
        ModelSpec spec = ModelSpec.oneHot(CellType.GRU, 4, 9, 2).withNgrams(bag);
        Parameters p = randomTable(spec, 1);
        int[] tokens = {3, 0, 8, 3, 0, 8, 1};
        BatchedStep step = new BatchedStep(spec, 1);
        float[] state = new float[spec.stateWidth()];
        for (int t : tokens) step.step(p, 1, new int[] {t}, null, state, new int[] {0}, new float[2]);
        double expected = 0;
        for (int f : bag.buckets(tokens)) expected += p.values()[p.layout().ngrams() + f];
        int at = spec.ngramStateOffset();
        assertEquals(expected, state[at], 1e-4, "class 1's running sum (class 0 has no column)");
        assertEquals(3 * tokens.length - 3, bag.buckets(tokens).length, "1 + 2 + 3 + 3 + ... n-grams");
        assertEquals(1f + 1, state[at + 1], "the last token (stored as id + 1)");
        assertEquals(8f + 1, state[at + 2], "the token before it");
    }

    @Test
    void shouldTellBigramsApartThatShareTheirWords() {
        NgramBag bag = new NgramBag(2, 1 << 16);
        assertNotEquals(bag.buckets(new int[] {4, 5})[2], bag.buckets(new int[] {5, 4})[2]);
        assertEquals(bag.buckets(new int[] {7, 4, 5})[3], bag.buckets(new int[] {9, 4, 5})[3], "unigram 5 at any place");
        assertEquals(bag.buckets(new int[] {7, 4, 5})[4], bag.buckets(new int[] {9, 4, 5})[4], "bigram 4 5 at any place");
    }

    @Test
    void shouldCarryTheBagAcrossTruncatedWindows() {
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 5, 6, 2).withEmbedding(3).withNgrams(new NgramBag(2, 23));
        Parameters p = randomTable(spec, 2);
        Random rng = new Random(4);
        int[] whole = new int[12];
        for (int t = 0; t < whole.length; t++) whole[t] = rng.nextInt(6);
        Network net = new Network(spec);
        float[][][] once = net.predict(p, batch(whole));
        float[] state = new float[spec.stateWidth()];
        net.forward(p, batch(java.util.Arrays.copyOfRange(whole, 0, 5)), state);
        net.forward(p, batch(java.util.Arrays.copyOfRange(whole, 5, 12)), state);
        float[][][] second = net.probabilities();
        for (int t = 0; t < 7; t++) assertArrayEquals(once[0][5 + t], second[0][t], 1e-6f, "step " + (5 + t));
    }

    @Test
    void shouldRoundTripThroughModelFilesAndKeepOldFilesReadable() throws Exception {
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 5, 6, 2).withEmbedding(3).withNgrams(new NgramBag(2, 23));
        ObjectMapper json = new ObjectMapper();
        assertEquals(spec, json.readValue(json.writeValueAsString(spec), ModelSpec.class));
        ModelSpec old = spec.withNgrams(null);
        assertEquals(old, json.readValue(json.writeValueAsString(old).replace(",\"ngrams\":null", ""), ModelSpec.class));
        assertNotEquals(old.stateShapeId(), spec.stateShapeId(), "a changelog of the plain model does not restore into the bag's");
        assertEquals(old.stateWidth() + 2, spec.stateWidth());
        assertEquals(new ParameterLayout(old).size() + 23, new ParameterLayout(spec).size());
    }

    @Test
    void shouldRefuseOrdersOutsideOneToThree() {
        assertThrows(IllegalArgumentException.class, () -> new NgramBag(4, 10));
        assertThrows(IllegalArgumentException.class, () -> new NgramBag(0, 10));
    }

    private static Parameters randomTable(ModelSpec spec, long seed) {
        Parameters p = Parameters.xavier(spec, seed);
        Random rng = new Random(seed);
        for (int i = p.layout().ngrams(); i < p.values().length; i++) p.values()[i] = (float) rng.nextGaussian();
        return p;
    }

    private static SequenceBatch batch(int[] tokens) {
        List<SequenceBatch.Example> ex = new ArrayList<>();
        ex.add(new SequenceBatch.Example(tokens, new int[tokens.length], -1));
        return SequenceBatch.of(ex);
    }
}
