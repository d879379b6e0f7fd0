package io.seqstream.train.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.SequenceBatch;
import io.seqstream.train.OptimizerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SentimentTrainerTest {

    private static SentimentTrainer.Settings settings(double lr, double finalLr, double dropout) {
        return new SentimentTrainer.Settings(200, 32, 3, new OptimizerConfig(lr, 1.0, 0), 1, Duration.ofMinutes(1), 200, 40_000,
                finalLr, dropout);
    }

    @Test
    void shouldFollowACosineFromTheLearningRateToTheFinalOne() {
        SentimentTrainer.Settings s = settings(3e-3, 1e-4, 0);
        assertEquals(3e-3, s.learningRate(0, 101), 1e-12);
        assertEquals((3e-3 + 1e-4) / 2, s.learningRate(50, 101), 1e-12);
        assertEquals(1e-4, s.learningRate(100, 101), 1e-12);
        assertTrue(s.learningRate(30, 101) > s.learningRate(31, 101));
        assertEquals(3e-3, settings(3e-3, 3e-3, 0).learningRate(77, 101), 1e-12, "equal rates: constant");
    }

    @Test
    void shouldReplaceAboutTheGivenShareOfWordsByTheUnknownWordAndKeepTheLabels() {
        int[] ids = new int[10_000];
        for (int t = 0; t < ids.length; t++) ids[t] = 1 + t % 50;
        SequenceBatch.Example e = SentimentExamples.example(ids, 1, 0);
        List<SequenceBatch.Example> dropped = SentimentTrainer.dropWords(List.of(e), 0.1, new Random(3));
        int unknown = 0;
        for (int t = 0; t < ids.length; t++) {
            int x = dropped.get(0).inputs()[t];
            assertTrue(x == 0 || x == ids[t]);
            if (x == 0) unknown++;
        }
        assertTrue(unknown > 850 && unknown < 1150, "dropped " + unknown);
        assertEquals(1 + 9_999 % 50, e.inputs()[9_999], "the example itself is left alone");
        assertEquals(1, dropped.get(0).targets()[ids.length - 1]);
        assertEquals(-1, dropped.get(0).targets()[0]);
    }

    @Test
    void shouldRejectSettingsThatNameAnImpossibleValue() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> settings(3e-3, 1e-4, 1.0));
        assertTrue(e.getMessage().contains("word dropout"), e.getMessage());
    }
}
