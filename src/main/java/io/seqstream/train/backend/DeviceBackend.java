package io.seqstream.train.backend;

import io.seqstream.model.CellType;
import io.seqstream.model.InputKind;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Network;
import io.seqstream.model.ParameterLayout;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.device.Device;
import io.seqstream.train.device.Device.Floats;
import io.seqstream.train.device.Device.Ints;

/**
 * {@link Network}'s forward pass and back-propagation through time, written once on the {@link Device} primitives:
 * the same cell formulas, padding (targets of -1 carry no loss), carried state and flat gradient layout. The
 * activations of every step stay on the device; only the parameters go up and the gradient and per-row losses come
 * down each call. Unlike the per-step CPU pass, the weight gradients and the input projections are one product over
 * all T*B rows, which is where a GPU gains. Holds device workspaces: one instance per training thread.
 */
public final class DeviceBackend implements TrainingBackend {
    private final String name;
    private final Device device;
    private final ModelSpec spec;
    private final ParameterLayout layout;
    private final CellType cell;
    private final int h;
    private final int gh;
    private final int classes;
    private final int layers;
    private final int embed;
    private final Floats w;
    private final Floats dw;

    private int capB;
    private int capT;
    private Workspace ws;
    private int lastB;
    private int lastT;

    public DeviceBackend(String name, Device device, ModelSpec spec) {
        this.name = name;
        this.device = device;
        this.spec = spec;
        this.layout = new ParameterLayout(spec);
        this.cell = spec.cell();
        this.h = spec.hidden();
        this.gh = cell.gates() * h;
        this.classes = spec.classes();
        this.layers = spec.layers();
        this.embed = spec.input() == InputKind.EMBEDDING ? spec.embed() : 0;
        device.attach();
        this.w = device.floats(layout.size());
        this.dw = device.floats(layout.size());
    }

    @Override
    public String name() { return name; }

    @Override
    public String device() { return device.description(); }

    /** Device buffers sized for [capB, capT]; replaced as a whole when a larger batch arrives. */
    private final class Workspace {
        final Ints tok;
        final Ints par;
        final Ints tgt;
        final Ints ends;
        final Floats[] hs = new Floats[layers];
        final Floats[] cs = new Floats[layers];
        final Floats[] acts = new Floats[layers];
        final Floats[] hhs = new Floats[layers];
        final Floats emb;
        final Floats probs;
        final Floats dAboveA;
        final Floats dAboveB;
        final Floats dA;
        final Floats dHH;
        final Floats dhNext;
        final Floats dcNext;
        final Floats dhTot;
        final Floats dhPrev;
        final Floats dcPrev;
        final Floats dEmb;
        final Floats rowLoss;
        final Floats rowCorrect;
        final Floats stateOut;

        Workspace(int b, int t) {
            int tb = t * b;
            boolean carriesCell = cell.carriesCell();
            boolean separateRecurrent = cell.separateRecurrentProduct();
            tok = device.ints(tb);
            par = device.ints(tb);
            tgt = device.ints(tb);
            ends = device.ints(b);
            for (int l = 0; l < layers; l++) {
                hs[l] = device.floats((t + 1) * b * h);
                cs[l] = device.floats(carriesCell ? (t + 1) * b * h : 1);
                acts[l] = device.floats(tb * gh);
                hhs[l] = device.floats(separateRecurrent ? tb * gh : 1);
            }
            emb = device.floats(Math.max(1, tb * embed));
            probs = device.floats(tb * classes);
            dAboveA = device.floats(tb * h);
            dAboveB = device.floats(tb * h);
            dA = device.floats(tb * gh);
            dHH = device.floats(separateRecurrent ? tb * gh : 1);
            dhNext = device.floats(b * h);
            dcNext = device.floats(b * h);
            dhTot = device.floats(b * h);
            dhPrev = device.floats(b * h);
            dcPrev = device.floats(b * h);
            dEmb = device.floats(Math.max(1, tb * embed));
            rowLoss = device.floats(tb);
            rowCorrect = device.floats(tb);
            stateOut = device.floats(b * h);
        }

        void free() {
            device.free(tok);
            device.free(par);
            device.free(tgt);
            device.free(ends);
            for (int l = 0; l < layers; l++) {
                device.free(hs[l]);
                device.free(cs[l]);
                device.free(acts[l]);
                device.free(hhs[l]);
            }
            for (Floats f : new Floats[] {emb, probs, dAboveA, dAboveB, dA, dHH, dhNext, dcNext, dhTot, dhPrev, dcPrev,
                    dEmb, rowLoss, rowCorrect, stateOut}) {
                device.free(f);
            }
        }
    }

    private Workspace ensure(int b, int t) {
        if (ws != null && b <= capB && t <= capT) return ws;
        if (ws != null) ws.free();
        // A call indexes its buffers packed for its own [b, t]; anything within both capacities fits.
        capB = Math.max(b, capB);
        capT = Math.max(t, capT);
        ws = new Workspace(capB, capT);
        return ws;
    }

