package io.seqstream.web;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Who listens to which outputs, and the fan-out of one output to them: each client once; event loop only. */
final class Subscriptions {
    private final Map<String, PipelineSubscribers> byPipeline = new HashMap<>();

    /** @param stream null for all the pipeline's streams */
    void subscribe(WsClient c, String pipeline, String stream) {
        if (c.subscriptions().add(key(pipeline, stream))) byPipeline.computeIfAbsent(pipeline, k -> new PipelineSubscribers()).add(c, stream);
    }

    void unsubscribe(WsClient c, String pipeline, String stream) {
        PipelineSubscribers ps = byPipeline.get(pipeline);
        if (c.subscriptions().remove(key(pipeline, stream)) && ps != null) ps.remove(c, stream);
    }

    /** Forgets a closed client. */
    void removeAll(WsClient c) {
        for (String key : c.subscriptions()) {
            int slash = key.indexOf('/');
            PipelineSubscribers ps = byPipeline.get(key.substring(0, slash));
            if (ps != null) ps.remove(c, slash == key.length() - 1 ? null : key.substring(slash + 1));
        }
        c.subscriptions().clear();
    }

    /**
     * Fans one output out to the pipeline's all-streams subscribers (sampled per client) and the stream's own
     * (every output); a client subscribed both ways gets it once.
     */
    void deliver(String pipeline, String stream, String json) {
        PipelineSubscribers ps = byPipeline.get(pipeline);
        if (ps == null) return;
        for (WsClient c : ps.all) {
            if (c.admitSample()) c.push(json);
        }
        Set<WsClient> own = stream == null ? null : ps.byStream.get(stream);
        if (own != null) {
            for (WsClient c : own) if (!ps.all.contains(c)) c.push(json);
        }
    }

    private static String key(String pipeline, String stream) {
        return pipeline + "/" + (stream == null ? "" : stream);
    }

    /** Who listens to a pipeline: to all its streams, or to single streams. */
    private static final class PipelineSubscribers {
        final Set<WsClient> all = new LinkedHashSet<>();
        final Map<String, Set<WsClient>> byStream = new HashMap<>();

        void add(WsClient c, String stream) {
            if (stream == null) all.add(c);
            else byStream.computeIfAbsent(stream, k -> new LinkedHashSet<>()).add(c);
        }

        void remove(WsClient c, String stream) {
            if (stream == null) {
                all.remove(c);
                return;
            }
            Set<WsClient> s = byStream.get(stream);
            if (s != null && s.remove(c) && s.isEmpty()) byStream.remove(stream);
        }
    }
}
