package io.seqstream.web;

/**
 * A rate limit of {@code rate} events per second with bursts up to {@code rate}: the sampling of a client's
 * all-streams subscription. Not thread-safe (one per WebSocket client, on the event loop).
 */
final class TokenBucket {
    private final double rate;
    private double allowance;
    private long lastRefill;

    TokenBucket(double rate, long nowNanos) {
        this.rate = rate;
        this.allowance = rate;
        this.lastRefill = nowNanos;
    }

    /** Whether one more event fits at this time; takes its token if so. */
    boolean tryTake(long nowNanos) {
        allowance = Math.min(rate, allowance + (nowNanos - lastRefill) * 1e-9 * rate);
        lastRefill = nowNanos;
        if (allowance < 1) return false;
        allowance -= 1;
        return true;
    }
}
