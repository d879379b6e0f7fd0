package io.seqstream.bench;

import io.seqstream.model.Kernels;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Why the step runs on the project's own kernels rather than ND4J: the exactly-once contract replays a poll after
 * a crash, and the replay groups streams into different waves. This probe multiplies the same first row by the
 * same weights inside products of M rows (a wave of M streams) and counts the elements of that row whose bits
 * differ from M = 1, once with ND4J's gemm (OpenBLAS) and once with {@link Kernels#mulAdd}.
 */
public final class DeterminismBench {
    private static final int[] ROWS = {1, 2, 4, 8, 16, 64, 256, 2048};

    private DeterminismBench() {
    }

    /** Row 0 of an [M, H] x [H, 3H] product compared with M = 1, for one library and one M. */
    public record Result(String library, int hidden, int rows, int differing, int elements, double maxAbsDifference) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("library", library);
            m.put("hidden", hidden);
            m.put("rows", rows);
            m.put("differingElements", differing);
            m.put("elements", elements);
            m.put("maxAbsDifference", maxAbsDifference);
            return m;
        }
    }

    public static java.util.List<Result> run(int hidden) {
        int n = 3 * hidden;
        Random rng = new Random(1);
        float[] w = new float[hidden * n];
        for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian() * 0.1f;
        int maxRows = ROWS[ROWS.length - 1];
        float[] x = new float[maxRows * hidden];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.tanh(rng.nextGaussian());
        INDArray weights = Nd4j.create(w, new long[]{hidden, n}, 'c');
        java.util.List<Result> out = new java.util.ArrayList<>();
        float[] nd4jRef = null;
        float[] kernelRef = null;
        for (int m : ROWS) {
            float[] rows = java.util.Arrays.copyOf(x, m * hidden);
            float[] nd4j = Nd4j.create(rows, new long[]{m, hidden}, 'c').mmul(weights).getRow(0).toFloatVector();
            float[] product = new float[m * n];
            Kernels.mulAdd(rows, 0, m, hidden, w, 0, n, product, 0);
            float[] kernel = java.util.Arrays.copyOf(product, n);
            if (nd4jRef == null) {
                nd4jRef = nd4j;
                kernelRef = kernel;
            }
            out.add(compare("nd4j", hidden, m, nd4jRef, nd4j));
            out.add(compare("kernels", hidden, m, kernelRef, kernel));
        }
        return out;
    }

    private static Result compare(String library, int hidden, int rows, float[] ref, float[] got) {
        int differing = 0;
        double max = 0;
        for (int j = 0; j < ref.length; j++) {
            if (Float.floatToIntBits(ref[j]) != Float.floatToIntBits(got[j])) {
                differing++;
                max = Math.max(max, Math.abs(ref[j] - got[j]));
            }
        }
        return new Result(library, hidden, rows, differing, ref.length, max);
    }
}
