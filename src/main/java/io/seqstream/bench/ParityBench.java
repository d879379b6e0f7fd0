package io.seqstream.bench;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.train.backend.BackendKind;
import io.seqstream.train.backend.BackendParity;
import io.seqstream.train.backend.TrainingBackend;
import io.seqstream.train.backend.TrainingBackends;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backend's loss, gradients and carried state against the kernels' for RNN, GRU and LSTM over padded, masked
 * batches of variable lengths: small multi-layer models with a stream parameter and with an embedding, echo's GRU 64
 * and an LSTM of 512 (Tiny Shakespeare's size). What gpu-check.sh runs on the GPU; the CPU device's share of it is
 * DeviceBackendParityTest.
 */
public final class ParityBench {
    /** The bar: loss and every gradient within 1e-4 relative of the kernels'. */
    public static final double BAR = 1e-4;

    private ParityBench() {
    }

    /** One row per (cell, shape); throws BackendUnavailableException when the backend cannot run here. */
    public static List<Map<String, Object>> run(BackendKind kind, long seed) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (CellType cell : CellType.values()) {
            Map<String, ModelSpec> shapes = new LinkedHashMap<>();
            shapes.put("one-hot 2 layers + param, H 48", ModelSpec.oneHot(cell, 48, 12, 11).withLayers(2).withParams(5));
            shapes.put("embedding 3 layers, H 40", ModelSpec.oneHot(cell, 40, 300, 2).withEmbedding(50).withLayers(3));
            shapes.put("one-hot, H 64 (echo)", ModelSpec.oneHot(cell, 64, 12, 11));
            shapes.put("one-hot, H 512 (Tiny Shakespeare)", ModelSpec.oneHot(cell, 512, 67, 67));
            for (Map.Entry<String, ModelSpec> e : shapes.entrySet()) {
                try (TrainingBackend b = TrainingBackends.open(kind, e.getValue())) {
                    int batch = e.getValue().hidden() >= 512 ? 16 : 32;
                    BackendParity.Result r = BackendParity.check(b, e.getValue(), batch, 40, seed);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("backend", kind.configName());
                    row.put("device", b.device());
                    row.put("cell", cell.name());
                    row.put("shape", e.getKey());
                    row.put("batch", batch);
                    row.put("maxLength", 40);
                    row.put("lossRelativeDifference", r.lossRelativeDifference());
                    row.put("maxRelativeGradientDifference", r.gradientRelativeDifference());
                    row.put("worstTensor", r.worstTensor());
                    row.put("stateRelativeDifference", r.stateRelativeDifference());
                    row.put("withinBar", r.worst() <= BAR);
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
