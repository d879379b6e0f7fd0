package io.seqstream.train;

/**
 * Limited-memory BFGS for smooth convex objectives (the n-gram bag's regularised logistic regression): the two-loop
 * recursion over the last {@code memory} steps and a backtracking line search on the Armijo condition. Deterministic:
 * the same objective and start give the same bits.
 */
public final class Lbfgs {

    /** A function and its gradient. */
    @FunctionalInterface
    public interface Objective {
        /** Returns f(x) and writes its gradient into grad. */
        double evaluate(double[] x, double[] grad);
    }

    /** @param iterations iterations done; converged when the relative change of f fell under the tolerance */
    public record Result(double[] x, double value, int iterations, boolean converged) {
    }

    private final int memory;
    private final int maxIterations;
    private final double tolerance;

    public Lbfgs(int memory, int maxIterations, double tolerance) {
        if (memory < 1 || maxIterations < 1 || !(tolerance > 0)) throw new IllegalArgumentException("bad L-BFGS settings");
        this.memory = memory;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    public Result minimize(Objective f, double[] start) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        double fx = f.evaluate(x, g);
        double[][] s = new double[memory][n];
        double[][] y = new double[memory][n];
        double[] rho = new double[memory];
        double[] alpha = new double[memory];
        double[] d = new double[n];
        double[] xNew = new double[n];
        double[] gNew = new double[n];
        int stored = 0;
        int newest = -1;
        for (int it = 1; it <= maxIterations; it++) {
            // d = -H g by the two-loop recursion (H = the initial scaling when nothing is stored yet).
            for (int i = 0; i < n; i++) d[i] = -g[i];
            for (int k = 0; k < stored; k++) {
                int j = Math.floorMod(newest - k, memory);
                alpha[j] = rho[j] * dot(s[j], d);
                axpy(-alpha[j], y[j], d);
            }
            double gamma = stored == 0 ? 1.0 / gradientNorm(g) : dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
            for (int i = 0; i < n; i++) d[i] *= gamma;
            for (int k = stored - 1; k >= 0; k--) {
                int j = Math.floorMod(newest - k, memory);
                double beta = rho[j] * dot(y[j], d);
                axpy(alpha[j] - beta, s[j], d);
            }
            double slope = dot(g, d);
            if (!(slope < 0)) { // not a descent direction: restart from the gradient
                stored = 0;
                double norm = gradientNorm(g); // once, not per element: n is a million buckets
                for (int i = 0; i < n; i++) d[i] = -g[i] / norm;
                slope = dot(g, d);
            }
            double step = 1;
            double fNew = Double.NaN;
            for (int tries = 0; tries < 40; tries++) {
                for (int i = 0; i < n; i++) xNew[i] = x[i] + step * d[i];
                fNew = f.evaluate(xNew, gNew);
                if (fNew <= fx + 1e-4 * step * slope) break;
                step *= 0.5;
            }
            if (!(fNew <= fx)) return new Result(x, fx, it, false);
            newest = (newest + 1) % memory;
            for (int i = 0; i < n; i++) {
                s[newest][i] = xNew[i] - x[i];
                y[newest][i] = gNew[i] - g[i];
            }
            double sy = dot(s[newest], y[newest]);
            boolean done = Math.abs(fx - fNew) <= tolerance * Math.max(1e-12, Math.abs(fx));
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            if (sy > 1e-20) {
                rho[newest] = 1 / sy;
                stored = Math.min(stored + 1, memory);
            } else {
                stored = 0; // no curvature seen along this step: forget the history rather than divide by ~0
            }
            if (done) return new Result(x, fx, it, true);
        }
        return new Result(x, fx, maxIterations, false);
    }

    private static double gradientNorm(double[] g) {
        return Math.max(1e-12, Math.sqrt(dot(g, g)));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) y[i] += a * x[i];
    }
}
