package io.seqstream.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/** The trainable values of one network as a single flat vector laid out by {@link ParameterLayout}. */
public final class Parameters {
    private final ParameterLayout layout;
    private final float[] values;

    public Parameters(ParameterLayout layout, float[] values) {
        if (values.length != layout.size()) {
            throw new IllegalArgumentException("expected " + layout.size() + " parameters, got " + values.length);
        }
        this.layout = layout;
        this.values = values;
    }

    /** Zero parameters. */
    public static Parameters zeros(ModelSpec spec) {
        ParameterLayout layout = new ParameterLayout(spec);
        return new Parameters(layout, new float[layout.size()]);
    }

    /**
     * Xavier/Glorot uniform initialisation (limit sqrt(6 / (fanIn + fanOut)) per gate block), zero biases
     * except the LSTM forget gate's, which starts at 1 so that memory is kept by default.
     */
    public static Parameters xavier(ModelSpec spec, long seed) {
        Parameters p = zeros(spec);
        ParameterLayout l = p.layout;
        SplittableRandom rng = new SplittableRandom(seed);
        int h = spec.hidden();
        int gh = spec.cell().gates() * h;
        float[] v = p.values;
        for (int layer = 0; layer < spec.layers(); layer++) {
            fillUniform(v, l.wx(layer), l.inputs(layer) * gh, glorot(l.inputs(layer), h), rng);
            fillUniform(v, l.wh(layer), h * gh, glorot(h, h), rng);
            int forget = spec.cell().forgetGate();
            if (forget >= 0) Arrays.fill(v, l.bias(layer) + forget * h, l.bias(layer) + (forget + 1) * h, 1f);
        }
        if (l.embedding() >= 0) {
            fillUniform(v, l.embedding(), spec.vocab() * spec.embed(), glorot(spec.vocab(), spec.embed()), rng);
        }
        fillUniform(v, l.wy(), h * spec.classes(), glorot(h, spec.classes()), rng);
        return p;
    }

    private static float glorot(int fanIn, int fanOut) {
        return (float) Math.sqrt(6.0 / (fanIn + fanOut));
    }

    private static void fillUniform(float[] v, int off, int n, float limit, SplittableRandom rng) {
        for (int i = 0; i < n; i++) {
            v[off + i] = (float) ((rng.nextDouble() * 2 - 1) * limit);
        }
    }

    public ParameterLayout layout() { return layout; }

    public ModelSpec spec() { return layout.spec(); }

    /** The live vector: the trainer updates it in place; servers only ever hold copies. */
    public float[] values() { return values; }

    public Parameters copy() { return new Parameters(layout, values.clone()); }

    /** True when no value is NaN or infinite. */
    public boolean isFinite() {
        for (float x : values) {
            if (!Float.isFinite(x)) return false;
        }
        return true;
    }
}
