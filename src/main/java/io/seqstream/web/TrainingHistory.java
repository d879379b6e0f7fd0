package io.seqstream.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent training curves per model, sampled from the trainer's meters in the registry (the same numbers
 * Prometheus scrapes), so the web page can draw them without a time-series database. A sample is kept only when
 * the trainer made progress since the last one; at most {@code capacity} samples per model stay in memory.
 */
public final class TrainingHistory {
    private final MeterRegistry registry;
    private final int capacity;
    private final Map<String, Deque<Sample>> byModel = new LinkedHashMap<>();
    private final Map<String, Double> lastExamples = new LinkedHashMap<>();

    /** One point of the curves; NaN where the trainer has not reported the figure yet. */
    public record Sample(long t, double examples, double loss, double accuracy, double rawNorm, double clippedNorm,
                         double level, double version) {
    }

    public TrainingHistory(MeterRegistry registry, int capacity) {
        this.registry = registry;
        this.capacity = capacity;
    }

    /** Reads the trainer meters now; call it periodically (the gateway does, every second). */
    public synchronized void sample(long nowMs) {
        for (Counter c : registry.find("seqstream.train.examples").counters()) {
            String model = c.getId().getTag("model");
            if (model == null) continue;
            double examples = c.count();
            Double before = lastExamples.put(model, examples);
            if (before != null && before == examples) continue;
            Sample s = new Sample(nowMs, examples, gauge("seqstream.train.loss", model, null),
                    gauge("seqstream.train.accuracy", model, null), gauge("seqstream.train.grad.norm", model, "raw"),
                    gauge("seqstream.train.grad.norm", model, "clipped"), gauge("seqstream.curriculum.level", model, null),
                    gauge("seqstream.train.model.version", model, null));
            Deque<Sample> d = byModel.computeIfAbsent(model, m -> new ArrayDeque<>());
            d.addLast(s);
            while (d.size() > capacity) d.removeFirst();
        }
    }

    private double gauge(String name, String model, String stage) {
        var search = registry.find(name).tag("model", model);
        if (stage != null) search = search.tag("stage", stage);
        Gauge g = search.gauge();
        return g == null ? Double.NaN : g.value();
    }

    /** The curves as columns (t, loss, accuracy, ...) per model; samples at or before {@code sinceMs} are left out. */
    public synchronized JsonObject toJson(long sinceMs) {
        JsonObject models = new JsonObject();
        byModel.forEach((model, samples) -> {
            JsonArray t = new JsonArray(), ex = new JsonArray(), loss = new JsonArray(), acc = new JsonArray(),
                    raw = new JsonArray(), clipped = new JsonArray(), level = new JsonArray(), version = new JsonArray();
            for (Sample s : samples) {
                if (s.t() <= sinceMs) continue;
                t.add(s.t());
                ex.add(finite(s.examples()));
                loss.add(finite(s.loss()));
                acc.add(finite(s.accuracy()));
                raw.add(finite(s.rawNorm()));
                clipped.add(finite(s.clippedNorm()));
                level.add(finite(s.level()));
                version.add(finite(s.version()));
            }
            models.put(model, new JsonObject().put("t", t).put("examples", ex).put("loss", loss).put("heldOutAccuracy", acc)
                    .put("gradNormRaw", raw).put("gradNormClipped", clipped).put("curriculumLevel", level).put("version", version));
        });
        return new JsonObject().put("intervalMs", 1000).put("models", models);
    }

    /** JSON has no NaN or infinity: those become null (a gap in the curve). */
    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }
}
