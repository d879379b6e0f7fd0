package io.seqstream.web;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.ProcessingView;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** {@code GET /api/pipelines}: each pipeline's topics, served model, in-memory and cold streams, recent streams. */
final class PipelinesHandler implements Handler<RoutingContext> {
    private final PipelineViews views;
    private final RecentStreams recent;

    PipelinesHandler(PipelineViews views, RecentStreams recent) {
        this.views = views;
        this.recent = recent;
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        for (SeqstreamConfig.Pipeline p : views.all()) {
            List<? extends ProcessingView> list = views.processors(p.name());
            long hot = 0;
            long cold = 0;
            ServedModel model = null;
            for (ProcessingView pp : list) {
                hot += pp.hotStreams();
                cold += pp.coldStreams();
                if (model == null || pp.model().version() > model.version()) model = pp.model();
            }
            JsonObject o = new JsonObject().put("name", p.name())
                    .put("topics", new JsonObject().put("input", p.inputTopic()).put("output", p.outputTopic()).put("state", p.stateTopic()))
                    .put("threads", list.size())
                    .put("activeStreams", hot).put("coldStreams", cold)
                    .put("maxValueBytes", p.maxValueBytes());
            if (model != null) o.put("model", new JsonObject().put("name", model.name()).put("version", model.version()).put("task", model.task().wireName()));
            o.put("recentStreams", new JsonArray(recent.newestFirst(p.name())));
            out.add(o);
        }
        HttpJson.json(ctx, 200, out);
    }
}
