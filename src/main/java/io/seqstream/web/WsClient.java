package io.seqstream.web;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.util.HashSet;
import java.util.Set;

/** One WebSocket connection: what it subscribed to, what it was sent and lost; touched only on the event loop. */
final class WsClient {
    private final long id;
    private final ServerWebSocket ws;
    private final boolean mayWrite;
    private final WsMeters meters;
    private final TokenBucket allStreams;
    /** "pipeline/stream", or "pipeline/" for all its streams. */
    private final Set<String> subscriptions = new HashSet<>();
    private long sent;
    private long dropped;
    private long sampledOut;

    /** @param allStreamsRate outputs per second of all-streams subscriptions this client gets at most */
    WsClient(long id, ServerWebSocket ws, boolean mayWrite, WsMeters meters, int allStreamsRate) {
        this.id = id;
        this.ws = ws;
        this.mayWrite = mayWrite;
        this.meters = meters;
        this.allStreams = new TokenBucket(allStreamsRate, System.nanoTime());
    }

    long id() { return id; }

    SocketAddress remoteAddress() { return ws.remoteAddress(); }

    /** Whether the upgrade presented the bearer token (else each send must carry it). */
    boolean mayWrite() { return mayWrite; }

    Set<String> subscriptions() { return subscriptions; }

    long sent() { return sent; }

    long dropped() { return dropped; }

    long sampledOut() { return sampledOut; }

    /**
     * All-streams subscriptions are sampled (a token bucket of web.all-streams-rate outputs per second): a
     * dashboard watching everything must not cost the gateway the whole pipeline's output rate per client.
     */
    boolean admitSample() {
        if (allStreams.tryTake(System.nanoTime())) return true;
        sampledOut++;
        return false;
    }

    /** A full write queue means the client does not keep up: drop, count, and never wait for it. */
    void push(String json) {
        if (ws.isClosed()) return;
        if (ws.writeQueueFull()) {
            dropped++;
            meters.dropped.increment();
            return;
        }
        ws.writeTextMessage(json);
        sent++;
        meters.sent.increment();
    }

    void error(String message) {
        if (!ws.isClosed()) ws.writeTextMessage(new JsonObject().put("error", message).encode());
    }

    void close() { ws.close(); }
}
