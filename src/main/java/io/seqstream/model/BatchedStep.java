package io.seqstream.model;

/**
 * Advances K streams by one token each in one pass: gather their state rows from the state matrix,
 * run every layer for all K rows at once, scatter the new states back, and write K output distributions.
 * Buffers are allocated once and grown on demand, so a steady stream of waves allocates nothing.
 * Not thread-safe: one per processing thread.
 */
public final class BatchedStep {
    private final ModelSpec spec;
    private final ParameterLayout layout;
    private final int h;
    private final int gh;
    private int capacity;
    private float[] act;
    private float[] hh;
    private float[] emb;
    private float[][] hIn;
    private float[][] cIn;
    private float[][] hOut;
    private float[][] cOut;
    private float[] meanIn;
    private float[] meanOut;
    private float[] bagOut;

    public BatchedStep(ModelSpec spec, int initialCapacity) {
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.h = spec.hidden();
        this.gh = spec.cell().gates() * h;
        this.hIn = new float[spec.layers()][];
        this.cIn = new float[spec.layers()][];
        this.hOut = new float[spec.layers()][];
        this.cOut = new float[spec.layers()][];
        ensureCapacity(Math.max(1, initialCapacity));
    }

    public ModelSpec spec() { return spec; }

    private void ensureCapacity(int k) {
        if (k <= capacity) return;
        int n = Math.max(k, capacity * 2);
        act = new float[n * gh];
        hh = new float[n * gh];
        emb = new float[n * Math.max(1, spec.embed())];
        for (int l = 0; l < spec.layers(); l++) {
            hIn[l] = new float[n * h];
            hOut[l] = new float[n * h];
            cIn[l] = new float[n * h];
            cOut[l] = new float[n * h];
        }
        boolean mean = spec.readout() == Readout.MEAN;
        meanIn = new float[mean ? n * h : 0];
        meanOut = new float[mean ? n * h : 0];
        bagOut = new float[spec.ngrams() == null ? 0 : n * spec.ngrams().stateWidth(spec.classes())];
        capacity = n;
    }

    /**
     * Steps k streams.
     *
     * @param params  the parameter vector to use (a server's private copy)
     * @param tokens  [k] input token ids
     * @param streamParams [k] per-stream parameter categories, or null when the model takes none
     * @param states  the state matrix, rows of {@link ModelSpec#stateWidth()} floats: per layer h, then c (LSTM); then the
     *                mean readout's running mean and count; then the n-gram bag's sums and previous ids
     * @param rows    [k] row of each stream in the state matrix (distinct)
     * @param probs   out: [k, classes] output distribution per stream
     */
    public void step(Parameters params, int k, int[] tokens, int[] streamParams, float[] states, int[] rows, float[] probs) {
        if (params.spec() != spec && !params.spec().equals(spec)) {
            throw new IllegalArgumentException("parameters are for " + params.spec() + ", stepper for " + spec);
        }
        ensureCapacity(k);
        float[] w = params.values();
        int width = spec.stateWidth();
        boolean carriesCell = spec.cell().carriesCell();
        int perLayer = spec.cell().stateVectors() * h;
        for (int i = 0; i < k; i++) {
            int base = rows[i] * width;
            for (int l = 0; l < spec.layers(); l++) {
                int o = base + l * perLayer;
                System.arraycopy(states, o, hIn[l], i * h, h);
                if (carriesCell) System.arraycopy(states, o + h, cIn[l], i * h, h);
            }
        }
        for (int l = 0; l < spec.layers(); l++) {
            if (l == 0) {
                Projections.firstLayer(layout, w, k, tokens, streamParams, emb, 0, act, 0);
            } else {
                Projections.upperLayer(layout, w, l, k, hOut[l - 1], 0, act, 0);
            }
            CellMath.forward(spec.cell(), k, h, w, layout.wh(l), act, 0, hh, 0,
                    hIn[l], 0, cIn[l], 0, hOut[l], 0, cOut[l], 0);
        }
        boolean mean = spec.readout() == Readout.MEAN;
        int meanAt = spec.recurrentStateWidth();
        if (mean) {
            for (int i = 0; i < k; i++) {
                int o = rows[i] * width + meanAt;
                System.arraycopy(states, o, meanIn, i * h, h);
                RunningMean.update(meanIn, i * h, hOut[spec.layers() - 1], i * h, h, states[o + h] + 1f, meanOut, i * h);
            }
        }
        NgramBag bag = spec.ngrams();
        int bagAt = spec.ngramStateOffset();
        int bagWidth = bag == null ? 0 : bag.stateWidth(spec.classes());
        if (bag != null) {
            for (int i = 0; i < k; i++) {
                bag.advance(w, layout.ngrams(), spec.classes(), states, rows[i] * width + bagAt, tokens[i], bagOut, i * bagWidth, null, 0);
            }
        }
        Projections.head(layout, w, k, mean ? meanOut : hOut[spec.layers() - 1], 0, bag == null ? null : bagOut, 0, bagWidth, probs, 0);
        for (int i = 0; i < k; i++) {
            int base = rows[i] * width;
            for (int l = 0; l < spec.layers(); l++) {
                int o = base + l * perLayer;
                System.arraycopy(hOut[l], i * h, states, o, h);
                if (carriesCell) System.arraycopy(cOut[l], i * h, states, o + h, h);
            }
            if (mean) {
                System.arraycopy(meanOut, i * h, states, base + meanAt, h);
                states[base + meanAt + h] += 1f;
            }
            if (bag != null) System.arraycopy(bagOut, i * bagWidth, states, base + bagAt, bagWidth);
        }
    }
}
