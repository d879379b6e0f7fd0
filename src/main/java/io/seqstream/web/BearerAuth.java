package io.seqstream.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token that guards everything that writes ({@code web.token}; empty = off). As a route handler it
 * answers 401 to a request without it; the WebSocket hub asks it per upgrade and per message.
 */
final class BearerAuth implements Handler<RoutingContext> {
    private final String token;

    /** @param token the expected token; empty turns the check off */
    BearerAuth(String token) {
        this.token = token == null ? "" : token;
    }

    /** Whether a presented token (null when none) may write; constant-time, so timing does not leak the token. */
    boolean matches(String presented) {
        if (token.isEmpty()) return true;
        if (presented == null) return false;
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** The token a WebSocket upgrade presents: the Authorization header, else {@code ?access_token=} (all a browser can do). */
    boolean mayWrite(HttpServerRequest upgrade) {
        String presented = bearer(upgrade.getHeader("Authorization"));
        if (presented == null) presented = upgrade.getParam("access_token");
        return matches(presented);
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (matches(bearer(ctx.request().getHeader("Authorization")))) {
            ctx.next();
        } else {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"seqstream\"");
            HttpJson.error(ctx, 401, "this endpoint needs the bearer token (header Authorization: Bearer TOKEN)");
        }
    }

    private static String bearer(String authorization) {
        if (authorization == null) return null;
        String a = authorization.trim();
        return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : null;
    }
}
