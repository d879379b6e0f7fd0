package io.seqstream.model;

/**
 * Where each tensor lives inside one flat float vector of parameters.
 * One flat vector makes global-norm clipping, Adam, snapshots and hot swap single array operations.
 * Per layer l: Wx[l] [nIn(l), G*H], Wh[l] [H, G*H], b[l] [G*H]; then the embedding E [vocab, embed]
 * when the input is an embedding; then the head Wy [H, classes] and by [classes]; then the n-gram bag's table
 * [buckets, classes - 1] when the model has one. All row-major.
 */
public final class ParameterLayout {
    private final ModelSpec spec;
    private final int[] wx;
    private final int[] wh;
    private final int[] b;
    private final int[] nIn;
    private final int embedding;
    private final int wy;
    private final int by;
    private final int ngrams;
    private final int size;

    public ParameterLayout(ModelSpec spec) {
        this.spec = spec;
        int layers = spec.layers();
        int gh = spec.cell().gates() * spec.hidden();
        wx = new int[layers];
        wh = new int[layers];
        b = new int[layers];
        nIn = new int[layers];
        int off = 0;
        for (int l = 0; l < layers; l++) {
            nIn[l] = l == 0 ? spec.firstLayerInputs() : spec.hidden();
            wx[l] = off;
            off += nIn[l] * gh;
            wh[l] = off;
            off += spec.hidden() * gh;
            b[l] = off;
            off += gh;
        }
        if (spec.input() == InputKind.EMBEDDING) {
            embedding = off;
            off += spec.vocab() * spec.embed();
        } else {
            embedding = -1;
        }
        wy = off;
        off += spec.hidden() * spec.classes();
        by = off;
        off += spec.classes();
        if (spec.ngrams() != null) {
            long end = off + spec.ngrams().parameterCount(spec.classes());
            if (end > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("model spec: n-gram table too large");
            ngrams = off;
            off = (int) end;
        } else {
            ngrams = -1;
        }
        size = off;
    }

    public ModelSpec spec() { return spec; }

    /** Total number of parameters. */
    public int size() { return size; }

    public int wx(int layer) { return wx[layer]; }

    public int wh(int layer) { return wh[layer]; }

    public int bias(int layer) { return b[layer]; }

    /** Rows of Wx for this layer. */
    public int inputs(int layer) { return nIn[layer]; }

    /** Offset of the embedding table, or -1 for one-hot input. */
    public int embedding() { return embedding; }

    public int wy() { return wy; }

    public int by() { return by; }

    /** Offset of the n-gram bag's table, or -1 when the model has no bag. */
    public int ngrams() { return ngrams; }
}
