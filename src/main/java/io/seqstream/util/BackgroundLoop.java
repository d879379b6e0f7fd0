package io.seqstream.util;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named daemon thread that runs a body until it is asked to stop: a running flag the body checks, a wakeup that
 * breaks a blocking call (a consumer's poll), a join with a timeout, and a future that completes when the thread ends.
 * One lifecycle for every background loop of the product (processors, registry, leases, trainers, feeds).
 */
public final class BackgroundLoop {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundLoop.class);

    /** The loop's work; it runs while {@link BackgroundLoop#running()} and cleans up after itself (try/finally). */
    @FunctionalInterface
    public interface Body {
        void run(BackgroundLoop loop) throws Exception;
    }

    private final String name;
    private final Runnable wakeup;
    private final boolean interrupt;
    private final Duration joinTimeout;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private final Thread thread;
    private volatile boolean running = true;

    private BackgroundLoop(Builder b, Body body) {
        this.name = b.name;
        this.wakeup = b.wakeup;
        this.interrupt = b.interrupt;
        this.joinTimeout = b.joinTimeout;
        this.thread = new Thread(() -> run(body), b.name);
        thread.setDaemon(true);
    }

    /** A loop on a thread of this name; set its wakeup and join timeout, then {@link Builder#start}. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    private void run(Body body) {
        Throwable failure = null;
        try {
            body.run(this);
        } catch (Throwable t) {
            failure = t;
        }
        // A wakeup or an interrupt that stopped the body is how a stop ends it, not a failure. The flag is cleared
        // before done() completes, so whoever waits on done() sees the loop as no longer running.
        boolean meantToRun = running;
        running = false;
        if (failure == null || !meantToRun) {
            done.complete(null);
        } else {
            LOG.error("background loop {} ended with an error", name, failure);
            done.completeExceptionally(failure);
        }
    }

    /** Whether the body should go on: false once a stop was asked for (from any thread, the body's own included). */
    public boolean running() { return running; }

    /** Whether the calling thread is the loop's own. */
    public boolean isLoopThread() { return Thread.currentThread() == thread; }

    /** Whether the thread is still running its body. */
    public boolean alive() { return thread.isAlive(); }

    /** Completes when the body returned (exceptionally when it failed while it was meant to run). */
    public CompletableFuture<Void> done() { return done; }

    /**
     * Asks the body to stop and, from another thread, wakes it from a blocking call; does not wait. From the loop's own
     * thread only the flag is cleared: a wakeup there would strike the body's next blocking call.
     */
    public void requestStop() {
        running = false;
        if (isLoopThread()) return;
        if (wakeup != null) wakeup.run();
        if (interrupt) thread.interrupt();
    }

    /**
     * Asks the body to stop and waits up to the join timeout for it to end (not when called from the loop itself).
     *
     * @return whether the thread has ended
     */
    public boolean stop() {
        requestStop();
        if (isLoopThread()) return false;
        try {
            thread.join(joinTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** How a loop is set up before its thread starts. */
    public static final class Builder {
        private final String name;
        private Runnable wakeup;
        private boolean interrupt;
        private Duration joinTimeout = Duration.ofSeconds(10);

        private Builder(String name) {
            this.name = name;
        }

        /** What breaks the body's blocking call on a stop (e.g. {@code consumer::wakeup}; thread-safe). */
        public Builder wakeup(Runnable wakeup) {
            this.wakeup = wakeup;
            return this;
        }

        /** Interrupt the thread on a stop, for bodies that sleep rather than poll. */
        public Builder interruptOnStop() {
            this.interrupt = true;
            return this;
        }

        /** How long {@link BackgroundLoop#stop()} waits for the body to end (10 s unless set). */
        public Builder joinTimeout(Duration joinTimeout) {
            this.joinTimeout = joinTimeout;
            return this;
        }

        /** Starts the thread running the body. */
        public BackgroundLoop start(Body body) {
            BackgroundLoop loop = new BackgroundLoop(this, body);
            loop.thread.start();
            return loop;
        }
    }
}
