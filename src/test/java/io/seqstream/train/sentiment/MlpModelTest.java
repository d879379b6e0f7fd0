package io.seqstream.train.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.Network;
import io.seqstream.model.SequenceBatch;
import java.util.List;
import org.junit.jupiter.api.Test;

class MlpModelTest {

    private static SequenceBatch batch() {
        return SequenceBatch.of(List.of(SentimentExamples.example(new int[]{1, 2, 3, 4}, 1, 0),
                SentimentExamples.example(new int[]{5, 2}, 0, 0), SentimentExamples.example(new int[]{6, 1, 1}, 1, 0)));
    }

    @Test
    void shouldMatchANumericalGradient() {
        MlpModel m = new MlpModel(8, 5, 6, 3);
        float[] w = m.values();
        for (int i = 0; i < w.length; i++) w[i] += 0.05f * (float) Math.sin(i); // break symmetric ties in the max pool
        float[] grad = new float[w.length];
        SequenceBatch b = batch();
        m.lossAndGradient(b, grad);
        float[] scratch = new float[w.length];
        int checked = 0;
        for (int i = 0; i < w.length; i++) {
            float keep = w[i];
            double eps = 1e-3;
            w[i] = (float) (keep + eps);
            double up = m.lossAndGradient(b, scratch).value();
            w[i] = (float) (keep - eps);
            double down = m.lossAndGradient(b, scratch).value();
            w[i] = keep;
            double numeric = (up - down) / (2 * eps);
            assertEquals(numeric, grad[i], 2e-3 + 2e-2 * Math.abs(numeric), "parameter " + i);
            checked++;
        }
        assertEquals(w.length, checked);
    }

    @Test
    void shouldGiveARunningScoreWhoseLastValueIsTheClassifiersOutput() {
        MlpModel m = new MlpModel(8, 5, 6, 3);
        SequenceBatch b = batch();
        float[][] run = m.running(List.of(new int[]{1, 2, 3, 4}, new int[]{5, 2}, new int[]{6, 1, 1}));
        Network.Loss loss = m.lossAndGradient(b, new float[m.values().length]);
        double expected = -(Math.log(run[0][3]) + Math.log(1 - run[1][1]) + Math.log(run[2][2])) / 3;
        assertEquals(expected, loss.value(), 1e-5);
        assertEquals(4, run[0].length);
    }
}