    /** Forward pass; the output distributions of the last call are then in the workspace's probs. */
    private void forward(Parameters p, SequenceBatch batch, float[] state) {
        int b = batch.size();
        int t = batch.maxLength();
        Workspace x = ensure(b, t);
        lastB = b;
        lastT = t;
        int tb = t * b;
        device.upload(p.values(), 0, w, 0, layout.size());
        int[] tokH = new int[tb];
        int[] tgtH = new int[tb];
        int[] parH = new int[tb];
        int paramBase = spec.input() == InputKind.ONE_HOT ? spec.vocab() : embed;
        boolean withParams = spec.params() > 0 && batch.params != null;
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < b; i++) {
                tokH[s * b + i] = batch.inputs[i][s];
                tgtH[s * b + i] = batch.targets[i][s];
                if (withParams) parH[s * b + i] = paramBase + batch.params[i];
            }
        }
        device.upload(tokH, 0, x.tok, 0, tb);
        device.upload(tgtH, 0, x.tgt, 0, tb);
        if (withParams) device.upload(parH, 0, x.par, 0, tb);

        Floats act0 = x.acts[0];
        device.broadcastRows(w, layout.bias(0), act0, 0, tb, gh);
        if (spec.input() == InputKind.ONE_HOT) {
            device.gatherRows(w, layout.wx(0), x.tok, 0, tb, gh, act0, 0, true);
        } else {
            device.gatherRows(w, layout.embedding(), x.tok, 0, tb, embed, x.emb, 0, false);
            device.gemm(false, false, tb, gh, embed, x.emb, 0, w, layout.wx(0), 1f, act0, 0);
        }
        if (withParams) device.gatherRows(w, layout.wx(0), x.par, 0, tb, gh, act0, 0, true);

        int width = spec.stateWidth();
        int perLayer = cell.stateVectors() * h;
        boolean carriesCell = cell.carriesCell();
        int[] endsH = new int[b];
        for (int i = 0; i < b; i++) endsH[i] = Math.min(batch.lengths[i], t) * b + i;
        if (state != null) device.upload(endsH, 0, x.ends, 0, b);
        for (int l = 0; l < layers; l++) {
            if (state == null) {
                device.fill(x.hs[l], 0, b * h, 0f);
                if (carriesCell) device.fill(x.cs[l], 0, b * h, 0f);
            } else {
                float[] h0 = new float[b * h];
                float[] c0 = new float[b * h];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(state, i * width + l * perLayer, h0, i * h, h);
                    if (carriesCell) System.arraycopy(state, i * width + l * perLayer + h, c0, i * h, h);
                }
                device.upload(h0, 0, x.hs[l], 0, b * h);
                if (carriesCell) device.upload(c0, 0, x.cs[l], 0, b * h);
            }
            if (l > 0) {
                device.broadcastRows(w, layout.bias(l), x.acts[l], 0, tb, gh);
                device.gemm(false, false, tb, gh, h, x.hs[l - 1], b * h, w, layout.wx(l), 1f, x.acts[l], 0);
            }
            for (int s = 0; s < t; s++) {
                if (cell.separateRecurrentProduct()) {
                    device.gemm(false, false, b, gh, h, x.hs[l], s * b * h, w, layout.wh(l), 0f, x.hhs[l], s * b * gh);
                } else {
                    device.gemm(false, false, b, gh, h, x.hs[l], s * b * h, w, layout.wh(l), 1f, x.acts[l], s * b * gh);
                }
                device.cellForward(cell, b, h, x.acts[l], s * b * gh, x.hhs[l], s * b * gh, x.hs[l], s * b * h,
                        x.cs[l], s * b * h, x.hs[l], (s + 1) * b * h, x.cs[l], (s + 1) * b * h);
            }
            if (state != null) {
                float[] out = new float[b * h];
                device.gatherRows(x.hs[l], 0, x.ends, 0, b, h, x.stateOut, 0, false);
                device.download(x.stateOut, 0, out, 0, b * h);
                for (int i = 0; i < b; i++) System.arraycopy(out, i * h, state, i * width + l * perLayer, h);
                if (carriesCell) {
                    device.gatherRows(x.cs[l], 0, x.ends, 0, b, h, x.stateOut, 0, false);
                    device.download(x.stateOut, 0, out, 0, b * h);
                    for (int i = 0; i < b; i++) System.arraycopy(out, i * h, state, i * width + l * perLayer + h, h);
                }
            }
        }
        device.broadcastRows(w, layout.by(), x.probs, 0, tb, classes);
        device.gemm(false, false, tb, classes, h, x.hs[layers - 1], b * h, w, layout.wy(), 1f, x.probs, 0);
        device.softmaxRows(x.probs, 0, tb, classes);
    }

    /** Forward only, returning [B][T][classes] as {@link Network#predict} does. */
    public float[][][] predict(Parameters p, SequenceBatch batch) {
        device.attach();
        forward(p, batch, null);
        int b = lastB;
        int t = lastT;
        float[] flat = new float[t * b * classes];
        device.download(ws.probs, 0, flat, 0, flat.length);
        float[][][] out = new float[b][t][classes];
        for (int s = 0; s < t; s++) {
            for (int i = 0; i < b; i++) System.arraycopy(flat, (s * b + i) * classes, out[i][s], 0, classes);
        }
        return out;
    }

    @Override
    public Network.Loss lossAndGradient(Parameters p, SequenceBatch batch, float[] state, float[] grad) {
        device.attach();
        forward(p, batch, state);
        Workspace x = ws;
        int b = lastB;
        int t = lastT;
        int tb = t * b;
        device.fill(dw, 0, layout.size(), 0f);
        device.crossEntropyGradient(x.probs, 0, tb, classes, x.tgt, x.rowLoss, x.rowCorrect);
        float[] rowLoss = new float[tb];
        float[] rowCorrect = new float[tb];
        device.download(x.rowLoss, 0, rowLoss, 0, tb);
        device.download(x.rowCorrect, 0, rowCorrect, 0, tb);
        int scored = 0;
        int correct = 0;
        double loss = 0;
        for (int r = 0; r < tb; r++) {
            if (rowCorrect[r] < 0) continue;
            scored++;
            if (rowCorrect[r] > 0) correct++;
            loss += rowLoss[r];
        }
        if (scored == 0) {
            java.util.Arrays.fill(grad, 0f);
            return new Network.Loss(0, 0, 0);
        }
        device.scale(x.probs, 0, tb * classes, 1f / scored);

        Floats top = x.hs[layers - 1];
        device.gemm(true, false, h, classes, tb, top, b * h, x.probs, 0, 1f, dw, layout.wy());
        device.addColumnSums(x.probs, 0, tb, classes, dw, layout.by());
        Floats dAbove = x.dAboveA;
        Floats dBelow = x.dAboveB;
        device.gemm(false, true, tb, h, classes, x.probs, 0, w, layout.wy(), 0f, dAbove, 0);

        boolean separateRecurrent = cell.separateRecurrentProduct();
        boolean carriesCell = cell.carriesCell();
        Floats dRec = separateRecurrent ? x.dHH : x.dA;
        for (int l = layers - 1; l >= 0; l--) {
            device.fill(x.dhNext, 0, b * h, 0f);
            if (carriesCell) device.fill(x.dcNext, 0, b * h, 0f);
            for (int s = t - 1; s >= 0; s--) {
                device.add(dAbove, s * b * h, x.dhNext, 0, x.dhTot, 0, b * h);
                device.cellBackward(cell, b, h, x.acts[l], s * b * gh, x.hhs[l], s * b * gh, x.hs[l], s * b * h,
                        x.cs[l], s * b * h, x.cs[l], (s + 1) * b * h, x.dhTot, 0, x.dcNext, 0,
                        x.dA, s * b * gh, x.dHH, s * b * gh, x.dhPrev, x.dcPrev);
                device.copy(x.dhPrev, 0, x.dhNext, 0, b * h);
                device.gemm(false, true, b, h, gh, dRec, s * b * gh, w, layout.wh(l), 1f, x.dhNext, 0);
                if (carriesCell) device.copy(x.dcPrev, 0, x.dcNext, 0, b * h);
            }
            // Weight gradients of every step at once: sum over s of h_s^T dRec_s is one [H, T*B] x [T*B, G*H] product.
            device.gemm(true, false, h, gh, tb, x.hs[l], 0, dRec, 0, 1f, dw, layout.wh(l));
            device.addColumnSums(x.dA, 0, tb, gh, dw, layout.bias(l));
            if (l > 0) {
                device.gemm(true, false, h, gh, tb, x.hs[l - 1], b * h, x.dA, 0, 1f, dw, layout.wx(l));
                device.gemm(false, true, tb, h, gh, x.dA, 0, w, layout.wx(l), 0f, dBelow, 0);
                Floats tmp = dAbove;
                dAbove = dBelow;
                dBelow = tmp;
            } else {
                firstLayerGradient(x, batch, tb);
            }
        }
        device.download(dw, 0, grad, 0, layout.size());
        return new Network.Loss(loss / scored, scored, correct);
    }

    private void firstLayerGradient(Workspace x, SequenceBatch batch, int tb) {
        int wx = layout.wx(0);
        if (spec.input() == InputKind.ONE_HOT) {
            device.scatterAddRows(x.dA, 0, x.tok, 0, tb, gh, dw, wx);
        } else {
            device.gemm(true, false, embed, gh, tb, x.emb, 0, x.dA, 0, 1f, dw, wx);
            device.gemm(false, true, tb, embed, gh, x.dA, 0, w, wx, 0f, x.dEmb, 0);
            device.scatterAddRows(x.dEmb, 0, x.tok, 0, tb, embed, dw, layout.embedding());
        }
        if (spec.params() > 0 && batch.params != null) {
            device.scatterAddRows(x.dA, 0, x.par, 0, tb, gh, dw, wx);
        }
    }

    @Override
    public void close() {
        device.attach();
        if (ws != null) ws.free();
        ws = null;
        device.free(w);
        device.free(dw);
        device.close();
    }
}
