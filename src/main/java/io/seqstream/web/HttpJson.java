package io.seqstream.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes the gateway's JSON answers: one content type, never cached, errors as {@code {"error":"..."}}. */
final class HttpJson {
    private HttpJson() {
    }

    static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                .putHeader("cache-control", "no-store")
                .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
    }

    static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", message));
    }
}
