package io.seqstream.web;

import io.seqstream.model.ModelMetadata;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.ProcessingView;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code GET /api/models}: each served model's version, task, network, training progress and held-out metrics. */
final class ModelsHandler implements Handler<RoutingContext> {
    private final PipelineViews views;

    ModelsHandler(PipelineViews views) {
        this.views = views;
    }

    @Override
    public void handle(RoutingContext ctx) {
        JsonArray out = new JsonArray();
        Map<String, Set<String>> servedBy = new LinkedHashMap<>();
        for (String p : views.names()) {
            for (ProcessingView pp : views.processors(p)) servedBy.computeIfAbsent(pp.model().name(), k -> new TreeSet<>()).add(p);
        }
        for (ServedModel m : views.servedModels().values()) {
            ModelMetadata md = m.metadata();
            JsonObject metrics = new JsonObject();
            md.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> metrics.put(e.getKey(), Double.isFinite(e.getValue()) ? e.getValue() : null));
            out.add(new JsonObject().put("name", md.name()).put("version", md.version()).put("task", md.task().wireName())
                    .put("cell", md.spec().cell().toString().toLowerCase()).put("layers", md.spec().layers())
                    .put("hidden", md.spec().hidden()).put("vocab", md.spec().vocab()).put("classes", md.spec().classes())
                    .put("trainingSteps", md.step()).put("curriculumLevel", md.level())
                    .put("heldOutAccuracy", metrics.getValue("heldOutAccuracy"))
                    .put("metrics", metrics).put("createdMs", md.createdMs())
                    .put("pipelines", new JsonArray(new ArrayList<>(servedBy.getOrDefault(md.name(), Set.of())))));
        }
        HttpJson.json(ctx, 200, out);
    }
}
