package io.seqstream.train.next;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.SequenceBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {
    private static List<SequenceBatch.Example> examples() {
        Random r = new Random(4);
        List<SequenceBatch.Example> out = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int len = 1 + r.nextInt(60);
            int[] in = new int[len];
            in[0] = i; // identity
            out.add(new SequenceBatch.Example(in, new int[len], -1));
        }
        return out;
    }

    @Test
    void shouldUseEveryExampleOnceInBatchesOfSimilarLength() {
        List<SequenceBatch.Example> ex = examples();
        List<SequenceBatch> epoch = LengthBuckets.epoch(ex, 32, 0, new Random(1));
        Map<Integer, Integer> seen = new HashMap<>();
        int padded = 0, total = 0;
        for (SequenceBatch b : epoch) {
            assertTrue(b.size() <= 32);
            int min = Integer.MAX_VALUE;
            for (int i = 0; i < b.size(); i++) {
                seen.merge(b.inputs[i][0], 1, Integer::sum);
                min = Math.min(min, b.lengths[i]);
                padded += b.maxLength() - b.lengths[i];
                total += b.maxLength();
            }
            assertTrue(b.maxLength() - min <= 3, "a bucket spans few lengths: " + min + ".." + b.maxLength());
        }
        assertEquals(1000, seen.size());
        assertTrue(seen.values().stream().allMatch(c -> c == 1));
        assertTrue(padded < 0.05 * total, "little padding: " + padded + " of " + total);
    }

    @Test
    void shouldShuffleTheBucketOrderEveryEpoch() {
        List<SequenceBatch.Example> ex = examples();
        Random rng = new Random(1);
        List<Integer> first = lengths(LengthBuckets.epoch(ex, 32, 0, rng));
        List<Integer> second = lengths(LengthBuckets.epoch(ex, 32, 0, rng));
        assertNotEquals(first, second, "another order in the next epoch");
        List<Integer> sorted = new ArrayList<>(first);
        sorted.sort(null);
        assertNotEquals(sorted, first, "not short to long");
    }

    @Test
    void shouldLeaveOutExamplesLongerThanTheCurriculumAllows() {
        List<SequenceBatch> epoch = LengthBuckets.epoch(examples(), 32, 12, new Random(1));
        int n = 0;
        for (SequenceBatch b : epoch) {
            assertTrue(b.maxLength() <= 12);
            n += b.size();
        }
        assertTrue(n > 100 && n < 300, "about 12/60 of the examples: " + n);
    }

    private static List<Integer> lengths(List<SequenceBatch> epoch) {
        List<Integer> l = new ArrayList<>();
        for (SequenceBatch b : epoch) l.add(b.maxLength());
        return l;
    }
}
