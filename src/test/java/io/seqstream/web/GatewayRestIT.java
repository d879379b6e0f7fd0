package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.seqstream.app.Product;
import io.seqstream.stream.OutputRecord;
import io.seqstream.testing.LiveProduct;
import io.seqstream.testing.SharedKafka;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The REST API, /metrics and /health, and the bearer token on everything that writes. This product follows the
 * outputs topic (web.read-outputs-topic=true), so WebSocket outputs here come through Kafka, not the direct feed.
 */
@ExtendWith(SharedKafka.class)
class GatewayRestIT {
    private static final String TOKEN = "s3cret-token";
    private static final Duration WAIT = Duration.ofSeconds(45);
    private static Product product;
    private static int port;
    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() throws Exception {
        product = LiveProduct.start(Map.of("web.token", TOKEN, "web.read-outputs-topic", "true"));
        port = product.gateway().port();
    }

    @AfterAll
    static void stop() {
        if (product != null) product.close();
    }

    @Test
    void shouldListPipelinesAndModels() throws Exception {
        HttpResponse<String> r = get("/api/pipelines");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        JsonNode echo = json(r).get(0);
        assertEquals("echo", echo.get("name").asText());
        assertEquals("tokens.echo", echo.get("topics").get("input").asText());
        assertEquals("outputs.echo", echo.get("topics").get("output").asText());
        assertEquals("echo-gru", echo.get("model").get("name").asText());
        assertTrue(echo.get("model").get("version").asLong() >= 1);
        assertTrue(echo.has("activeStreams"));

        JsonNode model = json(get("/api/models")).get(0);
        assertEquals("echo-gru", model.get("name").asText());
        assertEquals("echo", model.get("task").asText());
        assertTrue(model.get("heldOutAccuracy").asDouble() >= 0.99, model.toString());
        assertEquals("echo", model.get("pipelines").get(0).asText());
        assertTrue(json(get("/api/training")).has("models"));
    }

    @Test
    void shouldAcceptTextForAStreamWith202AndTheOffsetAndDeliverItsOutputs() throws Exception {
        String stream = "rest-" + run;
        try (WsTestClient c = WsTestClient.open(port)) {
            c.subscribe("echo", stream);
            c.barrier();
            HttpResponse<String> r = post("/api/pipelines/echo/streams/" + stream, "hello", TOKEN);
            assertEquals(202, r.statusCode(), r.body());
            JsonNode ack = json(r);
            assertEquals("tokens.echo", ack.get("topic").asText());
            assertTrue(ack.get("offset").asLong() >= 0 && ack.has("partition"), r.body());
            assertTrue(c.await(x -> x.outputsOf(stream).size() >= 5, WAIT), () -> String.valueOf(c.messages()));
            assertEquals("hello", c.outputsOf(stream).stream().map(OutputRecord::in).reduce("", String::concat));
        }
        assertTrue(json(get("/api/pipelines")).get(0).get("recentStreams").toString().contains(stream));
    }

    @Test
    void shouldAnswerBadRequestsWith4xxAndAJsonError() throws Exception {
        assertError(post("/api/pipelines/nope/streams/s1", "abc", TOKEN), 404, "unknown pipeline");
        assertError(post("/api/pipelines/echo/streams/s1", "", TOKEN), 400, "empty");
        assertError(post("/api/pipelines/echo/streams/s1", "a".repeat(65_537), TOKEN), 400, "too large");
        assertError(post("/api/pipelines/echo/streams/" + URLEncoder.encode("bad\u0001id", StandardCharsets.UTF_8), "abc", TOKEN),
                400, "control character");
        assertError(post("/api/pipelines/echo/streams/" + "x".repeat(300), "abc", TOKEN), 400, "stream id longer");
        assertError(get("/api/nothing-here"), 404, "no such endpoint");
        assertError(post("/api/models/echo-gru/sample", "{\"seed\":\"a\"}", TOKEN), 400, "not a next-token model");
        assertError(post("/api/models/nope/sample", "{}", TOKEN), 404, "unknown model");
    }

    @Test
    void shouldRequireTheBearerTokenToWriteButNotToRead() throws Exception {
        assertError(post("/api/pipelines/echo/streams/s1", "abc", null), 401, "bearer token");
        assertError(post("/api/pipelines/echo/streams/s1", "abc", "wrong"), 401, "bearer token");
        assertEquals(200, get("/api/models").statusCode());

        String stream = "tok-" + run;
        try (WsTestClient anonymous = WsTestClient.open(port);
             WsTestClient holder = WsTestClient.connect(port, Map.of("Authorization", "Bearer " + TOKEN)).get()) {
            anonymous.subscribe("echo", stream);
            anonymous.sendText("echo", stream, "abc");
            assertTrue(anonymous.await(x -> !x.errors().isEmpty(), WAIT), () -> String.valueOf(anonymous.messages()));
            assertTrue(anonymous.errors().get(0).contains("token"), anonymous.errors().get(0));
            // The anonymous client may still watch; the token holder's send reaches it.
            holder.sendText("echo", stream, "xyz");
            assertTrue(anonymous.await(x -> x.outputsOf(stream).size() >= 3, WAIT), () -> String.valueOf(anonymous.messages()));
            assertEquals("xyz", anonymous.outputsOf(stream).stream().map(OutputRecord::in).reduce("", String::concat),
                    "only the token holder's text was produced");
        }
    }

    @Test
    void shouldServeMetricsAndHealth() throws Exception {
        HttpResponse<String> m = get("/metrics");
        assertEquals(200, m.statusCode());
        String scrape = m.body();
        for (String name : new String[]{"seqstream_ws_clients", "seqstream_ws_dropped_total", "seqstream_tokens_total",
                "jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads", "process_cpu_usage", "jvm_classes_loaded_classes",
                "kafka_consumer_", "kafka_producer_", "vertx_http_server_"}) {
            assertTrue(scrape.contains(name), "scrape has " + name);
        }
        HttpResponse<String> h = get("/health");
        JsonNode health = json(h);
        assertEquals(200, h.statusCode(), h.body());
        assertEquals("up", health.get("status").asText());
        assertTrue(health.get("broker").get("ok").asBoolean());
        JsonNode proc = health.get("processors").get(0);
        assertEquals("echo", proc.get("pipeline").asText());
        assertTrue(proc.get("alive").asBoolean());
        assertTrue(health.get("models").has("echo-gru"));
    }

    // ------------------------------------------------------------------ helpers

    private static void assertError(HttpResponse<String> r, int status, String contains) {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode n = json(r);
        assertTrue(n.has("error") && n.get("error").asText().contains(contains), "error mentions '" + contains + "': " + r.body());
    }

    private static JsonNode json(HttpResponse<String> r) {
        return WsTestClient.parse(r.body());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return WsTestClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "text/plain; charset=utf-8");
        if (token != null) b.header("Authorization", "Bearer " + token);
        return WsTestClient.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
