package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.app.Product;
import io.seqstream.stream.OutputRecord;
import io.seqstream.testing.LiveProduct;
import io.seqstream.testing.SharedKafka;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The WebSocket protocol against the running product: subscriptions, sends, 200 clients, a client that never reads, bad messages. */
@ExtendWith(SharedKafka.class)
class GatewayWebSocketIT {
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static Product product;
    private static int port;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() throws Exception {
        product = LiveProduct.start(Map.of());
        port = product.gateway().port();
    }

    @AfterAll
    static void stop() {
        if (product != null) product.close();
    }

    @Test
    void shouldDeliverAStreamsOutputsOnlyToItsSubscribersInOrder() throws Exception {
        String mine = "one-" + run;
        String other = "other-" + run;
        try (WsTestClient a = WsTestClient.open(port); WsTestClient b = WsTestClient.open(port)) {
            a.subscribe("echo", mine);
            b.subscribe("echo", other);
            b.barrier();
            a.sendText("echo", mine, "hellohello");
            assertTrue(a.await(c -> c.outputsOf(mine).size() >= 10, WAIT), () -> "outputs of " + mine + ": " + a.messages());
            b.sendText("echo", other, "abc");
            assertTrue(b.await(c -> c.outputsOf(other).size() >= 3, WAIT), () -> String.valueOf(b.messages()));
            List<OutputRecord> got = a.outputsOf(mine);
            assertEquals(10, got.size());
            for (int i = 0; i < 10; i++) {
                OutputRecord n = got.get(i);
                assertEquals(i, (int) n.pos());
                assertEquals(String.valueOf("hellohello".charAt(i)), n.in());
                assertEquals("echo", n.pipeline());
                assertTrue(n.out() != null && Float.isFinite(n.p()) && !n.model().isEmpty() && n.version() >= 1, n.toString());
            }
            assertEquals("hello", got.subList(4, 9).stream().map(n -> n.out()).reduce("", String::concat),
                    "the echo model answers each letter 4 steps later");
            assertTrue(a.outputsOf(other).isEmpty(), "a never subscribed to " + other);
            assertEquals(3, b.outputs().size(), "b only gets its own stream: " + b.messages());
        }
    }

    @Test
    void shouldDeliverEveryStreamToAnAllStreamsSubscriberUntilItUnsubscribes() throws Exception {
        try (WsTestClient watcher = WsTestClient.open(port); WsTestClient writer = WsTestClient.open(port)) {
            watcher.subscribe("echo", null);
            watcher.barrier();
            String x = "x-" + run;
            String y = "y-" + run;
            writer.sendText("echo", x, "abcd");
            writer.sendText("echo", y, "efg");
            assertTrue(watcher.await(c -> c.outputsOf(x).size() >= 4 && c.outputsOf(y).size() >= 3, WAIT), () -> String.valueOf(watcher.messages()));
            assertEquals(List.of(0, 1, 2, 3), watcher.outputsOf(x).stream().map(n -> (int) n.pos()).toList());
            assertEquals(List.of(0, 1, 2), watcher.outputsOf(y).stream().map(n -> (int) n.pos()).toList());
            assertTrue(writer.outputs().isEmpty(), "the writer subscribed to nothing");

            watcher.send("{\"unsubscribe\":{\"pipeline\":\"echo\"}}");
            watcher.subscribe("echo", y);
            watcher.barrier();
            writer.sendText("echo", x, "hi");
            writer.sendText("echo", y, "jk");
            assertTrue(watcher.await(c -> c.outputsOf(y).size() >= 5, WAIT), () -> String.valueOf(watcher.messages()));
            // y's outputs were produced after x's in the same order of sends; x's never come any more.
            assertEquals(4, watcher.outputsOf(x).size(), "unsubscribed from all streams: x is no longer delivered");
        }
    }

