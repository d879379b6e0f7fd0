package io.seqstream.web;

import io.seqstream.stream.ProcessingView;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * {@code GET /health}: the broker's reachability and each processing thread's status; 200 when all is up, 503 when
 * the broker is unreachable or a thread stopped or was fenced ({@code down}) or is restarting ({@code degraded}).
 */
final class HealthHandler implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final Admin admin;
    private final PipelineViews views;
    private final IntSupplier webSocketClients;

    HealthHandler(Vertx vertx, Admin admin, PipelineViews views, IntSupplier webSocketClients) {
        this.vertx = vertx;
        this.admin = admin;
        this.views = views;
        this.webSocketClients = webSocketClients;
    }

    /** The broker's answer to a describeCluster within 2 s, and whether it has nodes. */
    private record Broker(JsonObject json, boolean ok) {
    }

    @Override
    public void handle(RoutingContext ctx) {
        // describeCluster waits for the network: off the event loop, unordered so one slow check does not queue others.
        vertx.executeBlocking(this::broker, false).onComplete(ar -> {
            if (ar.failed()) {
                HttpJson.error(ctx, 503, "health check failed: " + ar.cause());
                return;
            }
            boolean ok = ar.result().ok();
            JsonArray procs = new JsonArray();
            JsonObject versions = new JsonObject();
            boolean degraded = false;
            for (String p : views.names()) {
                List<? extends ProcessingView> list = views.processors(p);
                for (int i = 0; i < list.size(); i++) {
                    ProcessingView pp = list.get(i);
                    boolean alive = pp.alive();
                    ok &= alive;
                    degraded |= pp.status() == ProcessingView.Status.RESTARTING;
                    JsonObject proc = new JsonObject().put("pipeline", p).put("thread", i).put("alive", alive)
                            .put("status", pp.status().name().toLowerCase(Locale.ROOT))
                            .put("partitions", new JsonArray(new ArrayList<>(new TreeSet<>(pp.assignedPartitions()))))
                            .put("model", pp.model().name()).put("version", pp.modelVersion());
                    if (pp.lastError() != null) proc.put("lastError", pp.lastError());
                    procs.add(proc);
                    versions.put(pp.model().name(), Math.max(pp.modelVersion(), versions.getLong(pp.model().name(), 0L)));
                }
            }
            // A thread restarting after an error is not processing its partitions: degraded answers 503 too.
            String status = !ok ? "down" : degraded ? "degraded" : "up";
            HttpJson.json(ctx, ok && !degraded ? 200 : 503, new JsonObject().put("status", status).put("broker", ar.result().json())
                    .put("processors", procs).put("models", versions).put("webSocketClients", webSocketClients.getAsInt()));
        });
    }

    private Broker broker() {
        JsonObject broker = new JsonObject();
        try {
            var d = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000));
            int nodes = d.nodes().get(3, TimeUnit.SECONDS).size();
            broker.put("ok", true).put("nodes", nodes).put("clusterId", d.clusterId().get(3, TimeUnit.SECONDS));
            return new Broker(broker, nodes > 0);
        } catch (Exception e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            broker.put("ok", false).put("error", cause.toString());
            return new Broker(broker, false);
        }
    }
}
