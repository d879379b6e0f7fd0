package io.seqstream.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /api/training[?since=MS]}: the trainer's recent curves on this instance, column-wise per model. */
final class TrainingHandler implements Handler<RoutingContext> {
    private final TrainingHistory training;

    TrainingHandler(TrainingHistory training) {
        this.training = training;
    }

    @Override
    public void handle(RoutingContext ctx) {
        long since = 0;
        String s = ctx.request().getParam("since");
        if (s != null) {
            try {
                since = Long.parseLong(s);
            } catch (NumberFormatException e) {
                HttpJson.error(ctx, 400, "since must be a time in milliseconds");
                return;
            }
        }
        HttpJson.json(ctx, 200, training.toJson(since));
    }
}
