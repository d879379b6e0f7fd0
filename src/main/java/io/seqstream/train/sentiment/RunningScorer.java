package io.seqstream.train.sentiment;

import java.util.List;

/** A sentiment model seen offline: the running P(positive) after every word of each sequence. */
public interface RunningScorer {

    /** out[i][t] = P(positive) after word t of sequences[i]; sequences may differ in length, none is empty. */
    float[][] running(List<int[]> sequences);
}
