package io.seqstream.train.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.NgramBag;
import io.seqstream.model.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The n-gram bag trained on its own, and folded into a recurrent model. */
class NgramBagFitTest {

    /** Reviews of random words 2..9 with one phrase: "0 1" (positive) or "1 0" (negative); the words alone say nothing. */
    private static Encoded phrases(int n, long seed) {
        Random rng = new Random(seed);
        List<int[]> ids = new ArrayList<>();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int[] r = new int[12];
            for (int t = 0; t < r.length; t++) r[t] = 2 + rng.nextInt(8);
            int at = 1 + rng.nextInt(9);
            labels[i] = rng.nextInt(2);
            r[at] = labels[i] == 1 ? 0 : 1;
            r[at + 1] = labels[i] == 1 ? 1 : 0;
            ids.add(r);
        }
        return new Encoded(ids, labels, 0);
    }

    private static double accuracy(NgramBag bag, NgramBagFit.Weights w, Encoded data) {
        int ok = 0;
        for (int i = 0; i < data.size(); i++) if ((w.logit(bag, data.ids().get(i)) >= 0 ? 1 : 0) == data.labels()[i]) ok++;
        return (double) ok / data.size();
    }

    @Test
    void shouldLearnAPhraseOnlyBigramsSee() {
        Encoded train = phrases(400, 1);
        Encoded heldOut = phrases(400, 2);
        NgramBag bigrams = new NgramBag(2, 1 << 12);
        NgramBag words = new NgramBag(1, 1 << 12);
        assertEquals(1.0, accuracy(bigrams, NgramBagFit.fit(bigrams, train, 1e-4, 300), heldOut), 1e-9);
        double wordsOnly = accuracy(words, NgramBagFit.fit(words, train, 1e-4, 300), heldOut);
        assertTrue(wordsOnly < 0.65, "words alone cannot tell the phrases apart, yet scored " + wordsOnly);
    }

    @Test
    void shouldFitTheTemperatureThatCalibratesOverconfidentLogits() {
        // Logits 4 times too large for labels drawn with P(positive) = sigmoid(z).
        Random rng = new Random(8);
        int n = 20000;
        double[] net = new double[n];
        double[] none = new double[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double z = rng.nextGaussian() * 2;
            labels[i] = rng.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
            net[i] = 4 * z;
        }
        assertEquals(4.0, HybridSentiment.temperature(net, none, 1, labels), 0.3);
    }

    @Test
    void shouldPickTheBagsWeightOnValidationAndServeWhatItMeasured() {
        // An untrained network knows nothing of the phrases; the folded model must lean on the bag and reach its accuracy.
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 4, 10, 2).withEmbedding(3);
        Encoded validation = phrases(300, 12);
        HybridSentiment.Result r = HybridSentiment.build(Parameters.xavier(spec, 3), new NgramBag(2, 1 << 12), phrases(400, 11),
                validation, 4096, line -> { });
        assertEquals(1.0, r.bagAccuracy(), 1e-9);
        assertTrue(r.networkAccuracy() < 0.65, "untrained network " + r.networkAccuracy());
        assertEquals(1.0, r.validationAccuracy(), 1e-9, "the folded model, scored as the processor steps it");
        assertEquals(2, r.parameters().spec().ngrams().order());
        assertTrue(r.temperature() > 0);
    }

    @Test
    void shouldFoldTheBagIntoTheNetworksLogit() {
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 4, 10, 2).withEmbedding(3);
        Parameters net = Parameters.xavier(spec, 3);
        NgramBag bag = new NgramBag(2, 1 << 12);
        NgramBagFit.Weights w = NgramBagFit.fit(bag, phrases(200, 5), 1e-3, 200);
        Parameters folded = HybridSentiment.fold(net, bag, w, 0.5, 2.0);
        List<int[]> reviews = phrases(20, 6).ids();
        double[] alone = HybridSentiment.networkLogits(new RecurrentModel(net), reviews, 4096);
        double[] both = HybridSentiment.networkLogits(new RecurrentModel(folded), reviews, 4096);
        for (int i = 0; i < reviews.size(); i++) {
            assertEquals((alone[i] + 0.5 * w.logit(bag, reviews.get(i))) / 2.0, both[i], 1e-3, "review " + i);
        }
    }
}
