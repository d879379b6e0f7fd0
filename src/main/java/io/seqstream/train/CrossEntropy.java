package io.seqstream.train;

import io.seqstream.model.SequenceBatch;

/** Mean cross-entropy (nats) of softmax outputs against a batch's targets, over the steps that have one. */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /** Sum of -ln p(target) and the number of scored steps, so batches can be pooled before dividing. */
    public record Sum(double nats, long scored) {
        public static final Sum ZERO = new Sum(0, 0);

        public Sum plus(Sum o) { return new Sum(nats + o.nats, scored + o.scored); }

        /** Mean nats per scored step; NaN when nothing was scored. */
        public double mean() { return scored == 0 ? Double.NaN : nats / scored; }
    }

    /** @param probs [B][T][classes] as {@link io.seqstream.model.Network#predict} returns them */
    public static Sum of(SequenceBatch batch, float[][][] probs) {
        double nats = 0;
        long n = 0;
        for (int i = 0; i < batch.size(); i++) {
            for (int s = 0; s < batch.lengths[i]; s++) {
                int target = batch.targets[i][s];
                if (target < 0) continue;
                nats -= Math.log(Math.max(probs[i][s][target], 1e-30f));
                n++;
            }
        }
        return new Sum(nats, n);
    }
}
