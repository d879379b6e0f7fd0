package io.seqstream.train.backend;

import io.seqstream.model.ModelSpec;
import io.seqstream.train.device.CpuDevice;

/** Opens a {@link TrainingBackend} by kind for one model. */
public final class TrainingBackends {
    private TrainingBackends() {
    }

    /** @throws BackendUnavailableException when the backend cannot run here, with the reason */
    public static TrainingBackend open(BackendKind kind, ModelSpec spec) {
        if (kind != BackendKind.KERNELS && spec.readout() != io.seqstream.model.Readout.LAST) {
            // The mean readout arrived after the device trainer was written; its head and carried mean are not ported yet.
            throw new BackendUnavailableException("the " + kind.configName() + " backend trains models with the last-state "
                    + "readout only; this model reads the " + spec.readout().name().toLowerCase(java.util.Locale.ROOT)
                    + " of its states (train it with --backend kernels)");
        }
        if (kind != BackendKind.KERNELS && spec.ngrams() != null) {
            throw new BackendUnavailableException("the " + kind.configName() + " backend does not train n-gram bags yet "
                    + "(train this model with --backend kernels)");
        }
        return switch (kind) {
            case KERNELS -> new KernelsBackend(spec);
            case CPU_DEVICE -> new DeviceBackend(kind.configName(), new CpuDevice(), spec);
            case CUDA -> new DeviceBackend(kind.configName(), CudaAccess.openDevice(), spec);
        };
    }
}
