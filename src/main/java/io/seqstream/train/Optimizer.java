package io.seqstream.train;

/**
 * One update: guard against non-finite loss or gradient, clip (value, then global norm), then Adam.
 * A non-finite step is skipped entirely and counted, so a diverging batch never touches the parameters.
 */
public final class Optimizer {
    private final OptimizerConfig config;
    private final Adam adam;
    private long skipped;
    private long clipped;

    public Optimizer(OptimizerConfig config, int size) {
        this.config = config;
        this.adam = new Adam(size, config.learningRate());
    }

    public Update step(float[] params, float[] grad, double loss) {
        double raw = GradientClipping.l2Norm(grad);
        if (!Double.isFinite(loss) || !Double.isFinite(raw)) {
            skipped++;
            return new Update(raw, raw, false, true);
        }
        if (config.clipValue() > 0) GradientClipping.clipByValue(grad, (float) config.clipValue());
        double norm = config.clipValue() > 0 ? GradientClipping.l2Norm(grad) : raw;
        double after = GradientClipping.clipByGlobalNorm(grad, norm, config.clipNorm());
        boolean wasClipped = after < raw;
        if (wasClipped) clipped++;
        adam.apply(params, grad);
        return new Update(raw, after, wasClipped, false);
    }

    public OptimizerConfig config() { return config; }

    public double learningRate() { return adam.learningRate(); }

    /** Changes Adam's step size from the next update on (its moment estimates are kept). */
    public void setLearningRate(double lr) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, was " + lr);
        adam.setLearningRate(lr);
    }

    /** Updates skipped because the loss or gradient was NaN or infinite. */
    public long skippedSteps() { return skipped; }

    /** Updates whose gradient was clipped. */
    public long clippedSteps() { return clipped; }

    /**
     * What one step did.
     *
     * @param rawNorm     global L2 norm of the gradient as computed
     * @param clippedNorm norm of the gradient actually applied
     */
    public record Update(double rawNorm, double clippedNorm, boolean clipped, boolean skipped) {
    }
}
