package io.seqstream.web;

import io.seqstream.stream.OutputSink;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.nio.charset.StandardCharsets;

/**
 * Publishes each committed output on the event bus at {@code seqstream.outputs.<pipeline>} (local only), so the
 * gateway on this instance fans it out to WebSocket clients. Publishing never blocks the processing thread.
 */
public final class EventBusOutputSink implements OutputSink {
    /** The header that carries the stream id, so the gateway routes without parsing the JSON. */
    public static final String STREAM_HEADER = "stream";

    private final Vertx vertx;

    public EventBusOutputSink(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The event-bus address of a pipeline's outputs. */
    public static String address(String pipeline) {
        return "seqstream.outputs." + pipeline;
    }

    @Override
    public void committed(String pipeline, String stream, byte[] json) {
        publish(vertx, pipeline, stream, new String(json, StandardCharsets.UTF_8));
    }

    static void publish(Vertx vertx, String pipeline, String stream, String json) {
        vertx.eventBus().publish(address(pipeline), json,
                new DeliveryOptions().setLocalOnly(true).addHeader(STREAM_HEADER, stream));
    }
}
