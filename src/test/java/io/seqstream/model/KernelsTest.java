package io.seqstream.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vector gemm must give the plain loops' bits exactly (same multiply-then-add per k, same k order), for every row
 * count and for column counts that leave partial vectors, with and without room after B for the partial block's
 * over-read: replay after a restart may run either path.
 */
class KernelsTest {
    @Test
    void shouldGiveTheScalarLoopsBitsForEveryShape() {
        Random rng = new Random(7);
        int[] ms = {1, 2, 3, 4, 5, 7, 8, 17, 64};
        int[] ks = {1, 3, 27, 64, 128};
        int[] ns = {1, 5, 15, 16, 17, 27, 64, 100, 192, 256, 384, 512};
        for (int m : ms) {
            for (int kd : ks) {
                for (int n : ns) {
                    for (int pad : new int[]{0, 40}) {
                        float[] a = random(rng, 3 + m * kd);
                        float[] b = random(rng, 5 + kd * n + pad);
                        float[] c0 = random(rng, 2 + m * n);
                        float[] expected = c0.clone();
                        Kernels.mulAddScalar(a, 3, m, kd, b, 5, n, expected, 2);
                        float[] actual = c0.clone();
                        Kernels.mulAdd(a, 3, m, kd, b, 5, n, actual, 2);
                        assertArrayEquals(expected, actual, "m=" + m + " k=" + kd + " n=" + n + " pad=" + pad);
                    }
                }
            }
        }
    }

    @Test
    void shouldAccumulateWeightGradientsInRowOrder() {
        Random rng = new Random(11);
        for (int m : new int[]{1, 3, 50}) {
            for (int kd : new int[]{1, 5, 64}) {
                for (int n : new int[]{3, 16, 27, 192}) {
                    for (int pad : new int[]{0, 40}) {
                        float[] a = random(rng, 2 + m * kd);
                        float[] d = random(rng, 1 + m * n + pad);
                        float[] g0 = random(rng, 4 + kd * n);
                        float[] expected = g0.clone();
                        for (int i = 0; i < m; i++) {
                            for (int k = 0; k < kd; k++) {
                                for (int j = 0; j < n; j++) expected[4 + k * n + j] += a[2 + i * kd + k] * d[1 + i * n + j];
                            }
                        }
                        float[] actual = g0.clone();
                        Kernels.mulAddTransposedLeft(a, 2, m, kd, d, 1, n, actual, 4);
                        assertArrayEquals(expected, actual, "m=" + m + " k=" + kd + " n=" + n + " pad=" + pad);
                    }
                }
            }
        }
    }

    @Test
    void shouldNotDependOnTheNumberOfRows() {
        Random rng = new Random(3);
        int kd = 64;
        int n = 27;
        float[] a = random(rng, 9 * kd);
        float[] b = random(rng, kd * n + 27);
        float[] all = new float[9 * n];
        Kernels.mulAdd(a, 0, 9, kd, b, 0, n, all, 0);
        for (int i = 0; i < 9; i++) {
            float[] one = new float[n];
            Kernels.mulAdd(a, i * kd, 1, kd, b, 0, n, one, 0);
            for (int j = 0; j < n; j++) assertEquals(Float.floatToRawIntBits(all[i * n + j]), Float.floatToRawIntBits(one[j]));
        }
    }

    @Test
    void shouldComputeTheSameExpInVectorsAsInScalars() {
        assumeTrue(Kernels.VECTOR, "needs --add-modules jdk.incubator.vector (the suite's default surefire execution has it)");
        Random rng = new Random(5);
        int n = 4096;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) ((rng.nextDouble() * 2 - 1) * Math.pow(10, rng.nextInt(5) - 2));
        x[0] = 0f;
        x[1] = -0f;
        x[2] = 1000f;
        x[3] = -1000f;
        x[4] = Float.NaN;
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        float[] y = new float[n];
        for (int i = 0; i + lanes <= n; i += lanes) {
            VectorKernels.exp(jdk.incubator.vector.FloatVector.fromArray(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED, x, i)).intoArray(y, i);
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToIntBits(Kernels.exp(x[i])), Float.floatToIntBits(y[i]), "exp(" + x[i] + ")");
            if (Math.abs(x[i]) < 80) assertEquals(Math.exp(x[i]), y[i], Math.exp(x[i]) * 2.5e-7, "exp(" + x[i] + ")");
        }
    }

    @Test
    void shouldStepGruAndLstmRowsInVectorsAsInScalars() {
        assumeTrue(Kernels.VECTOR, "needs --add-modules jdk.incubator.vector (the suite's default surefire execution has it)");
        Random rng = new Random(9);
        int h = 40;
        float[] act = random(rng, 4 * h);
        float[] hh = random(rng, 3 * h);
        float[] prev = random(rng, h);
        float[] gru = act.clone();
        float[] hOut = new float[h];
        int done = VectorKernels.gruRow(h, gru, 0, hh, 0, prev, 0, hOut, 0);
        for (int j = 0; j < done; j++) {
            float z = Kernels.sigmoid(act[j] + hh[j]);
            float rg = Kernels.sigmoid(act[h + j] + hh[h + j]);
            float n = Kernels.tanh(act[2 * h + j] + rg * hh[2 * h + j]);
            assertEquals(Float.floatToIntBits((1f - z) * n + z * prev[j]), Float.floatToIntBits(hOut[j]));
            assertEquals(Float.floatToIntBits(n), Float.floatToIntBits(gru[2 * h + j]));
        }
        float[] lstm = act.clone();
        float[] cOut = new float[h];
        done = VectorKernels.lstmRow(h, lstm, 0, prev, 0, hOut, 0, cOut, 0);
        for (int j = 0; j < done; j++) {
            float c = Kernels.sigmoid(act[h + j]) * prev[j] + Kernels.sigmoid(act[j]) * Kernels.tanh(act[2 * h + j]);
            assertEquals(Float.floatToIntBits(c), Float.floatToIntBits(cOut[j]));
            assertEquals(Float.floatToIntBits(Kernels.sigmoid(act[3 * h + j]) * Kernels.tanh(c)), Float.floatToIntBits(hOut[j]));
        }
    }

    private static float[] random(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 2 - 1;
        return v;
    }
}
