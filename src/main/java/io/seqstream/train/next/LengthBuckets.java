package io.seqstream.train.next;

import io.seqstream.model.SequenceBatch;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * One epoch of minibatches from examples of different lengths: examples are sorted by length (ties in a fresh
 * random order), cut into batches of similar length so little of a batch is padding, and the order of the
 * batches is shuffled every epoch, so training does not see all short sequences before all long ones.
 */
public final class LengthBuckets {
    private LengthBuckets() {
    }

    /** The epoch's batches over the examples whose length is at most maxLength (all when maxLength &lt;= 0). */
    public static List<SequenceBatch> epoch(List<SequenceBatch.Example> examples, int batchSize, int maxLength, Random rng) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
        List<SequenceBatch.Example> chosen = new ArrayList<>();
        for (SequenceBatch.Example e : examples) if (maxLength <= 0 || e.inputs().length <= maxLength) chosen.add(e);
        Collections.shuffle(chosen, rng);
        // Stable sort after a shuffle: equal lengths end up in a new order every epoch.
        chosen.sort(Comparator.comparingInt(e -> e.inputs().length));
        List<SequenceBatch> batches = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i += batchSize) {
            batches.add(SequenceBatch.of(chosen.subList(i, Math.min(chosen.size(), i + batchSize))));
        }
        Collections.shuffle(batches, rng);
        return batches;
    }
}
