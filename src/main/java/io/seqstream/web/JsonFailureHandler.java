package io.seqstream.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a failed request (no route, body too large, a handler's exception) into a JSON error with its status. */
final class JsonFailureHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(JsonFailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
        if (status >= 500 && ctx.failure() != null) LOG.warn("web: {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
        String why = switch (status) {
            case 413 -> "request body too large";
            case 404 -> "not found: " + ctx.request().path();
            case 405 -> "method not allowed";
            default -> ctx.failure() != null && ctx.failure().getMessage() != null ? ctx.failure().getMessage() : "request failed";
        };
        if (!ctx.response().ended()) HttpJson.error(ctx, status, why);
    }
}
