package io.seqstream.bench;

import io.seqstream.app.Product;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.config.SeqstreamConfig;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tokens per second delivered to WebSocket clients through the whole product (gateway send -> Kafka -> processor
 * -> event bus -> client), once with every client reading and once beside clients that subscribe to everything
 * and never read. The two figures show what slow clients cost the others (they should cost little: their outputs
 * are dropped, not queued).
 */
public final class WebSocketBench {
    /** The scenario every client reads in; the other one has stalled clients beside them. */
    public static final String READING = "all clients read";

    private WebSocketBench() {
    }

    /** One measured run. */
    public record Result(String scenario, int clients, int tokensPerClient, int slowClients, double seconds, double tokensPerSecond,
                         long delivered) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scenario", scenario);
            m.put("clients", clients);
            m.put("tokensPerClient", tokensPerClient);
            m.put("slowClients", slowClients);
            m.put("seconds", seconds);
            m.put("tokensPerSecond", tokensPerSecond);
            m.put("delivered", delivered);
            return m;
        }
    }

    /**
     * Starts a product on a fresh embedded broker and measures both scenarios, alternating them for the given
     * number of rounds so that warm-up and drift fall on both alike.
     */
    public static List<Result> run(ModelSnapshot model, int clients, int tokens, int slow, int rounds) throws Exception {
        Path dir = Files.createTempDirectory("seqstream-bench-ws-");
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("app.data-dir", dir.toString(), "kafka.embedded-port", "0",
                "web.port", "0", "trainer.models", "none", "pipelines", "echo"));
        List<Result> out = new ArrayList<>();
        try (Product product = Product.start(config, Map.of("echo", model), new PrintStream(OutputStream.nullOutputStream()))) {
            int port = product.gateway().port();
            // A full-size round of each scenario first, not counted: the first full round ran at a third of the
            // later ones' rate (JIT, pools, connections), which alone made one scenario look slower.
            measure(port, "warm-up", clients, tokens, 0, 1);
            measure(port, "warm-up", clients, tokens, slow, 2);
            for (int r = 0; r < rounds; r++) {
                out.add(measure(port, READING, clients, tokens, 0, 3 + 2 * r));
                out.add(measure(port, "with " + slow + " clients that never read", clients, tokens, slow, 4 + 2 * r));
            }
        }
        return out;
    }

    private static Result measure(int port, String scenario, int clients, int tokens, int slow, int round) throws Exception {
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < slow; i++) stalled.add(neverReading(port));
        HttpClient http = HttpClient.newHttpClient();
        CountDownLatch complete = new CountDownLatch(clients);
        AtomicLong delivered = new AtomicLong();
        List<WebSocket> sockets = new ArrayList<>();
        try {
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                opening.add(http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"),
                        counting(tokens, complete, delivered)));
            }
            for (CompletableFuture<WebSocket> f : opening) sockets.add(f.get(30, TimeUnit.SECONDS));
            Random rng = new Random(round);
            long t0 = System.nanoTime();
            for (int i = 0; i < clients; i++) {
                StringBuilder sb = new StringBuilder();
                for (int t = 0; t < tokens; t++) sb.append((char) ('a' + rng.nextInt(26)));
                String stream = "bench-" + round + "-" + i;
                WebSocket ws = sockets.get(i);
                ws.sendText("{\"subscribe\":{\"pipeline\":\"echo\",\"stream\":\"" + stream + "\"}}", true).join();
                ws.sendText("{\"send\":{\"pipeline\":\"echo\",\"stream\":\"" + stream + "\",\"text\":\"" + sb + "\"}}", true).join();
            }
            if (!complete.await(5, TimeUnit.MINUTES)) throw new IllegalStateException(scenario + ": not every client got its outputs");
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(scenario, clients, tokens, slow, seconds, delivered.get() / seconds, delivered.get());
        } finally {
            sockets.forEach(WebSocket::abort);
            for (Socket s : stalled) s.close();
        }
    }

    private static WebSocket.Listener counting(int expected, CountDownLatch complete, AtomicLong delivered) {
        return new WebSocket.Listener() {
            int got;

            @Override
            public void onOpen(WebSocket ws) {
                ws.request(Long.MAX_VALUE);
            }

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                if (!last) return null;
                delivered.incrementAndGet();
                if (++got == expected) complete.countDown();
                return null;
            }
        };
    }

    /** Completes the upgrade, subscribes to every stream of echo, and never reads again. */
    private static Socket neverReading(int port) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IllegalStateException("upgrade refused: " + head);
            head.write(b);
        }
        byte[] payload = "{\"subscribe\":{\"pipeline\":\"echo\"}}".getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        byte[] mask = {7, 1, 8, 2};
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        out.write(frame);
        out.flush();
        return s;
    }
}
