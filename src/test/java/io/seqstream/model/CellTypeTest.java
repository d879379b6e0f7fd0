package io.seqstream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The facts each cell declares agree with the state it carries and the parameters it starts from. */
class CellTypeTest {

    @Test
    void shouldCarryAsManyStateVectorsPerLayerAsTheCellDeclares() {
        for (CellType cell : CellType.values()) {
            ModelSpec spec = ModelSpec.oneHot(cell, 6, 3, 3).withLayers(2);
            assertEquals(2 * cell.stateVectors() * 6, spec.stateWidth(), cell.name());
            assertEquals(cell == CellType.LSTM, cell.carriesCell(), cell.name());
            assertEquals(cell == CellType.GRU, cell.separateRecurrentProduct(), cell.name());
        }
    }

    @Test
    void shouldStartOnlyTheForgetGateBiasAtOne() {
        for (CellType cell : CellType.values()) {
            ModelSpec spec = ModelSpec.oneHot(cell, 5, 3, 3).withLayers(2);
            Parameters p = Parameters.xavier(spec, 7);
            ParameterLayout l = new ParameterLayout(spec);
            for (int layer = 0; layer < 2; layer++) {
                for (int g = 0; g < cell.gates(); g++) {
                    float expected = g == cell.forgetGate() ? 1f : 0f;
                    for (int j = 0; j < 5; j++) {
                        assertEquals(expected, p.values()[l.bias(layer) + g * 5 + j], cell + " layer " + layer + " gate " + g);
                    }
                }
            }
        }
    }
}
