package io.seqstream.model;

/**
 * The shape of a recurrent network: what the math needs, nothing about tokens or Kafka.
 *
 * @param cell    rnn, gru or lstm
 * @param layers  stacked recurrent layers (1-3)
 * @param hidden  units per layer
 * @param vocab   input token ids are 0..vocab-1
 * @param params  categories of the per-stream parameter fed beside each token (e.g. echo delay 0..8 gives 9); 0 for none
 * @param input   one-hot or embedding input
 * @param embed   embedding width (ignored for one-hot)
 * @param classes output classes of the softmax head applied at every step
 * @param readout what the head reads: the last hidden state, or the running mean of the hidden states (null = last,
 *                as in model files written before the readout existed)
 * @param ngrams  a bag of hashed n-grams whose running sum the head adds to its logits, or null for none
 */
public record ModelSpec(CellType cell, int layers, int hidden, int vocab, int params,
                        InputKind input, int embed, int classes, Readout readout, NgramBag ngrams) {

    public ModelSpec {
        if (readout == null) readout = Readout.LAST;
        require(cell != null, "cell must be set");
        require(layers >= 1 && layers <= 3, "layers must be 1..3, was " + layers);
        require(hidden >= 1, "hidden must be >= 1, was " + hidden);
        require(vocab >= 1, "vocab must be >= 1, was " + vocab);
        require(params >= 0, "params must be >= 0, was " + params);
        require(input != null, "input kind must be set");
        require(input != InputKind.EMBEDDING || embed >= 1, "embed must be >= 1 for embedding input, was " + embed);
        require(classes >= 2, "classes must be >= 2, was " + classes);
    }

    /** The spec without an n-gram bag, as before the bag existed. */
    public ModelSpec(CellType cell, int layers, int hidden, int vocab, int params, InputKind input, int embed, int classes,
                     Readout readout) {
        this(cell, layers, hidden, vocab, params, input, embed, classes, readout, null);
    }

    /** The spec with the last-state readout, as before the readout was a choice. */
    public ModelSpec(CellType cell, int layers, int hidden, int vocab, int params, InputKind input, int embed, int classes) {
        this(cell, layers, hidden, vocab, params, input, embed, classes, Readout.LAST);
    }

    /** A one-hot model with one layer and no stream parameter. */
    public static ModelSpec oneHot(CellType cell, int hidden, int vocab, int classes) {
        return new ModelSpec(cell, 1, hidden, vocab, 0, InputKind.ONE_HOT, 0, classes);
    }

    public ModelSpec withLayers(int n) { return new ModelSpec(cell, n, hidden, vocab, params, input, embed, classes, readout, ngrams); }

    public ModelSpec withParams(int n) { return new ModelSpec(cell, layers, hidden, vocab, n, input, embed, classes, readout, ngrams); }

    public ModelSpec withEmbedding(int width) {
        return new ModelSpec(cell, layers, hidden, vocab, params, InputKind.EMBEDDING, width, classes, readout, ngrams);
    }

    public ModelSpec withReadout(Readout r) { return new ModelSpec(cell, layers, hidden, vocab, params, input, embed, classes, r, ngrams); }

    /** The spec with a bag of hashed n-grams beside the recurrent layers (null = none). */
    public ModelSpec withNgrams(NgramBag bag) { return new ModelSpec(cell, layers, hidden, vocab, params, input, embed, classes, readout, bag); }

    /** Width of the first layer's input: one-hot vocab or embedding, plus the parameter one-hot. */
    public int firstLayerInputs() { return (input == InputKind.ONE_HOT ? vocab : embed) + params; }

    /**
     * Floats one stream's state occupies: h (and c for LSTM) for every layer; with the mean readout then the running
     * mean (hidden floats) and the count of tokens behind it; with an n-gram bag then its part ({@link NgramBag}).
     */
    public int stateWidth() { return ngramStateOffset() + (ngrams == null ? 0 : ngrams.stateWidth(classes)); }

    /** Where the n-gram bag's part of a state row starts: after the layers and the mean readout's part. */
    public int ngramStateOffset() { return recurrentStateWidth() + (readout == Readout.MEAN ? hidden + 1 : 0); }

    /** Floats of the layers' h (and c) at the start of a state row; the mean readout's part follows them. */
    public int recurrentStateWidth() { return layers * cell.stateVectors() * hidden; }

    /**
     * What a stream's state means: cell, layers, hidden size and readout (never 0). Two models with the same id can carry each
     * other's states; a changelog record of another shape is dropped on restore (the stream starts again).
     */
    public int stateShapeId() {
        // The last-state readout keeps the id it had before the readout existed, so old changelogs stay valid.
        int h = readout == Readout.MEAN ? java.util.Objects.hash(cell.name(), layers, hidden, "mean")
                : java.util.Objects.hash(cell.name(), layers, hidden);
        if (ngrams != null) h = java.util.Objects.hash(h, "ngrams", ngrams.order(), ngrams.buckets(), classes);
        return h == 0 ? 1 : h;
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("model spec: " + message);
    }
}
