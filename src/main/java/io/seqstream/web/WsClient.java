package io.seqstream.web;

import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/** One WebSocket connection: what it subscribed to, what it was sent and lost; touched only on the event loop. */
final class WsClient {
    /** What a client needs of its socket: a WebSocket in the product, a recording fake in unit tests. */
    interface Connection {
        boolean isClosed();

        /** The socket's write queue is over its high-water mark: the peer does not keep up. */
        boolean writeQueueFull();

        void write(String text);

        void close();

        String remote();
    }

    private final long id;
    private final Connection connection;
    private final boolean mayWrite;
    private final WsMeters meters;
    private final TokenBucket allStreams;
    private final LongSupplier nanoClock;
    /** "pipeline/stream", or "pipeline/" for all its streams. */
    private final Set<String> subscriptions = new HashSet<>();
    private long sent;
    private long dropped;
    private long sampledOut;

    /**
     * @param allStreamsRate outputs per second of all-streams subscriptions this client gets at most
     * @param nanoClock      the time for that rate ({@code System::nanoTime}; tests drive their own)
     */
    WsClient(long id, Connection connection, boolean mayWrite, WsMeters meters, int allStreamsRate, LongSupplier nanoClock) {
        this.id = id;
        this.connection = connection;
        this.mayWrite = mayWrite;
        this.meters = meters;
        this.nanoClock = nanoClock;
        this.allStreams = new TokenBucket(allStreamsRate, nanoClock.getAsLong());
    }

    /** A client of a WebSocket. */
    static WsClient of(long id, ServerWebSocket ws, boolean mayWrite, WsMeters meters, int allStreamsRate) {
        return new WsClient(id, new Connection() {
            @Override public boolean isClosed() { return ws.isClosed(); }

            @Override public boolean writeQueueFull() { return ws.writeQueueFull(); }

            @Override public void write(String text) { ws.writeTextMessage(text); }

            @Override public void close() { ws.close(); }

            @Override public String remote() { return String.valueOf(ws.remoteAddress()); }
        }, mayWrite, meters, allStreamsRate, System::nanoTime);
    }

    long id() { return id; }

    String remoteAddress() { return connection.remote(); }

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
        if (allStreams.tryTake(nanoClock.getAsLong())) return true;
        sampledOut++;
        return false;
    }

    /** A full write queue means the client does not keep up: drop, count, and never wait for it. */
    void push(String json) {
        if (connection.isClosed()) return;
        if (connection.writeQueueFull()) {
            dropped++;
            meters.dropped.increment();
            return;
        }
        connection.write(json);
        sent++;
        meters.sent.increment();
    }

    void error(String message) {
        if (!connection.isClosed()) connection.write(new JsonObject().put("error", message).encode());
    }

    void close() { connection.close(); }
}
