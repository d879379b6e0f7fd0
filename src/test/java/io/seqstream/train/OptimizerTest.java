package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OptimizerTest {

    @Test
    void shouldClipAGradientOfNormTenToNormOneKeepingItsDirection() {
        float[] g = {6f, -8f, 0f};
        double norm = GradientClipping.l2Norm(g);
        assertEquals(10.0, norm, 1e-9);
        double after = GradientClipping.clipByGlobalNorm(g, norm, 1.0);
        assertEquals(1.0, after, 1e-9);
        assertEquals(1.0, GradientClipping.l2Norm(g), 1e-6);
        assertArrayEquals(new float[]{0.6f, -0.8f, 0f}, g, 1e-6f);
    }

    @Test
    void shouldLeaveAGradientBelowTheThresholdAlone() {
        float[] g = {0.3f, 0.4f};
        assertEquals(0.5, GradientClipping.clipByGlobalNorm(g, GradientClipping.l2Norm(g), 1.0), 1e-6);
        assertArrayEquals(new float[]{0.3f, 0.4f}, g);
    }

    @Test
    void shouldClipByValueElementWise() {
        float[] g = {3f, -0.5f, -7f};
        GradientClipping.clipByValue(g, 1f);
        assertArrayEquals(new float[]{1f, -0.5f, -1f}, g);
    }

    @Test
    void shouldClipAcrossAllParametersNotPerLayer() {
        // Two "layers" with norms 3 and 4: global norm 5, clipped to 1 scales both by 1/5.
        Optimizer opt = new Optimizer(new OptimizerConfig(1e-3, 1.0, 0), 2);
        float[] params = {0f, 0f};
        Optimizer.Update u = opt.step(params, new float[]{3f, 4f}, 1.0);
        assertEquals(5.0, u.rawNorm(), 1e-6);
        assertEquals(1.0, u.clippedNorm(), 1e-6);
        assertTrue(u.clipped());
        assertEquals(1, opt.clippedSteps());
    }

    @Test
    void shouldSkipAndCountANonFiniteStep() {
        Optimizer opt = new Optimizer(OptimizerConfig.defaults(), 3);
        float[] params = {1f, 2f, 3f};
        Optimizer.Update u = opt.step(params, new float[]{0.1f, Float.NaN, 0.2f}, 0.5);
        assertTrue(u.skipped());
        assertArrayEquals(new float[]{1f, 2f, 3f}, params);
        Optimizer.Update v = opt.step(params, new float[]{0.1f, 0.1f, 0.1f}, Double.POSITIVE_INFINITY);
        assertTrue(v.skipped());
        assertEquals(2, opt.skippedSteps());
        Optimizer.Update w = opt.step(params, new float[]{0.1f, 0.1f, 0.1f}, 0.5);
        assertFalse(w.skipped());
        assertTrue(params[0] < 1f, "a finite step moves the parameters");
    }

    @Test
    void shouldTakeAdamsFirstStepOfSizeLearningRate() {
        Adam adam = new Adam(2, 0.01);
        float[] p = {0f, 0f};
        adam.apply(p, new float[]{0.5f, -2f});
        assertArrayEquals(new float[]{-0.01f, 0.01f}, p, 1e-6f);
    }
}
