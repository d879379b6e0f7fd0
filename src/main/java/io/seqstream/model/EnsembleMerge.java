package io.seqstream.model;

import java.util.List;

/**
 * Folds K one-layer embedding models of the same shape into one model whose softmax reads the mean of their logits:
 * embeddings side by side, input and recurrent weights block-diagonal per gate, head rows divided by K. The result
 * is an ordinary model of hidden K*H and embedding K*d, so the batched step serves it as it is.
 */
public final class EnsembleMerge {
    private EnsembleMerge() {
    }

    public static Parameters merge(List<Parameters> members) {
        if (members.isEmpty()) throw new IllegalArgumentException("nothing to merge");
        ModelSpec one = members.get(0).spec();
        if (one.layers() != 1 || one.input() != InputKind.EMBEDDING || one.params() != 0) {
            throw new IllegalArgumentException("only one-layer embedding models without a stream parameter merge, not " + one);
        }
        if (one.ngrams() != null) throw new IllegalArgumentException("models with an n-gram bag do not merge yet");
        for (Parameters p : members) {
            if (!p.spec().equals(one)) throw new IllegalArgumentException("members differ: " + one + " and " + p.spec());
        }
        int k = members.size();
        int h = one.hidden();
        int d = one.embed();
        int g = one.cell().gates();
        int c = one.classes();
        ModelSpec spec = new ModelSpec(one.cell(), 1, k * h, one.vocab(), 0, InputKind.EMBEDDING, k * d, c, one.readout());
        Parameters out = Parameters.zeros(spec);
        ParameterLayout to = out.layout();
        float[] w = out.values();
        for (int m = 0; m < k; m++) {
            ParameterLayout from = members.get(m).layout();
            float[] v = members.get(m).values();
            for (int gate = 0; gate < g; gate++) {
                int src = gate * h;
                int dst = gate * k * h + m * h;
                for (int a = 0; a < d; a++) {
                    System.arraycopy(v, from.wx(0) + a * g * h + src, w, to.wx(0) + (m * d + a) * g * k * h + dst, h);
                }
                for (int i = 0; i < h; i++) {
                    System.arraycopy(v, from.wh(0) + i * g * h + src, w, to.wh(0) + (m * h + i) * g * k * h + dst, h);
                }
                System.arraycopy(v, from.bias(0) + src, w, to.bias(0) + dst, h);
            }
            for (int t = 0; t < one.vocab(); t++) {
                System.arraycopy(v, from.embedding() + t * d, w, to.embedding() + t * k * d + m * d, d);
            }
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < c; j++) w[to.wy() + (m * h + i) * c + j] = v[from.wy() + i * c + j] / k;
            }
            for (int j = 0; j < c; j++) w[to.by() + j] += v[from.by() + j] / k;
        }
        return out;
    }
}
