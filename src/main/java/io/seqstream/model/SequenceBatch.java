package io.seqstream.model;

import java.util.List;

/**
 * A padded minibatch of token sequences with per-step targets.
 * Padding is expressed by {@link #lengths}; a target of -1 means "no loss at this step"
 * (padding, or the steps before a sequence-level label).
 */
public final class SequenceBatch {
    /** [B][T] input token ids; positions at or beyond lengths[b] are 0. */
    public final int[][] inputs;
    /** [B] true length of each sequence. */
    public final int[] lengths;
    /** [B] per-sequence parameter category (e.g. echo delay), or null for models without one. */
    public final int[] params;
    /** [B][T] target class, or -1 where no loss applies. */
    public final int[][] targets;

    public SequenceBatch(int[][] inputs, int[] lengths, int[] params, int[][] targets) {
        if (inputs.length != lengths.length || inputs.length != targets.length) {
            throw new IllegalArgumentException("batch arrays disagree on size");
        }
        if (params != null && params.length != inputs.length) {
            throw new IllegalArgumentException("params disagree on batch size");
        }
        this.inputs = inputs;
        this.lengths = lengths;
        this.params = params;
        this.targets = targets;
    }

    public int size() { return inputs.length; }

    /** Longest sequence, the padded time dimension. */
    public int maxLength() { return inputs.length == 0 ? 0 : inputs[0].length; }

    /** Pads examples of different lengths into one batch. */
    public static SequenceBatch of(List<Example> examples) {
        int b = examples.size();
        int t = 0;
        boolean withParams = false;
        for (Example e : examples) {
            t = Math.max(t, e.inputs().length);
            withParams |= e.param() >= 0;
        }
        int[][] in = new int[b][t];
        int[][] tg = new int[b][t];
        int[] len = new int[b];
        int[] par = withParams ? new int[b] : null;
        for (int i = 0; i < b; i++) {
            Example e = examples.get(i);
            System.arraycopy(e.inputs(), 0, in[i], 0, e.inputs().length);
            java.util.Arrays.fill(tg[i], -1);
            System.arraycopy(e.targets(), 0, tg[i], 0, e.targets().length);
            len[i] = e.inputs().length;
            if (par != null) par[i] = Math.max(0, e.param());
        }
        return new SequenceBatch(in, len, par, tg);
    }

    /**
     * One training or evaluation sequence.
     *
     * @param inputs  token ids
     * @param targets target per step (-1 = no loss), same length as inputs
     * @param param   the stream parameter category, or -1 for none
     */
    public record Example(int[] inputs, int[] targets, int param) {
        public Example {
            if (inputs.length != targets.length) throw new IllegalArgumentException("inputs and targets differ in length");
        }

        /**
         * A sequence-level label: the last {@code keepLast} ids (all when 0 or fewer are there), the label the target
         * of the true last step only, every other step -1 (the running outputs before the end take no loss).
         */
        public static Example labelledAtEnd(int[] ids, int label, int keepLast) {
            if (ids.length == 0) throw new IllegalArgumentException("a labelled sequence needs at least one token");
            int[] in = keepLast > 0 && ids.length > keepLast ? java.util.Arrays.copyOfRange(ids, ids.length - keepLast, ids.length) : ids;
            int[] targets = new int[in.length];
            java.util.Arrays.fill(targets, -1);
            targets[in.length - 1] = label;
            return new Example(in, targets, -1);
        }
    }
}
