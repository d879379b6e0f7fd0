package io.seqstream.train.online;

import io.seqstream.model.Parameters;
import io.seqstream.train.TaskTrainer;

/**
 * What the online trainer drives: a private copy of a model's parameters, the source of its minibatches and its
 * held-out data. One implementation per training source (synthetic curriculum, labelled topic, live stream).
 * Not thread-safe: one trainer thread calls it.
 */
public interface OnlineLearner extends AutoCloseable {

    /** One line for logs: the source and what it has seen. */
    String describe();

    /** One update, or null when the source has no batch ready yet (the caller waits and asks again). */
    TaskTrainer.StepOutcome step();

    /** Lets a curriculum judge the current level on its held-out data; true when a level was passed. */
    default boolean judgeLevel() { return false; }

    /** Current curriculum level (0 for sources without one). */
    default int level() { return 0; }

    /** Held-out accuracy and loss of the current parameters, or null while there is no held-out data yet. */
    Evaluation evaluate();

    /** The trained copy (never the object a processor serves). */
    Parameters parameters();

    long steps();

    long examples();

    double learningRate();

    /** Makes the next update's gradient non-finite: the optimiser's guard must skip it (fault drills, tests). */
    void poisonNextStep();

    @Override
    default void close() {
    }

    /**
     * @param accuracy held-out accuracy in the source's measure (tokens or sequences)
     * @param loss     mean held-out cross-entropy in nats
     * @param size     held-out examples it was measured on
     */
    record Evaluation(double accuracy, double loss, int size) {
    }
}
