package io.seqstream.train;

/**
 * Gradient clipping over the whole flat gradient vector. Global L2-norm clipping (Pascanu et al. 2013)
 * rescales every parameter's gradient by the same factor, keeping the direction; DL4J only clips per layer,
 * which changes the direction, so this is done here on the flat vector.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** L2 norm of the vector, accumulated in double; NaN or infinite if any element is. */
    public static double l2Norm(float[] g) {
        double sum = 0;
        for (float x : g) sum += (double) x * x;
        return Math.sqrt(sum);
    }

    /**
     * If ||g|| > threshold, scales g by threshold / ||g||.
     *
     * @return the norm after clipping
     */
    public static double clipByGlobalNorm(float[] g, double norm, double threshold) {
        if (!(threshold > 0) || norm <= threshold) return norm;
        float scale = (float) (threshold / norm);
        for (int i = 0; i < g.length; i++) g[i] *= scale;
        return threshold;
    }

    /** Element-wise clipping to [-limit, limit]. */
    public static void clipByValue(float[] g, float limit) {
        for (int i = 0; i < g.length; i++) {
            float x = g[i];
            if (x > limit) g[i] = limit;
            else if (x < -limit) g[i] = -limit;
        }
    }
}
