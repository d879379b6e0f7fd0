package io.seqstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One step of each cell on tiny hand-set weights, checked against the textbook formulas written out by hand. */
class CellMathTest {
    private static double sig(double x) { return 1 / (1 + Math.exp(-x)); }

    /** One-hot vocab 2, hidden 1, classes 2: the state after tokens 0 then 1. */
    private static float[] stepTwice(ModelSpec spec, float[] values) {
        Parameters p = new Parameters(new ParameterLayout(spec), values);
        BatchedStep step = new BatchedStep(spec, 1);
        float[] states = new float[spec.stateWidth()];
        float[] probs = new float[2];
        step.step(p, 1, new int[]{0}, null, states, new int[]{0}, probs);
        float[] first = states.clone();
        step.step(p, 1, new int[]{1}, null, states, new int[]{0}, probs);
        float[] out = new float[2 * spec.stateWidth()];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(states, 0, out, first.length, states.length);
        return out;
    }

    @Test
    void shouldStepElmanCellAsTanhOfAffineInputAndState() {
        ModelSpec spec = ModelSpec.oneHot(CellType.RNN, 1, 2, 2);
        // Wx [2,1], Wh [1,1], b [1], Wy [1,2], by [2]
        float[] v = {0.5f, -0.3f, 0.8f, 0.1f, 1f, -1f, 0f, 0f};
        float[] s = stepTwice(spec, v);
        double h1 = Math.tanh(0.1 + 0.5);
        double h2 = Math.tanh(0.1 - 0.3 + 0.8 * h1);
        assertEquals(h1, s[0], 1e-6);
        assertEquals(h2, s[1], 1e-6);
    }

    @Test
    void shouldStepGruCellWithResetInsideTheCandidate() {
        ModelSpec spec = ModelSpec.oneHot(CellType.GRU, 1, 2, 2);
        // Wx [2,3] rows per token: [z r n]; Wh [1,3]; b [3]; Wy [1,2]; by [2]
        float[] v = {0.2f, -0.4f, 0.6f, -0.1f, 0.3f, -0.5f, 0.7f, -0.2f, 0.9f, 0.05f, 0.1f, -0.05f, 1f, -1f, 0f, 0f};
        float[] s = stepTwice(spec, v);
        double h = 0;
        double[][] wx = {{0.2, -0.4, 0.6}, {-0.1, 0.3, -0.5}};
        double[] wh = {0.7, -0.2, 0.9};
        double[] b = {0.05, 0.1, -0.05};
        double[] expected = new double[2];
        for (int t = 0; t < 2; t++) {
            double z = sig(wx[t][0] + b[0] + wh[0] * h);
            double r = sig(wx[t][1] + b[1] + wh[1] * h);
            double n = Math.tanh(wx[t][2] + b[2] + r * (wh[2] * h));
            h = (1 - z) * n + z * h;
            expected[t] = h;
        }
        assertEquals(expected[0], s[0], 1e-6);
        assertEquals(expected[1], s[1], 1e-6);
    }

    @Test
    void shouldStepLstmCellKeepingHiddenAndCellState() {
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 1, 2, 2);
        // Wx [2,4] rows [i f g o]; Wh [1,4]; b [4]; Wy [1,2]; by [2]
        float[] v = {0.3f, 0.2f, -0.4f, 0.1f, -0.2f, 0.5f, 0.6f, -0.3f,
                0.4f, -0.6f, 0.2f, 0.8f, 0.0f, 1.0f, 0.1f, -0.1f, 1f, -1f, 0f, 0f};
        float[] s = stepTwice(spec, v);
        double[][] wx = {{0.3, 0.2, -0.4, 0.1}, {-0.2, 0.5, 0.6, -0.3}};
        double[] wh = {0.4, -0.6, 0.2, 0.8};
        double[] b = {0.0, 1.0, 0.1, -0.1};
        double h = 0;
        double c = 0;
        double[][] expected = new double[2][2];
        for (int t = 0; t < 2; t++) {
            double i = sig(wx[t][0] + b[0] + wh[0] * h);
            double f = sig(wx[t][1] + b[1] + wh[1] * h);
            double g = Math.tanh(wx[t][2] + b[2] + wh[2] * h);
            double o = sig(wx[t][3] + b[3] + wh[3] * h);
            c = f * c + i * g;
            h = o * Math.tanh(c);
            expected[t][0] = h;
            expected[t][1] = c;
        }
        assertEquals(expected[0][0], s[0], 1e-6);
        assertEquals(expected[0][1], s[1], 1e-6);
        assertEquals(expected[1][0], s[2], 1e-6);
        assertEquals(expected[1][1], s[3], 1e-6);
    }

    @Test
    void shouldProduceSoftmaxOfHeadLogits() {
        ModelSpec spec = ModelSpec.oneHot(CellType.RNN, 1, 2, 2);
        float[] v = {0.5f, -0.3f, 0.8f, 0.1f, 1f, -1f, 0.2f, 0f};
        Parameters p = new Parameters(new ParameterLayout(spec), v);
        float[] probs = new float[2];
        new BatchedStep(spec, 1).step(p, 1, new int[]{0}, null, new float[1], new int[]{0}, probs);
        double h = Math.tanh(0.6);
        double z0 = 0.2 + h;
        double z1 = -h;
        assertEquals(Math.exp(z0) / (Math.exp(z0) + Math.exp(z1)), probs[0], 1e-6);
        assertEquals(1.0, probs[0] + probs[1], 1e-6);
    }
}
