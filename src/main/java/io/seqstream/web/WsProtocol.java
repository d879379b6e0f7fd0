package io.seqstream.web;

import io.seqstream.config.SeqstreamConfig;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The client side of {@code /ws}: one JSON object with one key per message, {@code subscribe}, {@code unsubscribe}
 * or {@code send}. A bad message is answered with an {@code {"error":"..."}} frame and the connection stays open.
 */
final class WsProtocol {
    /** Largest WebSocket message accepted; anything bigger gets an error frame (the connection stays up). */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;

    private final PipelineViews views;
    private final Subscriptions subscriptions;
    private final InputWriter input;
    private final BearerAuth auth;

    WsProtocol(PipelineViews views, Subscriptions subscriptions, InputWriter input, BearerAuth auth) {
        this.views = views;
        this.subscriptions = subscriptions;
        this.input = input;
        this.auth = auth;
    }

    void onMessage(WsClient c, String text) {
        if (text.length() > MAX_MESSAGE_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            c.error("message too large: at most " + MAX_MESSAGE_BYTES + " bytes");
            return;
        }
        JsonObject msg;
        try {
            msg = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            c.error("not a JSON object");
            return;
        }
        if (msg.size() != 1) {
            c.error("expected exactly one of subscribe, unsubscribe, send; got " + msg.fieldNames());
            return;
        }
        String type = msg.fieldNames().iterator().next();
        if (!(msg.getValue(type) instanceof JsonObject args)) {
            c.error(type + ": expected an object, e.g. {\"" + type + "\":{\"pipeline\":\"echo\",\"stream\":\"s1\"}}");
            return;
        }
        switch (type) {
            case "subscribe", "unsubscribe" -> subscription(c, type, args);
            case "send" -> send(c, args);
            default -> c.error("unknown message type '" + type + "': expected subscribe, unsubscribe or send");
        }
    }

    private void subscription(WsClient c, String type, JsonObject args) {
        String pipeline = string(c, type, args, "pipeline");
        if (pipeline == null) return;
        if (views.pipeline(pipeline) == null) {
            c.error(type + ": " + views.unknownPipeline(pipeline));
            return;
        }
        String stream = null;
        if (args.containsKey("stream")) {
            stream = string(c, type, args, "stream");
            if (stream == null) return;
        }
        if (type.equals("subscribe")) subscriptions.subscribe(c, pipeline, stream);
        else subscriptions.unsubscribe(c, pipeline, stream);
    }

    private void send(WsClient c, JsonObject args) {
        String pipeline = string(c, "send", args, "pipeline");
        if (pipeline == null) return;
        String stream = string(c, "send", args, "stream");
        if (stream == null) return;
        String text = string(c, "send", args, "text");
        if (text == null) return;
        SeqstreamConfig.Pipeline p = views.pipeline(pipeline);
        if (p == null) {
            c.error("send: " + views.unknownPipeline(pipeline));
            return;
        }
        if (!c.mayWrite()) {
            Object t = args.getValue("token");
            if (!(t instanceof String s) || !auth.matches(s)) {
                c.error("send: needs the bearer token (Authorization header or ?access_token= on the upgrade, or a \"token\" field)");
                return;
            }
        }
        String problem = InputWriter.check(p, stream, text);
        if (problem != null) {
            c.error("send: " + problem);
            return;
        }
        input.write(p, stream, text).onFailure(e -> c.error("send: could not write to " + p.inputTopic() + ": " + e.getMessage()));
    }

    /** A required string field, or null after telling the client what is wrong with it. */
    private static String string(WsClient c, String type, JsonObject args, String field) {
        Object v = args.getValue(field);
        if (v == null) {
            c.error(type + ": missing field '" + field + "'");
            return null;
        }
        if (!(v instanceof String s)) {
            c.error(type + ": field '" + field + "' must be a string");
            return null;
        }
        return s;
    }
}
