package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LbfgsTest {

    @Test
    void shouldFindTheMinimumOfAnIllConditionedQuadratic() {
        // f(x) = sum_i c_i (x_i - i)^2 with curvatures over three orders of magnitude
        int n = 20;
        Lbfgs.Objective f = (x, g) -> {
            double v = 0;
            for (int i = 0; i < n; i++) {
                double c = Math.pow(10, 3.0 * i / (n - 1));
                v += c * (x[i] - i) * (x[i] - i);
                g[i] = 2 * c * (x[i] - i);
            }
            return v;
        };
        Lbfgs.Result r = new Lbfgs(6, 500, 1e-14).minimize(f, new double[n]);
        for (int i = 0; i < n; i++) assertEquals(i, r.x()[i], 1e-3, "x[" + i + "]");
        assertTrue(r.value() < 1e-6, "value " + r.value());
    }

    @Test
    void shouldFitTheRosenbrockValley() {
        Lbfgs.Objective f = (x, g) -> {
            double a = 1 - x[0];
            double b = x[1] - x[0] * x[0];
            g[0] = -2 * a - 400 * x[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        };
        Lbfgs.Result r = new Lbfgs(5, 2000, 1e-15).minimize(f, new double[] {-1.2, 1});
        assertEquals(1, r.x()[0], 1e-3);
        assertEquals(1, r.x()[1], 1e-3);
    }
}
