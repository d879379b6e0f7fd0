package io.seqstream.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/** The WebSocket meters: open clients, outputs sent, outputs dropped for clients that did not keep up. */
final class WsMeters {
    final Counter sent;
    final Counter dropped;

    /** @param openClients kept by its owner: a gauge holds its object weakly, a lambda here would be collected */
    WsMeters(MeterRegistry registry, AtomicInteger openClients) {
        this.dropped = Counter.builder("seqstream.ws.dropped").description("Outputs not sent to a WebSocket client whose write queue was full")
                .register(registry);
        this.sent = Counter.builder("seqstream.ws.sent").description("Outputs sent to WebSocket clients").register(registry);
        Gauge.builder("seqstream.ws.clients", openClients, AtomicInteger::get).description("Open WebSocket connections").register(registry);
    }
}
