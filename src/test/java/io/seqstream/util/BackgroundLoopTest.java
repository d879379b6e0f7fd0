package io.seqstream.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundLoopTest {

    @Test
    void shouldWakeABodyBlockedInItsCallAndWaitForItToEnd() throws Exception {
        Semaphore blocked = new Semaphore(0);
        CountDownLatch entered = new CountDownLatch(1);
        AtomicInteger cleanedUp = new AtomicInteger();
        BackgroundLoop loop = BackgroundLoop.named("test-wakeup").wakeup(blocked::release).joinTimeout(Duration.ofSeconds(30))
                .start(l -> {
                    try {
                        while (l.running()) {
                            entered.countDown();
                            blocked.acquire();
                        }
                    } finally {
                        cleanedUp.incrementAndGet();
                    }
                });
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        assertTrue(loop.stop(), "the thread ended within the join timeout");
        assertFalse(loop.alive());
        assertFalse(loop.running());
        assertEquals(1, cleanedUp.get(), "the body's own clean-up ran once");
        loop.done().get(1, TimeUnit.SECONDS);
    }

    @Test
    void shouldTreatAnExceptionThatAStopCausedAsAnOrderlyEnd() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        BackgroundLoop loop = BackgroundLoop.named("test-interrupt").interruptOnStop().start(l -> {
            entered.countDown();
            while (l.running()) Thread.sleep(60_000);
        });
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        assertTrue(loop.stop());
        loop.done().get(1, TimeUnit.SECONDS);
        assertFalse(loop.done().isCompletedExceptionally());
    }

    @Test
    void shouldReportABodyThatFailsWhileMeantToRun() throws Exception {
        BackgroundLoop loop = BackgroundLoop.named("test-failure").start(l -> {
            throw new IllegalStateException("broken");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> loop.done().get(30, TimeUnit.SECONDS));
        assertEquals("broken", e.getCause().getMessage());
        assertFalse(loop.running(), "a failed loop no longer runs");
    }

    @Test
    void shouldLetTheBodyStopItselfWithoutWakingItsOwnNextCall() throws Exception {
        AtomicInteger wakeups = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        BackgroundLoop loop = BackgroundLoop.named("test-self-stop").wakeup(wakeups::incrementAndGet).start(l -> {
            while (l.running()) {
                if (rounds.incrementAndGet() == 3) assertFalse(l.stop(), "a loop does not wait for itself");
            }
        });
        loop.done().get(30, TimeUnit.SECONDS);
        assertEquals(3, rounds.get());
        assertEquals(0, wakeups.get(), "no wakeup from the loop's own thread");
    }
}
