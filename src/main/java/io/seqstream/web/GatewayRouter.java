package io.seqstream.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * The gateway's routes: {@code /ws}, {@code /metrics}, {@code /health}, the REST API as a sub-router under
 * {@code /api}, and the page from {@code webroot}; every failure answers as JSON.
 */
final class GatewayRouter {
    /** Vert.x closes a connection whose frame or message exceeds its limits: keep those well above ours. */
    static final int TRANSPORT_LIMIT_BYTES = 4 * 1024 * 1024;

    private GatewayRouter() {
    }

    /** The REST handlers of {@code /api}. */
    record Api(PipelinesHandler pipelines, ModelsHandler models, TrainingHandler training, ClientsHandler clients,
               PostTextHandler postText, SampleHandler sample) {
    }

    static Router create(Vertx vertx, WebSocketHub hub, HealthHandler health, PrometheusMeterRegistry registry,
                         BearerAuth auth, Api api) {
        Router router = Router.router(vertx);
        router.get("/ws").handler(hub);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
        router.get("/health").handler(health);
        router.route("/api/*").subRouter(api(vertx, auth, api));
        router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
        router.route().failureHandler(new JsonFailureHandler());
        return router;
    }

    private static Router api(Vertx vertx, BearerAuth auth, Api api) {
        Router router = Router.router(vertx);
        router.get("/pipelines").handler(api.pipelines());
        router.get("/models").handler(api.models());
        router.get("/training").handler(api.training());
        router.get("/clients").handler(api.clients());
        // The body limit is generous; the pipeline's own limit is checked by the handler, so the answer is a JSON 400.
        BodyHandler body = BodyHandler.create(false).setBodyLimit(TRANSPORT_LIMIT_BYTES);
        router.post("/pipelines/:pipeline/streams/:stream").handler(body).handler(auth).handler(api.postText());
        router.post("/models/:model/sample").handler(body).handler(auth).handler(api.sample());
        router.route().handler(ctx -> HttpJson.error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
        router.route().failureHandler(new JsonFailureHandler());
        return router;
    }
}
