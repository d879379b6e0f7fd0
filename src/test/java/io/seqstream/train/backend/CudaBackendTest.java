package io.seqstream.train.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import org.junit.jupiter.api.Test;

/**
 * The CUDA backend either runs, and then matches the kernels within 1e-4 for each cell, or says why it cannot run
 * here (on the development machines: no NVIDIA driver). Backend names parse with errors that list the choices.
 */
class CudaBackendTest {

    @Test
    void shouldMatchTheKernelsOrSayWhyItCannotRun() {
        for (CellType cell : CellType.values()) {
            ModelSpec spec = ModelSpec.oneHot(cell, 32, 12, 11).withLayers(2).withParams(3);
            TrainingBackend backend;
            try {
                backend = TrainingBackends.open(BackendKind.CUDA, spec);
            } catch (BackendUnavailableException e) {
                String reason = e.getMessage();
                assertTrue(reason.contains("not found") || reason.contains("no usable GPU") || reason.contains("no GPU"),
                        "an unclear reason: " + reason);
                return;
            }
            try (backend) {
                BackendParity.Result r = BackendParity.check(backend, spec, 16, 20, 5);
                assertTrue(r.worst() <= 1e-4, cell + " on " + backend.device() + ": " + r);
            }
        }
    }

    @Test
    void shouldNameTheAcceptedBackendsForAnUnknownOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BackendKind.parse("gpu"));
        assertEquals("unknown training backend 'gpu' (expected kernels, cuda, cpu-device)", e.getMessage());
        assertEquals(BackendKind.CPU_DEVICE, BackendKind.parse(" CPU-Device "));
        assertFalse(BackendKind.KERNELS.configName().isEmpty());
    }
}
