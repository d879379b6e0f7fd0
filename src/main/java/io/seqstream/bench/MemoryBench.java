package io.seqstream.bench;

import io.seqstream.model.BatchedStep;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.StateTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Memory of many streams held in one state table: each stream is created and advanced one real step (waves of
 * 2048 through the model's batched step, as the processor does), committed with a changelog offset, then all are
 * evicted as idle. Reports the JVM's resident set (VmRSS) and used heap after a full GC at each stage, and what
 * eviction leaves behind (the cold index: one changelog location per evicted stream).
 */
public final class MemoryBench {
    private MemoryBench() {
    }

    /** One stage's memory. */
    public record Sample(String stage, long rssBytes, long heapUsedBytes, int streamsHeld, int coldStreams, int capacity) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", stage);
            m.put("rssMiB", rssBytes / (1024.0 * 1024));
            m.put("heapUsedMiB", heapUsedBytes / (1024.0 * 1024));
            m.put("streamsHeld", streamsHeld);
            m.put("coldStreams", coldStreams);
            m.put("rowsAllocated", capacity);
            return m;
        }
    }

    public static java.util.List<Sample> run(ModelSnapshot snapshot, int streams) throws Exception {
        ServedModel model = ServedModel.of(snapshot);
        int width = model.spec().stateWidth();
        StateTable table = new StateTable(width, 1024);
        java.util.List<Sample> out = new java.util.ArrayList<>();
        out.add(sample("empty table", table));
        int wave = 2048;
        BatchedStep step = new BatchedStep(model.spec(), wave);
        int[] tokens = new int[wave];
        int[] rows = new int[wave];
        int[] params = model.spec().params() > 0 ? new int[wave] : null;
        float[] probs = new float[wave * model.spec().classes()];
        Random rng = new Random(1);
        long offset = 0;
        for (int base = 0; base < streams; base += wave) {
            int k = Math.min(wave, streams - base);
            String[] ids = new String[k];
            for (int i = 0; i < k; i++) {
                ids[i] = "stream-" + (base + i);
                rows[i] = table.slotForUpdate(ids[i], (base + i) & 3, 1);
                tokens[i] = 1 + rng.nextInt(model.spec().vocab() - 1);
            }
            step.step(model.parameters(), k, tokens, params, table.matrix(), rows, probs);
            for (int i = 0; i < k; i++) table.setPosition(rows[i], 1);
            table.commit();
            for (int i = 0; i < k; i++) table.setChangelogOffset(ids[i], offset++);
        }
        out.add(sample(streams + " streams held", table));
        table.evictIdleBefore(2);
        out.add(sample("all evicted by TTL", table));
        return out;
    }

    private static Sample sample(String stage, StateTable table) throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
        }
        Runtime rt = Runtime.getRuntime();
        return new Sample(stage, rss(), rt.totalMemory() - rt.freeMemory(), table.size(), table.coldSize(), table.capacity());
    }

    /** Resident set size of this process from /proc/self/status (Linux), or -1 elsewhere. */
    public static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
