package io.seqstream.train.backend;

/** A training backend that cannot run on this machine; the message says why (no GPU, no CUDA library, ...). */
public final class BackendUnavailableException extends RuntimeException {
    public BackendUnavailableException(String reason) {
        super(reason);
    }

    public BackendUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
