package io.seqstream.train.online;

import io.seqstream.model.SequenceBatch;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Examples that arrive from outside (a Kafka topic) rather than from a generator: a training side the learner
 * draws minibatches from, and a held-out side it is judged on, never trained on.
 */
public interface ExampleFeed extends AutoCloseable {

    /** One line for logs: where the examples come from and how many have been seen. */
    String describe();

    /** Takes in what has arrived, waiting at most {@code wait} for it. */
    void pull(Duration wait);

    /** A minibatch of at most {@code size} examples, or null while there is nothing to train on. */
    Batch next(int size, Random rng);

    /** Called after the update computed on {@code batch}: its state array now holds each sequence's final state. */
    default void completed(Batch batch) {
    }

    /** The held-out examples as they stand, in batches (empty while none has arrived). */
    List<SequenceBatch> heldOut();

    /** Held-out examples in {@link #heldOut()}. */
    int heldOutSize();

    @Override
    void close();

    /** Held-out examples cut into padded batches of at most {@code size}, for evaluation. */
    static List<SequenceBatch> inBatches(List<SequenceBatch.Example> all, int size) {
        List<SequenceBatch> out = new java.util.ArrayList<>();
        for (int i = 0; i < all.size(); i += size) out.add(SequenceBatch.of(all.subList(i, Math.min(all.size(), i + size))));
        return out;
    }

    /**
     * @param sequences the padded minibatch
     * @param state     initial state per sequence carried from the stream's previous window (truncated BPTT),
     *                  or null for zero states
     */
    record Batch(SequenceBatch sequences, float[] state) {
    }
}
