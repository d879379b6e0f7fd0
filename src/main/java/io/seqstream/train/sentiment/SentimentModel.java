package io.seqstream.train.sentiment;

import io.seqstream.model.Network;
import io.seqstream.model.SequenceBatch;

/** A sentiment model the {@link SentimentTrainer} can train: one flat parameter vector, a loss and its gradient. */
public interface SentimentModel extends RunningScorer {

    /** The live parameter vector (updated in place by the optimiser). */
    float[] values();

    /** Cross-entropy at the scored steps (target not -1) of the batch; the gradient is written into grad. */
    Network.Loss lossAndGradient(SequenceBatch batch, float[] grad);

    /** Short description for reports, e.g. "LSTM hidden 64, embedding 50". */
    String describe();
}
