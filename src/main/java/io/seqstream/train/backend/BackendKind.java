package io.seqstream.train.backend;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The training backends by their configuration name ({@code trainer.<p>.backend}, {@code train --backend}). */
public enum BackendKind {
    /** The project's CPU kernels ({@link io.seqstream.model.Network}); the default. */
    KERNELS("kernels"),
    /** The device trainer on an NVIDIA GPU: cuBLAS and NVRTC-compiled kernels through the CUDA driver. */
    CUDA("cuda"),
    /** The device trainer on {@link io.seqstream.train.device.CpuDevice}: the GPU code path without a GPU (slow; for checks). */
    CPU_DEVICE("cpu-device");

    private final String configName;

    BackendKind(String configName) {
        this.configName = configName;
    }

    public String configName() { return configName; }

    /** @throws IllegalArgumentException naming the accepted values */
    public static BackendKind parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        for (BackendKind k : values()) {
            if (k.configName.equals(v)) return k;
        }
        throw new IllegalArgumentException("unknown training backend '" + s + "' (expected "
                + Arrays.stream(values()).map(BackendKind::configName).collect(Collectors.joining(", ")) + ")");
    }
}
