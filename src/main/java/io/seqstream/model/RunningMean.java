package io.seqstream.model;

/**
 * The running mean of the {@link Readout#MEAN} head: m' = m + (h - m) / n after the n-th token. The full-sequence
 * pass and the batched step both update through this one method, so they produce the same bits.
 */
final class RunningMean {
    private RunningMean() {
    }

    /** mean[mOff..+h] moves to include h[hOff..+h] as the n-th value (n >= 1). */
    static void update(float[] mean, int mOff, float[] hs, int hOff, int h, float n, float[] out, int outOff) {
        for (int j = 0; j < h; j++) {
            float m = mean[mOff + j];
            out[outOff + j] = m + (hs[hOff + j] - m) / n;
        }
    }
}
