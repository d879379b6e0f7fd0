package io.seqstream.train.backend;

import io.seqstream.model.ModelSpec;
import io.seqstream.train.device.CpuDevice;

/** Opens a {@link TrainingBackend} by kind for one model. */
public final class TrainingBackends {
    private TrainingBackends() {
    }

    /** @throws BackendUnavailableException when the backend cannot run here, with the reason */
    public static TrainingBackend open(BackendKind kind, ModelSpec spec) {
        return switch (kind) {
            case KERNELS -> new KernelsBackend(spec);
            case CPU_DEVICE -> new DeviceBackend(kind.configName(), new CpuDevice(), spec);
            case CUDA -> new DeviceBackend(kind.configName(), CudaAccess.openDevice(), spec);
        };
    }
}
