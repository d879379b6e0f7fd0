package io.seqstream.train;

import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ModelPublisher;

/**
 * Whether this instance may train a model now, and where its versions go. A trainer trains only during a term (a
 * stretch of leadership), begins each term from the newest published version, and publishes as that term; a term
 * that ended publishes nothing. {@link TrainerLeadership} runs one term at a time across instances through Kafka;
 * {@link #sole} is an instance alone (tools and tests).
 */
public interface Lineage extends AutoCloseable {

    /** The current term while this instance leads (a number that grows with every new term), 0 while it does not. */
    long term();

    /**
     * Begins a term: stops publishers of earlier terms (here and on other instances) from publishing, then returns
     * the newest version of the model published so far (null when none or unknown). Blocking.
     */
    ModelSnapshot begin(long term);

    /** Publishes as the given term; throws {@link Lost} (nothing published) when that term is over. */
    void publish(long term, ModelSnapshot snapshot);

    @Override
    default void close() {
    }

    /** An instance that is the only trainer of its model: always in term 1, publishing through the given publisher. */
    static Lineage sole(ModelPublisher publisher) {
        return new Lineage() {
            @Override
            public long term() { return 1; }

            @Override
            public ModelSnapshot begin(long term) { return null; }

            @Override
            public void publish(long term, ModelSnapshot snapshot) { publisher.publish(snapshot); }
        };
    }

    /** The term is over: another instance leads (or may lead) now; nothing was published. */
    final class Lost extends RuntimeException {
        public Lost(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
