package io.seqstream.web;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.ProcessingView;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The configured pipelines and, per pipeline, the read-only views of its processing threads on this instance. */
final class PipelineViews {
    private final Map<String, SeqstreamConfig.Pipeline> pipelines = new LinkedHashMap<>();
    private final Function<String, List<? extends ProcessingView>> processors;

    PipelineViews(List<SeqstreamConfig.Pipeline> configured, Function<String, List<? extends ProcessingView>> processors) {
        for (SeqstreamConfig.Pipeline p : configured) pipelines.put(p.name(), p);
        this.processors = processors;
    }

    /** The pipeline's settings, or null when no such pipeline is configured. */
    SeqstreamConfig.Pipeline pipeline(String name) { return pipelines.get(name); }

    Set<String> names() { return pipelines.keySet(); }

    Collection<SeqstreamConfig.Pipeline> all() { return pipelines.values(); }

    /** The pipeline's processing threads here (none when it is not processed on this instance). */
    List<? extends ProcessingView> processors(String pipeline) { return processors.apply(pipeline); }

    /** Each model served here, at the newest version any thread serves. */
    Map<String, ServedModel> servedModels() {
        Map<String, ServedModel> out = new LinkedHashMap<>();
        for (String p : pipelines.keySet()) {
            for (ProcessingView pp : processors(p)) {
                ServedModel m = pp.model();
                ServedModel before = out.get(m.name());
                if (before == null || before.version() < m.version()) out.put(m.name(), m);
            }
        }
        return out;
    }

    String unknownPipeline(String name) {
        return "unknown pipeline '" + name + "' (configured: " + String.join(", ", pipelines.keySet()) + ")";
    }
}
