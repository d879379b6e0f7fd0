package io.seqstream.cli;

/** A wrong command line found after parsing (a value out of range, an option that does not fit the task); exit status 2. */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
