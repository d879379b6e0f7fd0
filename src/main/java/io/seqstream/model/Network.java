package io.seqstream.model;

import java.util.Arrays;

/**
 * Full-sequence forward pass and back-propagation through time for a {@link ModelSpec}, over padded
 * minibatches. It uses the same {@link CellMath} and {@link Projections} as {@link BatchedStep}, so a
 * sequence stepped token by token in the processor reproduces this pass. Holds reusable workspaces:
 * one instance per training thread.
 */
public final class Network {
    private final ModelSpec spec;
    private final ParameterLayout layout;
    private final int h;
    private final int gh;
    private final int classes;
    private final int layers;
    private final boolean carriesCell;
    private final boolean mean;

    private int capB;
    /** Rows of (step, sequence) the step-indexed buffers hold: the largest (t + 1) * b so far. */
    private int capRows;
    private float[][] hs;
    private float[][] cs;
    private float[][] acts;
    private float[][] hhs;
    private float[] emb;
    private float[] probs;
    private int[] tok;
    private int[] stepTok;
    private float[] dAbove;
    private float[] dBelow;
    private float[] da;
    private float[] dhh;
    private float[] dhNext;
    private float[] dcNext;
    private float[] dhTot;
    private float[] dhPrev;
    private float[] dcPrev;
    private float[] dEmb;
    /** Mean readout: running means [T+1, B, H] (row 0 = the carried-in mean) and the carried-in counts [B]. */
    private float[] ms;
    private float[] count0;
    private float[] dMean;
    /** N-gram bag: its state parts [T+1, B, width] (row 0 = carried in) and the buckets each step added [T, B, order]. */
    private final NgramBag bag;
    private final int bagWidth;
    private float[] bagStates;
    private int[] bagFeatures;
    /** Backward scratch: the running suffix sum of d(loss)/d(logits) [classes]. */
    private final float[] bagSuffix;
    private final float[][] whT;
    private final float[][] wxT;
    private final float[] wyT;

    private int lastB;
    private int lastT;

