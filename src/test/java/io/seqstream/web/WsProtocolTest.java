package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The client messages of /ws up to the point where a send would write to Kafka (that part: GatewayWebSocketIT). */
class WsProtocolTest {
    private final SeqstreamConfig config = SeqstreamConfig.of(Map.of("web.token", "s3cret"));
    private final PipelineViews views = new PipelineViews(config.pipelines(), p -> List.of());
    private final Subscriptions subscriptions = new Subscriptions();
    // No producer: every case here is answered before anything is written.
    private final WsProtocol protocol = new WsProtocol(views, subscriptions, new InputWriter(null, null), new BearerAuth("s3cret"));
    private final FakeConnection connection = new FakeConnection();
    private final WsClient client = new WsClient(1, connection, false,
            new WsMeters(new SimpleMeterRegistry(), new AtomicInteger()), 100, System::nanoTime);

    private String answer(String message) {
        connection.written.clear();
        protocol.onMessage(client, message);
        assertEquals(1, connection.written.size(), message + " -> " + connection.written);
        return new JsonObject(connection.written.get(0)).getString("error");
    }

    @Test
    void shouldSubscribeAndUnsubscribeSilently() {
        protocol.onMessage(client, "{\"subscribe\":{\"pipeline\":\"echo\",\"stream\":\"s1\"}}");
        protocol.onMessage(client, "{\"subscribe\":{\"pipeline\":\"echo\"}}");
        assertEquals(Set.of("echo/s1", "echo/"), client.subscriptions());
        protocol.onMessage(client, "{\"unsubscribe\":{\"pipeline\":\"echo\",\"stream\":\"s1\"}}");
        assertEquals(Set.of("echo/"), client.subscriptions());
        assertTrue(connection.written.isEmpty(), String.valueOf(connection.written));
    }

    @Test
    void shouldAnswerEachBadMessageWithItsError() {
        assertEquals("not a JSON object", answer("not json"));
        assertEquals("not a JSON object", answer("[1]"));
        assertEquals("expected exactly one of subscribe, unsubscribe, send; got [subscribe, send]",
                answer("{\"subscribe\":{},\"send\":{}}"));
        assertEquals("unknown message type 'dance': expected subscribe, unsubscribe or send", answer("{\"dance\":{}}"));
        assertTrue(answer("{\"subscribe\":1}").startsWith("subscribe: expected an object"));
        assertEquals("subscribe: missing field 'pipeline'", answer("{\"subscribe\":{}}"));
        assertEquals("subscribe: field 'stream' must be a string", answer("{\"subscribe\":{\"pipeline\":\"echo\",\"stream\":5}}"));
        assertEquals("subscribe: unknown pipeline 'nope' (configured: echo)", answer("{\"subscribe\":{\"pipeline\":\"nope\"}}"));
        assertEquals("send: missing field 'text'", answer("{\"send\":{\"pipeline\":\"echo\",\"stream\":\"s\"}}"));
        assertTrue(answer("{\"send\":{\"pipeline\":\"echo\",\"stream\":\"s\",\"text\":\"a\"}}").startsWith("send: needs the bearer token"));
        assertTrue(answer("{\"send\":{\"pipeline\":\"echo\",\"stream\":\"s\",\"text\":\"a\",\"token\":\"wrong\"}}")
                .startsWith("send: needs the bearer token"));
        assertEquals("send: empty text", answer("{\"send\":{\"pipeline\":\"echo\",\"stream\":\"s\",\"text\":\"\",\"token\":\"s3cret\"}}"));
        assertEquals("message too large: at most " + WsProtocol.MAX_MESSAGE_BYTES + " bytes",
                answer("\"" + "x".repeat(WsProtocol.MAX_MESSAGE_BYTES) + "\""));
    }
}
