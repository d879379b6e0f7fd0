package io.seqstream.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.stream.OutputRecord;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A WebSocket client on the JDK's java.net.http (Vert.x's own client fails when the server pushes frames right
 * after the upgrade, see FACTS.md). Collects every text message; tests wait on conditions over what arrived.
 */
final class WsTestClient implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> messages = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket ws;

    static CompletableFuture<WsTestClient> connect(int port, Map<String, String> headers) {
        WsTestClient c = new WsTestClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        return b.buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), c.listener()).thenApply(ws -> {
            c.ws = ws;
            return c;
        });
    }

    static WsTestClient open(int port) throws Exception {
        return connect(port, Map.of()).get(20, TimeUnit.SECONDS);
    }

    private WebSocket.Listener listener() {
        return new WebSocket.Listener() {
            @Override
            public void onOpen(WebSocket webSocket) {
                webSocket.request(Long.MAX_VALUE);
            }

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                synchronized (WsTestClient.this) {
                    partial.append(data);
                    if (last) {
                        messages.add(partial.toString());
                        partial.setLength(0);
                        WsTestClient.this.notifyAll();
                    }
                }
                return null;
            }
        };
    }

    /** Sends one text message and waits until the JDK handed it to the socket (sends must not overlap). */
    void send(String text) {
        ws.sendText(text, true).join();
    }

    void subscribe(String pipeline, String stream) {
        send(stream == null ? "{\"subscribe\":{\"pipeline\":\"" + pipeline + "\"}}"
                : "{\"subscribe\":{\"pipeline\":\"" + pipeline + "\",\"stream\":\"" + stream + "\"}}");
    }

    void sendText(String pipeline, String stream, String text) {
        send("{\"send\":{\"pipeline\":\"" + pipeline + "\",\"stream\":\"" + stream + "\",\"text\":\"" + text + "\"}}");
    }

    /**
     * Messages are handled in order on the server: once the answer to a deliberately bad message arrives, every
     * message sent before it (a subscription, say) has taken effect.
     */
    void barrier() throws InterruptedException {
        int errorsBefore = errors().size();
        send("{\"barrier\":{}}");
        await(m -> errors().size() > errorsBefore, Duration.ofSeconds(20));
    }

    synchronized List<String> messages() { return List.copyOf(messages); }

    /** The output records received (anything that is not an error), parsed. */
    List<OutputRecord> outputs() {
        List<OutputRecord> out = new ArrayList<>();
        for (String m : messages()) {
            if (!parse(m).has("error")) out.add(OutputRecord.parse(m));
        }
        return out;
    }

    List<String> errors() {
        List<String> out = new ArrayList<>();
        for (String m : messages()) {
            JsonNode n = parse(m);
            if (n.has("error")) out.add(n.get("error").asText());
        }
        return out;
    }

    List<OutputRecord> outputsOf(String stream) {
        return outputs().stream().filter(n -> n.stream().equals(stream)).toList();
    }

    static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    /** Waits until the condition holds over what arrived (true), or the timeout passes (false). */
    synchronized boolean await(Predicate<WsTestClient> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(this)) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) return false;
            wait(Math.min(left, 200));
        }
        return true;
    }

    @Override
    public void close() {
        if (ws != null) ws.abort();
    }
}