    @Test
    void shouldServe200ConcurrentClientsEachTheirOwnStreamInOrder() throws Exception {
        int clients = 200;
        int length = 12;
        Random rng = new Random(7);
        List<CompletableFuture<WsTestClient>> connecting = new ArrayList<>();
        for (int i = 0; i < clients; i++) connecting.add(WsTestClient.connect(port, Map.of()));
        List<WsTestClient> all = new ArrayList<>();
        try {
            for (CompletableFuture<WsTestClient> f : connecting) all.add(f.get(30, TimeUnit.SECONDS));
            String[] texts = new String[clients];
            List<CompletableFuture<Void>> sending = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                StringBuilder sb = new StringBuilder();
                for (int t = 0; t < length; t++) sb.append((char) ('a' + rng.nextInt(26)));
                texts[i] = sb.toString();
                WsTestClient c = all.get(i);
                String stream = "c" + i + "-" + run;
                String text = texts[i];
                // Each client subscribes, then sends half its text twice: order across its own messages must hold.
                sending.add(CompletableFuture.runAsync(() -> {
                    c.subscribe("echo", stream);
                    c.sendText("echo", stream, text.substring(0, length / 2));
                    c.sendText("echo", stream, text.substring(length / 2));
                }));
            }
            CompletableFuture.allOf(sending.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < clients; i++) {
                WsTestClient c = all.get(i);
                String stream = "c" + i + "-" + run;
                assertTrue(c.await(x -> x.outputsOf(stream).size() >= length, WAIT), () -> "client " + stream + ": " + c.messages());
                List<OutputRecord> got = c.outputsOf(stream);
                assertEquals(length, got.size(), "client " + i + " got each output once");
                assertEquals(length, c.outputs().size(), "client " + i + " got only its own stream");
                for (int t = 0; t < length; t++) {
                    assertEquals(t, (int) got.get(t).pos(), "client " + i + " in order");
                    assertEquals(String.valueOf(texts[i].charAt(t)), got.get(t).in());
                }
            }
        } finally {
            all.forEach(WsTestClient::close);
        }
    }

    @Test
    void shouldKeepServingOthersCompletelyWhileAClientNeverReadsAndCountItsDrops() throws Exception {
        try (Socket slow = new Socket(); WsTestClient fast = WsTestClient.open(port)) {
            // A tiny receive window and no reads: the server's queue for this client fills up soon.
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            rawUpgrade(slow);
            int streams = 20;
            int length = 200;
            Random rng = new Random(11);
            long slowDropped = 0;
            int rounds = 0;
            int expectedPerStream = 0;
            List<String> ids = new ArrayList<>();
            StringBuilder[] sent = new StringBuilder[streams];
            for (int s = 0; s < streams; s++) {
                ids.add("f" + s + "-" + run);
                sent[s] = new StringBuilder();
                fast.subscribe("echo", ids.get(s));
                // The slow client follows the same streams one by one: those subscriptions get every output (an
                // all-streams subscription is only a sample and would not fill its queue).
                slow.getOutputStream().write(maskedText("{\"subscribe\":{\"pipeline\":\"echo\",\"stream\":\"" + ids.get(s) + "\"}}"));
            }
            // One more subscription than the fast client has tells the two apart in /api/clients.
            slow.getOutputStream().write(maskedText("{\"subscribe\":{\"pipeline\":\"echo\",\"stream\":\"marker-" + run + "\"}}"));
            slow.getOutputStream().flush();
            JsonNode slowClient = awaitClient(c -> c.get("subscriptions").size() == streams + 1);

            // Rounds until the slow client has lost something (bounded): each round must reach the fast client whole.
            while (slowDropped == 0 && rounds < 15) {
                rounds++;
                for (int s = 0; s < streams; s++) {
                    StringBuilder sb = new StringBuilder();
                    for (int t = 0; t < length; t++) sb.append((char) ('a' + rng.nextInt(26)));
                    sent[s].append(sb);
                    fast.sendText("echo", ids.get(s), sb.toString());
                }
                expectedPerStream += length;
                int want = expectedPerStream;
                assertTrue(fast.await(c -> ids.stream().allMatch(id -> c.outputsOf(id).size() >= want), Duration.ofSeconds(60)),
                        "round " + rounds + ": the fast client got " + fast.outputs().size() + " of " + want * streams);
                slowDropped = clientById(slowClient.get("id").asLong()).get("dropped").asLong();
            }
            assertTrue(slowDropped > 0, "the slow client dropped nothing after " + rounds + " rounds");
            for (int s = 0; s < streams; s++) {
                List<OutputRecord> got = fast.outputsOf(ids.get(s));
                assertEquals(expectedPerStream, got.size(), "stream " + ids.get(s) + " complete, nothing doubled");
                for (int t = 0; t < got.size(); t++) {
                    assertEquals(t, (int) got.get(t).pos());
                    assertEquals(String.valueOf(sent[s].charAt(t)), got.get(t).in());
                }
            }
            String metrics = get("/metrics").body();
            double total = metric(metrics, "seqstream_ws_dropped_total");
            assertTrue(total >= slowDropped, "seqstream_ws_dropped_total " + total + " counts the slow client's " + slowDropped);
            assertTrue(metric(metrics, "seqstream_ws_clients") >= 2, "both clients are open");
        }
    }

    @Test
    void shouldAnswerEachMalformedMessageWithAnErrorAndStayUsable() throws Exception {
        try (WsTestClient c = WsTestClient.open(port)) {
            List<String> bad = List.of(
                    "not json at all",
                    "[1,2,3]",
                    "{\"dance\":{}}",
                    "{\"subscribe\":{}}",
                    "{\"subscribe\":\"echo\"}",
                    "{\"subscribe\":{\"pipeline\":\"nope\"}}",
                    "{\"send\":{\"pipeline\":\"echo\",\"stream\":\"s\"}}",
                    "{\"send\":{\"pipeline\":\"echo\",\"text\":\"abc\"}}",
                    "{\"send\":{\"pipeline\":\"echo\",\"stream\":\"s\",\"text\":\"\"}}",
                    "{\"send\":{\"pipeline\":\"nope\",\"stream\":\"s\",\"text\":\"abc\"}}",
                    "{\"send\":{\"pipeline\":\"echo\",\"stream\":\"s\",\"text\":\"" + "a".repeat(65_537) + "\"}}",
                    "{\"send\":{\"pipeline\":\"echo\",\"stream\":\"s\",\"text\":\"" + "a".repeat(300_000) + "\"}}",
                    "{\"subscribe\":{\"pipeline\":\"echo\"},\"send\":{}}");
            for (String m : bad) c.send(m);
            assertTrue(c.await(x -> x.errors().size() >= bad.size(), WAIT), () -> String.valueOf(c.messages()));
            List<String> errors = c.errors();
            assertEquals(bad.size(), errors.size(), "one error per bad message: " + errors);
            assertTrue(errors.get(0).contains("JSON"), errors.get(0));
            assertTrue(errors.get(2).contains("unknown message type"), errors.get(2));
            assertTrue(errors.get(3).contains("missing field 'pipeline'"), errors.get(3));
            assertTrue(errors.get(5).contains("unknown pipeline 'nope'"), errors.get(5));
            assertTrue(errors.get(6).contains("'text'"), errors.get(6));
            assertTrue(errors.get(7).contains("'stream'"), errors.get(7));
            assertTrue(errors.get(8).contains("empty"), errors.get(8));
            assertTrue(errors.get(10).contains("too large"), errors.get(10));
            assertTrue(errors.get(11).contains("too large"), errors.get(11));
            // Still usable: a good subscription and send work on the same connection.
            String s = "ok-" + run;
            c.subscribe("echo", s);
            c.sendText("echo", s, "abc");
            assertTrue(c.await(x -> x.outputsOf(s).size() >= 3, WAIT), () -> String.valueOf(c.messages()));
            assertTrue(c.outputs().size() == 3, "nothing of the bad sends was produced: " + c.outputs());
        }
    }

    // ------------------------------------------------------------------ helpers

    private static void rawUpgrade(Socket s) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new AssertionError("connection closed during the upgrade: " + head);
            head.write(b);
        }
        assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), head.toString(StandardCharsets.US_ASCII));
    }

    /** A client-to-server text frame (clients must mask). */
    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        if (payload.length > 125) throw new IllegalArgumentException("short frames only");
        byte[] mask = {1, 2, 3, 4};
        byte[] frame = new byte[2 + 4 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        return frame;
    }

    static HttpResponse<String> get(String path) throws Exception {
        return WsTestClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode awaitClient(java.util.function.Predicate<JsonNode> match) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode c : WsTestClient.parse(get("/api/clients").body()).get("clients")) if (match.test(c)) return c;
            Thread.sleep(50); // polling an HTTP endpoint: there is nothing to wait on in-process
        }
        throw new AssertionError("no such client: " + get("/api/clients").body());
    }

    private static JsonNode clientById(long id) throws Exception {
        for (JsonNode c : WsTestClient.parse(get("/api/clients").body()).get("clients")) if (c.get("id").asLong() == id) return c;
        throw new AssertionError("client " + id + " is gone");
    }

    static double metric(String scrape, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        if (!found) throw new AssertionError("no metric " + name + " in the scrape");
        return sum;
    }
}
