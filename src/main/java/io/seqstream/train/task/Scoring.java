package io.seqstream.train.task;

import io.seqstream.model.SequenceBatch;

/** Shared scoring helpers: argmax of the softmax compared with the target. */
public final class Scoring {
    private Scoring() {}

    /** Index of the largest probability (first one on ties). */
    public static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) if (p[i] > p[best]) best = i;
        return best;
    }

    /** Checks that probs cover the batch: [B][>= T_b][classes]. */
    static void check(SequenceBatch batch, float[][][] probs, int classes) {
        if (probs.length != batch.size()) {
            throw new IllegalArgumentException("probs has " + probs.length + " sequences, batch has " + batch.size());
        }
        for (int b = 0; b < probs.length; b++) {
            if (probs[b].length < batch.lengths[b]) {
                throw new IllegalArgumentException("probs[" + b + "] has " + probs[b].length + " steps, sequence has " + batch.lengths[b]);
            }
            if (batch.lengths[b] > 0 && probs[b][0].length != classes) {
                throw new IllegalArgumentException("probs has " + probs[b][0].length + " classes, task has " + classes);
            }
        }
    }

    /**
     * Per-target score: every step that has a target counts once (tokens for next-token models; for a sequence
     * label, the one labelled step, so the same as {@link #perSequence}).
     */
    public static Score perTarget(SequenceBatch batch, float[][][] probs, int classes) {
        check(batch, probs, classes);
        long correct = 0, total = 0;
        for (int b = 0; b < batch.size(); b++) {
            for (int t = 0; t < batch.lengths[b]; t++) {
                int target = batch.targets[b][t];
                if (target < 0) continue;
                total++;
                if (argmax(probs[b][t]) == target) correct++;
            }
        }
        return new Score(correct, total);
    }

    /**
     * Per-sequence score: a sequence counts as correct when the prediction is right at every step that has a
     * target (for the classification tasks there is exactly one such step, the last). Sequences without any
     * target are not counted.
     */
    public static Score perSequence(SequenceBatch batch, float[][][] probs, int classes) {
        check(batch, probs, classes);
        long correct = 0, total = 0;
        for (int b = 0; b < batch.size(); b++) {
            boolean any = false, ok = true;
            for (int t = 0; t < batch.lengths[b]; t++) {
                int target = batch.targets[b][t];
                if (target < 0) continue;
                any = true;
                ok &= argmax(probs[b][t]) == target;
            }
            if (any) {
                total++;
                if (ok) correct++;
            }
        }
        return new Score(correct, total);
    }
}
