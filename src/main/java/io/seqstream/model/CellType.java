package io.seqstream.model;

/** The recurrent cells the product knows; each defines its gate count and how wide its per-stream state is. */
public enum CellType {
    /** Elman RNN: h' = tanh(x Wx + h Wh + b). */
    RNN(1, 1),
    /** GRU, gates [z | r | n]: n = tanh(x Wxn + bn + r * (h Whn)), h' = (1 - z) * n + z * h. */
    GRU(3, 1),
    /** LSTM, gates [i | f | g | o]: c' = f * c + i * g, h' = o * tanh(c'). */
    LSTM(4, 2);

    private final int gates;
    private final int stateVectors;

    CellType(int gates, int stateVectors) {
        this.gates = gates;
        this.stateVectors = stateVectors;
    }

    /** Number of H-wide gate blocks in the pre-activation (1, 3 or 4). */
    public int gates() { return gates; }

    /** Number of H-wide vectors a stream carries per layer (h, plus c for LSTM). */
    public int stateVectors() { return stateVectors; }

    public static CellType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown cell type '" + s + "' (expected rnn, gru or lstm)");
        }
    }
}
