package io.seqstream.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.testing.ChildJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Three processor instances, each a JVM of its own, in one consumer group on the echo pipeline; a producer feeds
 * 1000 streams while one instance is killed with SIGKILL, then a second, then both start again. Every input token
 * must have exactly one committed output, positions 0..n-1 per stream, each record bit for bit the reference run's.
 * Sizes: 1000 streams x 30 letters = 30,000 tokens, a round of 1000 letters every 1.5 s (45 s of feed); a killed
 * after round 4, b after round 8, both started again after round 12. Instance a holds every transaction open for 2 s
 * ({@code pipeline.echo.fault.hold-commit}) so that its kill lands inside one: that transaction's outputs are in the
 * log, aborted, and must never reach a read_committed reader.
 */
class FailoverIT {
    private static final int STREAMS = 1000;
    private static final int LENGTH = 30;

    @Test
    void shouldCommitEveryTokenOnceAndBitForBitWhileInstancesAreKilledAndRestarted() throws Exception {
        try (FaultHarness h = new FaultHarness("failover")) {
            // a holds each transaction open for 2 s with its outputs already in the log and says so when the hold
            // begins; the SIGKILL follows that line, so it lands inside an open transaction.
            ChildJvm a = h.instance("fo-a", "pipeline.echo.fault.hold-commit=2s");
            ChildJvm b = h.instance("fo-b");
            ChildJvm c = h.instance("fo-c");
            for (ChildJvm i : List.of(a, b, c)) i.start();
            for (ChildJvm i : List.of(a, b, c)) i.awaitReady(Duration.ofMinutes(2));
            try (FaultHarness.Feed feed = new FaultHarness.Feed(h.kafka.bootstrapServers(), STREAMS, LENGTH,
                    Duration.ofMillis(1500), 8).start()) {
                feed.awaitRounds(4);
                // Killed within the 2 s hold that follows this line: the transaction is open, its outputs in the log.
                a.awaitNextLine("fault drill: transaction", Duration.ofSeconds(60));
                a.kill9();
                feed.awaitRounds(8);
                b.kill9();
                // SIGKILL, not a shutdown: a JVM killed by signal 9 exits with 128 + 9.
                assertEquals(137, a.exitCode(), "instance a was killed with SIGKILL");
                assertEquals(137, b.exitCode(), "instance b was killed with SIGKILL");
                assertFalse(a.alive() || b.alive());
                feed.awaitRounds(12);
                assertTrue(feed.rounds.get() < LENGTH, "the instances restart while the feed is still going");
                a.start();
                b.start();
                a.awaitReady(Duration.ofMinutes(2));
                b.awaitReady(Duration.ofMinutes(2));
                // JVM start takes 10-40 s on the loaded 2-core machine: say when they were back, not assert it.
                System.out.printf("failover: a and b back after round %d of %d%n", feed.rounds.get(), LENGTH);
                feed.await(Duration.ofMinutes(3));
                int outputs = h.verify(feed, Duration.ofMinutes(4));
                assertEquals(STREAMS * LENGTH, outputs);
                long aborted = h.abortedOutputs(outputs);
                System.out.printf("failover: %d output records of aborted transactions in the log, none delivered%n", aborted);
                assertTrue(aborted > 0, "the kill landed inside an open transaction whose outputs were aborted");
            }
            assertTrue(c.alive(), "the instance never killed is still running");
            h.assertNoErrorsLogged();
        }
    }
}
