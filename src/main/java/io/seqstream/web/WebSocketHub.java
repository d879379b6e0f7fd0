package io.seqstream.web;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /ws}: upgrades to a WebSocket and keeps the open clients, hands their messages to the protocol and
 * outputs to their subscriptions. All client state lives on the gateway's event loop.
 */
final class WebSocketHub implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketHub.class);

    private final Map<Long, WsClient> clients = new LinkedHashMap<>();
    private final BearerAuth auth;
    private final int allStreamsRate;
    /** Read by the gauge on the scrape thread. */
    private final AtomicInteger open = new AtomicInteger();
    private final WsMeters meters;
    private final Subscriptions subscriptions;
    private final WsProtocol protocol;
    private long nextClientId = 1;

    /** @param allStreamsRate web.all-streams-rate: outputs per second per client of an all-streams subscription */
    WebSocketHub(BearerAuth auth, int allStreamsRate, MeterRegistry registry, Subscriptions subscriptions, WsProtocol protocol) {
        this.auth = auth;
        this.allStreamsRate = allStreamsRate;
        this.meters = new WsMeters(registry, open);
        this.subscriptions = subscriptions;
        this.protocol = protocol;
    }

    Collection<WsClient> clients() { return Collections.unmodifiableCollection(clients.values()); }

    /** Outputs dropped for slow clients since start, closed clients included. */
    double droppedTotal() { return meters.dropped.count(); }

    /** Sends one committed output to the clients subscribed to it. */
    void deliver(String pipeline, String stream, String json) {
        subscriptions.deliver(pipeline, stream, json);
    }

    @Override
    public void handle(RoutingContext ctx) {
        boolean mayWrite = auth.mayWrite(ctx.request());
        ctx.request().toWebSocket().onSuccess(ws -> open(ws, mayWrite)).onFailure(e -> {
            if (!ctx.response().ended()) HttpJson.error(ctx, 400, "WebSocket upgrade failed: " + e.getMessage());
        });
    }

    void closeAll() {
        for (WsClient c : new ArrayList<>(clients.values())) c.close();
    }

    private void open(ServerWebSocket ws, boolean mayWrite) {
        WsClient c = WsClient.of(nextClientId++, ws, mayWrite, meters, allStreamsRate);
        clients.put(c.id(), c);
        open.set(clients.size());
        ws.textMessageHandler(text -> protocol.onMessage(c, text));
        ws.binaryMessageHandler(b -> c.error("binary messages are not supported: send JSON text"));
        ws.exceptionHandler(e -> LOG.debug("web: client {}: {}", c.id(), e.toString()));
        ws.closeHandler(v -> closed(c));
    }

    private void closed(WsClient c) {
        if (clients.remove(c.id()) == null) return;
        open.set(clients.size());
        subscriptions.removeAll(c);
    }
}
