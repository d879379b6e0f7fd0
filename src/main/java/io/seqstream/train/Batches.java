package io.seqstream.train;

import io.seqstream.model.SequenceBatch;
import io.seqstream.train.task.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Builds padded training batches from tasks. */
public final class Batches {
    private Batches() {}

    /** A training batch whose examples each take their level from {@link Curriculum#sampleLevel}. */
    public static SequenceBatch batch(Task task, Curriculum curriculum, int batchSize, Random rng) {
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
        if (curriculum.levels() > task.levelCount()) {
            throw new IllegalArgumentException("curriculum has " + curriculum.levels() + " levels, task " + task.name()
                    + " only " + task.levelCount());
        }
        List<SequenceBatch.Example> examples = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) examples.add(task.example(curriculum.sampleLevel(rng), rng));
        return SequenceBatch.of(examples);
    }

    /** A batch of {@code n} fresh examples at one level, e.g. a held-out set for {@link Curriculum#observe}. */
    public static SequenceBatch atLevel(Task task, int level, int n, Random rng) {
        return task.batch(level, n, rng);
    }
}
