package io.seqstream.train;

/** Adam (Kingma and Ba 2015) with bias correction over one flat parameter vector. */
public final class Adam {
    private final float[] m;
    private final float[] v;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private double learningRate;
    private long steps;

    public Adam(int size, double learningRate) {
        this(size, learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(int size, double learningRate, double beta1, double beta2, double epsilon) {
        this.m = new float[size];
        this.v = new float[size];
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
    }

    /** params -= lr * mhat / (sqrt(vhat) + eps). */
    public void apply(float[] params, float[] grad) {
        steps++;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float c1 = (float) (1 - b1);
        float c2 = (float) (1 - b2);
        double bias1 = 1 - Math.pow(beta1, steps);
        double bias2 = 1 - Math.pow(beta2, steps);
        float stepSize = (float) (learningRate * Math.sqrt(bias2) / bias1);
        float eps = (float) (epsilon * Math.sqrt(bias2));
        for (int i = 0; i < params.length; i++) {
            float g = grad[i];
            float mi = b1 * m[i] + c1 * g;
            float vi = b2 * v[i] + c2 * g * g;
            m[i] = mi;
            v[i] = vi;
            params[i] -= stepSize * mi / ((float) Math.sqrt(vi) + eps);
        }
    }

    public double learningRate() { return learningRate; }

    public void setLearningRate(double lr) { this.learningRate = lr; }

    public long steps() { return steps; }
}
