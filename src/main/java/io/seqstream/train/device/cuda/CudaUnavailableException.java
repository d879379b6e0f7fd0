package io.seqstream.train.device.cuda;

/** CUDA cannot be used here: a library, the driver or a device is missing, or the kernels did not compile. */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super(reason);
    }
}
