package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The fan-out of outputs to WebSocket clients, on a clock the test drives. */
class SubscriptionsTest {
    private final WsMeters meters = new WsMeters(new SimpleMeterRegistry(), new AtomicInteger());
    private final AtomicLong now = new AtomicLong();
    private final Subscriptions subscriptions = new Subscriptions();
    private long ids;

    private WsClient client(FakeConnection c, int allStreamsRate) {
        return new WsClient(++ids, c, true, meters, allStreamsRate, now::get);
    }

    @Test
    void shouldSendAStreamsOutputsToItsSubscribersOnlyAndEachClientOnce() {
        FakeConnection a = new FakeConnection();
        FakeConnection b = new FakeConnection();
        FakeConnection both = new FakeConnection();
        WsClient ca = client(a, 100);
        WsClient cb = client(b, 100);
        WsClient cboth = client(both, 100);
        subscriptions.subscribe(ca, "echo", "x");
        subscriptions.subscribe(cb, "echo", "y");
        subscriptions.subscribe(cboth, "echo", "x");
        subscriptions.subscribe(cboth, "echo", null);
        subscriptions.deliver("echo", "x", "x0");
        subscriptions.deliver("echo", "y", "y0");
        subscriptions.deliver("next", "x", "other pipeline");
        assertEquals(List.of("x0"), a.written);
        assertEquals(List.of("y0"), b.written);
        assertEquals(List.of("x0", "y0"), both.written);
    }

    @Test
    void shouldStopSendingAfterUnsubscribeAndAfterTheClientIsGone() {
        FakeConnection a = new FakeConnection();
        WsClient ca = client(a, 100);
        subscriptions.subscribe(ca, "echo", "x");
        subscriptions.subscribe(ca, "echo", null);
        subscriptions.deliver("echo", "x", "1");
        subscriptions.unsubscribe(ca, "echo", null);
        subscriptions.deliver("echo", "y", "2");
        subscriptions.deliver("echo", "x", "3");
        subscriptions.removeAll(ca);
        subscriptions.deliver("echo", "x", "4");
        assertEquals(List.of("1", "3"), a.written);
        assertEquals(0, ca.subscriptions().size());
    }

    @Test
    void shouldSampleAllStreamsAtTheClientsRateButGiveAStreamsOwnSubscribersEverything() {
        FakeConnection all = new FakeConnection();
        FakeConnection own = new FakeConnection();
        WsClient call = client(all, 3);
        subscriptions.subscribe(call, "echo", null);
        subscriptions.subscribe(client(own, 3), "echo", "x");
        for (int i = 0; i < 10; i++) subscriptions.deliver("echo", "x", "t" + i);
        assertEquals(List.of("t0", "t1", "t2"), all.written, "a burst of the rate, then nothing until time passes");
        assertEquals(7, call.sampledOut());
        assertEquals(10, own.written.size());
        now.addAndGet(1_000_000_000L);
        for (int i = 10; i < 20; i++) subscriptions.deliver("echo", "x", "t" + i);
        assertEquals(6, all.written.size(), "one second later: the rate again");
    }

    @Test
    void shouldDropAndCountForAClientThatDoesNotKeepUpWithoutHoldingBackTheOthers() {
        FakeConnection slow = new FakeConnection();
        FakeConnection fast = new FakeConnection();
        WsClient cslow = client(slow, 100);
        subscriptions.subscribe(cslow, "echo", "x");
        subscriptions.subscribe(client(fast, 100), "echo", "x");
        subscriptions.deliver("echo", "x", "0");
        slow.full = true;
        for (int i = 1; i < 5; i++) subscriptions.deliver("echo", "x", String.valueOf(i));
        slow.full = false;
        subscriptions.deliver("echo", "x", "5");
        assertEquals(List.of("0", "5"), slow.written);
        assertEquals(List.of("0", "1", "2", "3", "4", "5"), fast.written);
        assertEquals(4, cslow.dropped());
        assertEquals(2, cslow.sent());
        assertEquals(4.0, meters.dropped.count());
    }
}
