package io.seqstream.model;

/**
 * The recurrent cells the product knows, with the facts about each that the step, the trainers and the parameter
 * layout ask for (gate count, state width, buffers, bias start), so that only {@link CellMath} and the device
 * kernels hold a cell's arithmetic.
 */
public enum CellType {
    /** Elman RNN: h' = tanh(x Wx + h Wh + b). */
    RNN(1, 1, false, -1),
    /** GRU, gates [z | r | n]: n = tanh(x Wxn + bn + r * (h Whn)), h' = (1 - z) * n + z * h. */
    GRU(3, 1, true, -1),
    /** LSTM, gates [i | f | g | o]: c' = f * c + i * g, h' = o * tanh(c'). */
    LSTM(4, 2, false, 1);

    private final int gates;
    private final int stateVectors;
    private final boolean separateRecurrentProduct;
    private final int forgetGate;

    CellType(int gates, int stateVectors, boolean separateRecurrentProduct, int forgetGate) {
        this.gates = gates;
        this.stateVectors = stateVectors;
        this.separateRecurrentProduct = separateRecurrentProduct;
        this.forgetGate = forgetGate;
    }

    /** Number of H-wide gate blocks in the pre-activation (1, 3 or 4). */
    public int gates() { return gates; }

    /** Number of H-wide vectors a stream carries per layer (h, plus c for LSTM). */
    public int stateVectors() { return stateVectors; }

    /** Whether a stream carries a cell vector c after h in each layer (the second state vector). */
    public boolean carriesCell() { return stateVectors > 1; }

    /**
     * Whether h Wh is kept apart from the input's pre-activation rather than added into it: GRU's reset gate
     * multiplies only the recurrent part of its candidate, so the step needs that product, and its gradient, alone.
     */
    public boolean separateRecurrentProduct() { return separateRecurrentProduct; }

    /** The gate whose bias starts at 1 so memory is kept by default (LSTM's forget gate), or -1 for none. */
    public int forgetGate() { return forgetGate; }

    public static CellType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            StringBuilder known = new StringBuilder();
            for (CellType c : values()) known.append(known.length() == 0 ? "" : ", ").append(c.name().toLowerCase(java.util.Locale.ROOT));
            throw new IllegalArgumentException("unknown cell type '" + s + "' (expected " + known + ")");
        }
    }
}
