package io.seqstream.model;

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

    private static float[] random(Random rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextFloat() * 2 - 1;
        return v;
    }
}
