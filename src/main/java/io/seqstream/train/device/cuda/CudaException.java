package io.seqstream.train.device.cuda;

/** A CUDA, cuBLAS or NVRTC call returned an error while the device was in use. */
public final class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }
}
