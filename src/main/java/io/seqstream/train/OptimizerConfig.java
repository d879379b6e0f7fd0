package io.seqstream.train;

/**
 * How gradients become updates.
 *
 * @param learningRate Adam's step size
 * @param clipNorm     global L2-norm threshold; 0 or less disables it
 * @param clipValue    element-wise limit; 0 or less disables it
 */
public record OptimizerConfig(double learningRate, double clipNorm, double clipValue) {
    public OptimizerConfig {
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, was " + learningRate);
    }

    public static OptimizerConfig defaults() { return new OptimizerConfig(1e-3, 1.0, 0); }
}
