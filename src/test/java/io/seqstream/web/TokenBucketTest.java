package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The all-streams sampling: a burst up to the rate, then the rate, on a clock the test drives. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldAdmitABurstOfRateThenRefillAtTheRate() {
        TokenBucket b = new TokenBucket(200, 0);
        int admitted = 0;
        for (int i = 0; i < 1000; i++) if (b.tryTake(0)) admitted++;
        assertEquals(200, admitted, "a full bucket holds one second's worth");
        assertFalse(b.tryTake(0));
        admitted = 0;
        for (long t = 1; t <= 1000; t++) if (b.tryTake(t * SECOND / 1000)) admitted++;
        assertEquals(200, admitted, 1, "one second later: the rate again");
    }

    @Test
    void shouldNeverHoldMoreThanOneSecondsWorthAfterAnIdleSpell() {
        TokenBucket b = new TokenBucket(10, 0);
        int admitted = 0;
        for (int i = 0; i < 100; i++) if (b.tryTake(3600 * SECOND)) admitted++;
        assertEquals(10, admitted);
        assertTrue(b.tryTake(3600 * SECOND + SECOND / 5), "a fifth of a second refills two");
    }
}
