package io.seqstream.train.device.cuda;

/** Turns what a method handle threw into an unchecked exception, keeping CUDA's own exceptions and errors as they are. */
final class CudaDriverErrors {
    private CudaDriverErrors() {
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
