package io.seqstream.web;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;

/** {@code GET /api/clients}: the open WebSocket clients with their subscriptions, sent and dropped counts. */
final class ClientsHandler implements Handler<RoutingContext> {
    private final WebSocketHub hub;

    ClientsHandler(WebSocketHub hub) {
        this.hub = hub;
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        long totalDropped = 0;
        for (WsClient c : hub.clients()) {
            totalDropped += c.dropped();
            list.add(new JsonObject().put("id", c.id()).put("remote", c.remoteAddress())
                    .put("subscriptions", new JsonArray(new ArrayList<>(c.subscriptions()))).put("sent", c.sent())
                    .put("dropped", c.dropped()).put("sampledOut", c.sampledOut()));
        }
        HttpJson.json(ctx, 200, new JsonObject().put("clients", list).put("open", hub.clients().size())
                .put("droppedOpen", totalDropped).put("droppedTotal", hub.droppedTotal()));
    }
}