    public Network(ModelSpec spec) {
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.h = spec.hidden();
        this.gh = spec.cell().gates() * h;
        this.classes = spec.classes();
        this.layers = spec.layers();
        this.carriesCell = spec.cell().carriesCell();
        this.mean = spec.readout() == Readout.MEAN;
        this.bag = spec.ngrams();
        this.bagWidth = bag == null ? 0 : bag.stateWidth(classes);
        this.bagSuffix = new float[classes];
        this.hs = new float[layers][];
        this.cs = new float[layers][];
        this.acts = new float[layers][];
        this.hhs = new float[layers][];
        this.whT = new float[layers][gh * h];
        this.wxT = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int rows = l == 0 ? (spec.input() == InputKind.EMBEDDING ? spec.embed() : 0) : h;
            wxT[l] = new float[gh * rows];
        }
        this.wyT = new float[classes * h];
    }

    public ModelSpec spec() { return spec; }

    public ParameterLayout layout() { return layout; }

    private void ensure(int b, int t) {
        // Buffers indexed by step and sequence take (t + 1) * b rows at the batch's own stride: what they need is the
        // largest such product seen, not the largest batch times the longest sequence (a check set of 100 short
        // sequences after a window of 10 long ones would otherwise ask for 100 long ones).
        long need = (long) (t + 1) * b;
        if (b <= capB && need <= capRows) return;
        int nb = Math.max(b, capB);
        long rowsLong = Math.max(need, capRows);
        if (rowsLong * Math.max(gh, classes) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch of " + b + " sequences of " + t + " steps is too large for one pass");
        }
        int rows = (int) rowsLong;
        for (int l = 0; l < layers; l++) {
            hs[l] = new float[rows * h];
            cs[l] = carriesCell ? new float[rows * h] : new float[0];
            acts[l] = new float[rows * gh];
            hhs[l] = new float[spec.cell().separateRecurrentProduct() ? rows * gh : 0];
        }
        emb = new float[spec.input() == InputKind.EMBEDDING ? rows * spec.embed() : 0];
        probs = new float[rows * classes];
        tok = new int[rows];
        stepTok = new int[nb];
        dAbove = new float[rows * h];
        dBelow = new float[rows * h];
        da = new float[nb * gh];
        dhh = new float[nb * gh];
        dhNext = new float[nb * h];
        dcNext = new float[nb * h];
        dhTot = new float[nb * h];
        dhPrev = new float[nb * h];
        dcPrev = new float[nb * h];
        dEmb = new float[nb * Math.max(1, spec.embed())];
        ms = new float[mean ? rows * h : 0];
        count0 = new float[mean ? nb : 0];
        dMean = new float[mean ? nb * h : 0];
        bagStates = new float[bag == null ? 0 : rows * bagWidth];
        bagFeatures = new int[bag == null ? 0 : rows * bag.order()];
        capB = nb;
        capRows = rows;
    }

    /**
     * Runs the batch forward, keeping what back-propagation needs.
     *
     * @param state [B, stateWidth] initial states (null = zeros); when not null it is overwritten with each
     *              sequence's state after its last true step, for truncated BPTT across windows
     */
    public void forward(Parameters p, SequenceBatch batch, float[] state) {
        int b = batch.size();
        int t = batch.maxLength();
        ensure(b, t);
        lastB = b;
        lastT = t;
        float[] w = p.values();
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < b; i++) tok[s * b + i] = batch.inputs[i][s];
        }
        int width = spec.stateWidth();
        int perLayer = spec.cell().stateVectors() * h;
        for (int l = 0; l < layers; l++) {
            float[] hl = hs[l];
            float[] cl = cs[l];
            if (state == null) {
                Arrays.fill(hl, 0, b * h, 0f);
                if (carriesCell) Arrays.fill(cl, 0, b * h, 0f);
            } else {
                for (int i = 0; i < b; i++) {
                    System.arraycopy(state, i * width + l * perLayer, hl, i * h, h);
                    if (carriesCell) System.arraycopy(state, i * width + l * perLayer + h, cl, i * h, h);
                }
            }
            if (l > 0) {
                Projections.upperLayer(layout, w, l, t * b, hs[l - 1], b * h, acts[l], 0);
            }
            for (int s = 0; s < t; s++) {
                if (l == 0) {
                    System.arraycopy(tok, s * b, stepTok, 0, b);
                    Projections.firstLayer(layout, w, b, stepTok, batch.params, emb, s * b * spec.embed(),
                            acts[0], s * b * gh);
                }
                CellMath.forward(spec.cell(), b, h, w, layout.wh(l), acts[l], s * b * gh,
                        hhs[l], spec.cell().separateRecurrentProduct() ? s * b * gh : 0,
                        hl, s * b * h, cl, s * b * h, hl, (s + 1) * b * h, cl, (s + 1) * b * h);
            }
            if (state != null) {
                for (int i = 0; i < b; i++) {
                    int end = Math.min(batch.lengths[i], t);
                    System.arraycopy(hl, (end * b + i) * h, state, i * width + l * perLayer, h);
                    if (carriesCell) System.arraycopy(cl, (end * b + i) * h, state, i * width + l * perLayer + h, h);
                }
            }
        }
        if (mean) runningMeans(batch, state, b, t);
        if (bag != null) bagForward(w, batch, state, b, t);
        Projections.head(layout, w, t * b, mean ? ms : hs[layers - 1], b * h,
                bag == null ? null : bagStates, b * bagWidth, bagWidth, probs, 0);
    }

    /** N-gram bag: bagStates[s + 1] = the bag's part after step s, starting from the carried-in part. */
    private void bagForward(float[] w, SequenceBatch batch, float[] state, int b, int t) {
        int width = spec.stateWidth();
        int off = spec.ngramStateOffset();
        for (int i = 0; i < b; i++) {
            if (state == null) Arrays.fill(bagStates, i * bagWidth, (i + 1) * bagWidth, 0f);
            else System.arraycopy(state, i * width + off, bagStates, i * bagWidth, bagWidth);
        }
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < b; i++) {
                int row = s * b + i;
                bag.advance(w, layout.ngrams(), classes, bagStates, row * bagWidth, tok[row], bagStates, (row + b) * bagWidth,
                        bagFeatures, row * bag.order());
            }
        }
        if (state != null) {
            for (int i = 0; i < b; i++) {
                int end = Math.min(batch.lengths[i], t);
                System.arraycopy(bagStates, (end * b + i) * bagWidth, state, i * width + off, bagWidth);
            }
        }
    }

    /**
     * N-gram bag: a bucket added at step s moves every later logit of classes 1..C-1, so its gradient is the sum of
     * d(loss)/d(logits) over steps s..T-1 of its sequence.
     */
    private void bagBackward(float[] grad, int b, int t) {
        float[] suffix = bagSuffix;
        int order = bag.order();
        int table = layout.ngrams();
        for (int i = 0; i < b; i++) {
            Arrays.fill(suffix, 0f);
            for (int s = t - 1; s >= 0; s--) {
                int row = s * b + i;
                for (int c = 0; c < classes; c++) suffix[c] += probs[row * classes + c];
                for (int n = 0; n < order; n++) {
                    int f = bagFeatures[row * order + n];
                    if (f < 0) continue;
                    for (int c = 1; c < classes; c++) grad[table + f * (classes - 1) + c - 1] += suffix[c];
                }
            }
        }
    }

    /** Mean readout: ms[s + 1] = the mean of the top layer's h over the carried-in count plus steps 0..s. */
    private void runningMeans(SequenceBatch batch, float[] state, int b, int t) {
        int width = spec.stateWidth();
        int off = spec.recurrentStateWidth();
        for (int i = 0; i < b; i++) {
            if (state == null) {
                Arrays.fill(ms, i * h, (i + 1) * h, 0f);
                count0[i] = 0f;
            } else {
                System.arraycopy(state, i * width + off, ms, i * h, h);
                count0[i] = state[i * width + off + h];
            }
        }
        float[] top = hs[layers - 1];
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < b; i++) {
                int at = ((s + 1) * b + i) * h;
                RunningMean.update(ms, (s * b + i) * h, top, at, h, count0[i] + (s + 1), ms, at);
            }
        }
        if (state != null) {
            for (int i = 0; i < b; i++) {
                int end = Math.min(batch.lengths[i], t);
                System.arraycopy(ms, (end * b + i) * h, state, i * width + off, h);
                state[i * width + off + h] = count0[i] + end;
            }
        }
    }

    /** Output distributions of the last forward pass as [B][T][classes]. */
    public float[][][] probabilities() {
        float[][][] out = new float[lastB][lastT][classes];
        for (int s = 0; s < lastT; s++) {
            for (int i = 0; i < lastB; i++) {
                System.arraycopy(probs, (s * lastB + i) * classes, out[i][s], 0, classes);
            }
        }
        return out;
    }

    /** Forward only, returning [B][T][classes]. */
    public float[][][] predict(Parameters p, SequenceBatch batch) {
        forward(p, batch, null);
        return probabilities();
    }

    /**
     * Forward and back-propagation through time. The loss is the mean cross-entropy over the steps whose
     * target is not -1; the gradient of that loss is written into grad (overwritten, same layout as p).
     */
    public Loss lossAndGradient(Parameters p, SequenceBatch batch, float[] state, float[] grad) {
        forward(p, batch, state);
        int b = lastB;
        int t = lastT;
        float[] w = p.values();
        Arrays.fill(grad, 0f);

        // Loss and d(loss)/d(logits) = (p - onehot) / N at scored steps, written over probs (no longer needed).
        int scored = 0;
        int correct = 0;
        double loss = 0;
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < b; i++) {
                int target = batch.targets[i][s];
                int row = (s * b + i) * classes;
                if (target < 0) {
                    Arrays.fill(probs, row, row + classes, 0f);
                    continue;
                }
                scored++;
                if (argmax(probs, row, classes) == target) correct++;
                loss -= Math.log(Math.max(probs[row + target], 1e-30f));
                probs[row + target] -= 1f;
            }
        }
        if (scored == 0) return new Loss(0, 0, 0);
        float inv = 1f / scored;
        for (int j = 0; j < t * b * classes; j++) probs[j] *= inv;

        int hTopOff = b * h;
        Kernels.mulAddTransposedLeft(mean ? ms : hs[layers - 1], hTopOff, t * b, h, probs, 0, classes, grad, layout.wy());
        Kernels.addColumnSums(probs, 0, t * b, classes, grad, layout.by());
        if (bag != null) bagBackward(grad, b, t);
        Kernels.transpose(w, layout.wy(), h, classes, wyT, 0);
        Arrays.fill(dAbove, 0, t * b * h, 0f);
        Kernels.mulAdd(probs, 0, t * b, classes, wyT, 0, h, dAbove, 0);
        if (mean) meanBackward(b, t);

        for (int l = layers - 1; l >= 0; l--) {
            Kernels.transpose(w, layout.wh(l), h, gh, whT[l], 0);
            boolean embedding = l == 0 && spec.input() == InputKind.EMBEDDING;
            if (l > 0) Kernels.transpose(w, layout.wx(l), h, gh, wxT[l], 0);
            if (embedding) Kernels.transpose(w, layout.wx(0), spec.embed(), gh, wxT[0], 0);
            if (l > 0) Arrays.fill(dBelow, 0, t * b * h, 0f);
            Arrays.fill(dhNext, 0, b * h, 0f);
            Arrays.fill(dcNext, 0, b * h, 0f);
            float[] hl = hs[l];
            float[] cl = cs[l];
            for (int s = t - 1; s >= 0; s--) {
                for (int j = 0; j < b * h; j++) dhTot[j] = dAbove[s * b * h + j] + dhNext[j];
                CellMath.backward(spec.cell(), b, h, acts[l], s * b * gh,
                        hhs[l], spec.cell().separateRecurrentProduct() ? s * b * gh : 0,
                        hl, s * b * h, cl, s * b * h, cl, (s + 1) * b * h,
                        dhTot, 0, dcNext, 0, da, spec.cell().separateRecurrentProduct() ? dhh : da, dhPrev, dcPrev);
                float[] dRec = spec.cell().separateRecurrentProduct() ? dhh : da;
                Kernels.mulAddTransposedLeft(hl, s * b * h, b, h, dRec, 0, gh, grad, layout.wh(l));
                Kernels.addColumnSums(da, 0, b, gh, grad, layout.bias(l));
                System.arraycopy(dhPrev, 0, dhNext, 0, b * h);
                Kernels.mulAdd(dRec, 0, b, gh, whT[l], 0, h, dhNext, 0);
                if (carriesCell) System.arraycopy(dcPrev, 0, dcNext, 0, b * h);
                if (l > 0) {
                    Kernels.mulAddTransposedLeft(hs[l - 1], (s + 1) * b * h, b, h, da, 0, gh, grad, layout.wx(l));
                    Kernels.mulAdd(da, 0, b, gh, wxT[l], 0, h, dBelow, s * b * h);
                } else {
                    firstLayerGradient(batch, s, b, da, grad, embedding);
                }
            }
            float[] tmp = dAbove;
            dAbove = dBelow;
            dBelow = tmp;
        }
        return new Loss(loss / scored, scored, correct);
    }

    /**
     * Turns dAbove from d(loss)/d(mean after step s) into d(loss)/d(h of step s): with n the count after step s,
     * m_s = m_{s-1} (1 - 1/n) + h_s / n, so the mean's gradient flows back through (1 - 1/n) and into h as 1/n.
     */
    private void meanBackward(int b, int t) {
        Arrays.fill(dMean, 0, b * h, 0f);
        for (int s = t - 1; s >= 0; s--) {
            for (int i = 0; i < b; i++) {
                float n = count0[i] + (s + 1);
                float keep = 1f - 1f / n;
                int at = (s * b + i) * h;
                for (int j = 0; j < h; j++) {
                    float total = dAbove[at + j] + dMean[i * h + j];
                    dAbove[at + j] = total / n;
                    dMean[i * h + j] = total * keep;
                }
            }
        }
    }

    private void firstLayerGradient(SequenceBatch batch, int s, int b, float[] da, float[] grad, boolean embedding) {
        int wx = layout.wx(0);
        int paramBase;
        if (!embedding) {
            for (int i = 0; i < b; i++) {
                Kernels.add(da, i * gh, grad, wx + tok[s * b + i] * gh, gh);
            }
            paramBase = spec.vocab();
        } else {
            int d = spec.embed();
            Kernels.mulAddTransposedLeft(emb, s * b * d, b, d, da, 0, gh, grad, wx);
            Arrays.fill(dEmb, 0, b * d, 0f);
            Kernels.mulAdd(da, 0, b, gh, wxT[0], 0, d, dEmb, 0);
            for (int i = 0; i < b; i++) {
                Kernels.add(dEmb, i * d, grad, layout.embedding() + tok[s * b + i] * d, d);
            }
            paramBase = d;
        }
        if (spec.params() > 0 && batch.params != null) {
            for (int i = 0; i < b; i++) {
                Kernels.add(da, i * gh, grad, wx + (paramBase + batch.params[i]) * gh, gh);
            }
        }
    }

    static int argmax(float[] v, int off, int n) {
        int best = 0;
        for (int j = 1; j < n; j++) {
            if (v[off + j] > v[off + best]) best = j;
        }
        return best;
    }

    /**
     * Mean cross-entropy of a batch with the number of scored steps and how many of them the argmax got right.
     */
    public record Loss(double value, int scored, int correct) {
        public double accuracy() { return scored == 0 ? Double.NaN : (double) correct / scored; }
    }
}
