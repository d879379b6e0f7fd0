package io.seqstream.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The streams that had outputs lately, per pipeline, newest first (the page's live-stream list); event loop only. */
final class RecentStreams {
    private final int capacity;
    private final Map<String, LinkedHashMap<String, Long>> byPipeline = new HashMap<>();

    RecentStreams(int capacity) {
        this.capacity = capacity;
    }

    void seen(String pipeline, String stream, long nowMs) {
        LinkedHashMap<String, Long> seen = byPipeline.computeIfAbsent(pipeline, k -> new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        });
        seen.put(stream, nowMs);
    }

    List<String> newestFirst(String pipeline) {
        LinkedHashMap<String, Long> seen = byPipeline.get(pipeline);
        if (seen == null) return List.of();
        List<String> ids = new ArrayList<>(seen.keySet());
        java.util.Collections.reverse(ids);
        return ids;
    }
}
