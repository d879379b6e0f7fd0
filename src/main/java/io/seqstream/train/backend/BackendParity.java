package io.seqstream.train.backend;

import io.seqstream.model.ModelSpec;
import io.seqstream.model.Network;
import io.seqstream.model.ParameterLayout;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Compares a backend's loss, gradient and carried state with the kernels' on the same parameters and padded batch.
 * A gradient's difference is taken per tensor (each layer's Wx, Wh and b, the embedding, Wy, by): the largest
 * absolute difference over the largest magnitude of the kernels' tensor, so a tensor whose gradient is tiny
 * everywhere is not judged on rounding noise. Used by the parity test, {@code bench backends} and gpu-check.sh.
 */
public final class BackendParity {
    private BackendParity() {
    }

    /**
     * @param lossRelativeDifference     |loss - kernels' loss| / kernels' loss
     * @param gradientRelativeDifference the largest per-tensor relative difference of the gradient
     * @param worstTensor                the tensor it was found in
     * @param stateRelativeDifference    the same measure on the state carried out of the batch (truncated BPTT)
     */
    public record Result(double lossRelativeDifference, double gradientRelativeDifference, String worstTensor,
                         double stateRelativeDifference) {
        public double worst() {
            return Math.max(lossRelativeDifference, Math.max(gradientRelativeDifference, stateRelativeDifference));
        }
    }

    /** Kernels against candidate on a seeded batch of batchSize sequences up to maxLength steps, with a carried state. */
    public static Result check(TrainingBackend candidate, ModelSpec spec, int batchSize, int maxLength, long seed) {
        Random rng = new Random(seed);
        Parameters p = Parameters.xavier(spec, seed);
        // The initialisation training starts from, with every bias and weight moved off it. Larger weights would put a
        // long RNN in its chaotic regime, where any other order of float additions (a GPU's) grows without bound.
        float[] v = p.values();
        for (int i = 0; i < v.length; i++) v[i] = v[i] + (float) (rng.nextGaussian() * 0.05);
        SequenceBatch batch = batch(spec, batchSize, maxLength, rng);
        float[] state = new float[batchSize * spec.stateWidth()];
        for (int i = 0; i < state.length; i++) state[i] = (float) (rng.nextGaussian() * 0.3);
        float[] stateRef = state.clone();
        float[] gradRef = new float[v.length];
        float[] grad = new float[v.length];
        Network.Loss ref;
        try (KernelsBackend kernels = new KernelsBackend(spec)) {
            ref = kernels.lossAndGradient(p, batch, stateRef, gradRef);
        }
        Network.Loss got = candidate.lossAndGradient(p, batch, state, grad);
        double lossDiff = Math.abs(got.value() - ref.value()) / Math.max(1e-12, Math.abs(ref.value()));
        if (got.scored() != ref.scored() || got.correct() != ref.correct()) lossDiff = Double.POSITIVE_INFINITY;
        double worst = 0;
        String worstName = "";
        for (Map.Entry<String, int[]> e : tensors(new ParameterLayout(spec)).entrySet()) {
            double d = relativeDifference(grad, gradRef, e.getValue()[0], e.getValue()[1]);
            if (!(d <= worst)) {
                worst = d;
                worstName = e.getKey();
            }
        }
        double stateDiff = relativeDifference(state, stateRef, 0, state.length);
        return new Result(lossDiff, worst, worstName, stateDiff);
    }

    /** max |a - ref| / max |ref| over [from, to); NaN anywhere gives NaN. */
    static double relativeDifference(float[] a, float[] ref, int from, int to) {
        double diff = 0;
        double scale = 0;
        for (int i = from; i < to; i++) {
            double d = Math.abs((double) a[i] - ref[i]);
            if (Double.isNaN(d)) return Double.NaN;
            diff = Math.max(diff, d);
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return scale == 0 ? diff : diff / scale;
    }

    /** Name to [from, to) of every tensor in the flat vector. */
    static Map<String, int[]> tensors(ParameterLayout l) {
        ModelSpec s = l.spec();
        int gh = s.cell().gates() * s.hidden();
        Map<String, int[]> out = new LinkedHashMap<>();
        for (int layer = 0; layer < s.layers(); layer++) {
            out.put("Wx" + layer, new int[] {l.wx(layer), l.wx(layer) + l.inputs(layer) * gh});
            out.put("Wh" + layer, new int[] {l.wh(layer), l.wh(layer) + s.hidden() * gh});
            out.put("b" + layer, new int[] {l.bias(layer), l.bias(layer) + gh});
        }
        if (l.embedding() >= 0) out.put("E", new int[] {l.embedding(), l.embedding() + s.vocab() * s.embed()});
        out.put("Wy", new int[] {l.wy(), l.wy() + s.hidden() * s.classes()});
        out.put("by", new int[] {l.by(), l.by() + s.classes()});
        return out;
    }

    /**
     * Sequences of lengths from 1 to maxLength (the first is full length): per-step targets with some steps unscored,
     * one sequence scored at its last step only, padding after each end, a stream parameter when the model has one.
     */
    static SequenceBatch batch(ModelSpec spec, int size, int maxLength, Random rng) {
        List<SequenceBatch.Example> examples = new ArrayList<>();
        for (int e = 0; e < size; e++) {
            int len = e == 0 ? maxLength : 1 + rng.nextInt(maxLength);
            int[] in = new int[len];
            int[] tg = new int[len];
            for (int s = 0; s < len; s++) {
                in[s] = rng.nextInt(spec.vocab());
                tg[s] = rng.nextInt(5) == 0 ? -1 : rng.nextInt(spec.classes());
            }
            if (e == 1) {
                java.util.Arrays.fill(tg, -1);
                tg[len - 1] = rng.nextInt(spec.classes());
            }
            examples.add(new SequenceBatch.Example(in, tg, spec.params() > 0 ? rng.nextInt(spec.params()) : -1));
        }
        return SequenceBatch.of(examples);
    }
}
