package io.seqstream.web;

import io.seqstream.config.SeqstreamConfig;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.clients.producer.RecordMetadata;

/** {@code POST /api/pipelines/{p}/streams/{id}}: the body's text as one record on the input topic; 202 with its offset. */
final class PostTextHandler implements Handler<RoutingContext> {
    private final PipelineViews views;
    private final InputWriter input;

    PostTextHandler(PipelineViews views, InputWriter input) {
        this.views = views;
        this.input = input;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String pipeline = ctx.pathParam("pipeline");
        String stream = ctx.pathParam("stream");
        String text = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString("UTF-8");
        SeqstreamConfig.Pipeline p = views.pipeline(pipeline);
        if (p == null) {
            HttpJson.error(ctx, 404, views.unknownPipeline(pipeline));
            return;
        }
        String problem = InputWriter.check(p, stream, text);
        if (problem != null) {
            HttpJson.error(ctx, 400, problem);
            return;
        }
        input.write(p, stream, text).onComplete(ar -> {
            if (ar.failed()) {
                HttpJson.error(ctx, 503, "could not write to " + p.inputTopic() + ": " + ar.cause().getMessage());
            } else {
                RecordMetadata md = ar.result();
                HttpJson.json(ctx, 202, new JsonObject().put("pipeline", pipeline).put("stream", stream).put("topic", md.topic())
                        .put("partition", md.partition()).put("offset", md.offset()));
            }
        });
    }
}
