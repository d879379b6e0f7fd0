package io.seqstream.web;

import io.seqstream.model.ModelTask;
import io.seqstream.model.Sampler;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.serve.ServedModel;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Random;

/**
 * {@code POST /api/models/{m}/sample}: generates from a served next-token model. Runs off the event loop on the
 * model version served now, with the batched step the processors use.
 */
final class SampleHandler implements Handler<RoutingContext> {
    private final Vertx vertx;
    private final PipelineViews views;

    SampleHandler(Vertx vertx, PipelineViews views) {
        this.vertx = vertx;
        this.views = views;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String model = ctx.pathParam("model");
        ServedModel served = views.servedModels().get(model);
        if (served == null) {
            HttpJson.error(ctx, 404, "unknown model '" + model + "' (served: " + views.servedModels().keySet() + ")");
            return;
        }
        ModelTask task = served.task();
        if (!task.samples()) {
            HttpJson.json(ctx, 400, new JsonObject().put("error", "model '" + model + "' is a " + task
                    + " model, not a next-token model: only next-token models can sample text").put("model", model).put("task", task.wireName()));
            return;
        }
        JsonObject body;
        try {
            String text = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString("UTF-8").trim();
            body = text.isEmpty() ? new JsonObject() : new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            HttpJson.error(ctx, 400, "the body must be a JSON object like {\"seed\":\"text\",\"temperature\":0.5,\"max\":200}");
            return;
        }
        SampleRequest req;
        NextVocabulary vocabulary;
        int[] prefix;
        try {
            req = SampleRequest.from(body);
            vocabulary = NextVocabulary.of(served.metadata());
            prefix = vocabulary.startThen(req.seed());
        } catch (IllegalArgumentException e) {
            HttpJson.error(ctx, 400, e.getMessage());
            return;
        }
        vertx.executeBlocking(() -> new Sampler(served.parameters()).sample(prefix, req.n(), req.temperature(), req.max(),
                NextVocabulary.END_ID, new Random(req.rng()))).onComplete(ar -> {
            if (ar.failed()) {
                HttpJson.error(ctx, 500, "sampling failed: " + ar.cause().getMessage());
                return;
            }
            JsonArray samples = new JsonArray();
            for (Sampler.Sample s : ar.result()) {
                samples.add(new JsonObject().put("text", req.seed() + vocabulary.decode(s.ids())).put("generated", vocabulary.decode(s.ids()))
                        .put("ended", s.ended()));
            }
            HttpJson.json(ctx, 200, new JsonObject().put("model", model).put("version", served.version()).put("seed", req.seed())
                    .put("temperature", req.temperature()).put("max", req.max()).put("rng", req.rng()).put("samples", samples));
        });
    }
}
