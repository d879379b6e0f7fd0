package io.seqstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.seqstream.bench.LoadBench;
import io.seqstream.bench.MemoryBench;
import io.seqstream.bench.RestoreBench;
import io.seqstream.model.ModelSnapshot;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code bench restore|memory|load}: the reliability figures of docs/reliability.md, as JSON under docs/bench/. */
final class ReliabilityBenches {
    private ReliabilityBenches() {
    }

    static boolean handles(String what) {
        return what.equals("restore") || what.equals("memory") || what.equals("load");
    }

    static int run(String what, Args args, PrintStream out) throws Exception {
        ModelSnapshot model = ModelSnapshot.load(Path.of(args.get("model", "models/echo.model")));
        Map<String, Object> result = new LinkedHashMap<>();
        switch (what) {
            case "restore" -> {
                int streams = args.integer("streams", 100_000);
                result.putAll(RestoreBench.run(model, streams));
                out.printf(Locale.ROOT, "restore: %d streams (%d B of state each): a new instance restored them from the changelog in %.2f s "
                                + "(start to restored %.2f s); changelog reader alone %s s%n", streams, result.get("stateBytesPerStream"),
                        (Double) result.get("newInstanceRestoreSeconds"), (Double) result.get("newInstanceStartToRestoredSeconds"),
                        result.get("readerOnlySeconds"));
            }
            case "memory" -> {
                int streams = args.integer("streams", 1_000_000);
                List<MemoryBench.Sample> samples = MemoryBench.run(model, streams);
                out.println("| stage | RSS MiB | heap used MiB | streams held | cold index | rows allocated |");
                out.println("|---|---|---|---|---|---|");
                List<Map<String, Object>> rows = new java.util.ArrayList<>();
                for (MemoryBench.Sample s : samples) {
                    out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %d | %d | %d |%n", s.stage(), s.rssBytes() / 1048576.0,
                            s.heapUsedBytes() / 1048576.0, s.streamsHeld(), s.coldStreams(), s.capacity());
                    rows.add(s.toMap());
                }
                result.put("streams", streams);
                result.put("stateFloatsPerStream", model.metadata().spec().stateWidth());
                result.put("maxHeapMiB", Runtime.getRuntime().maxMemory() / 1048576.0);
                result.put("stages", rows);
            }
            default -> {
                int streams = args.integer("streams", 10_000);
                Duration phase = Duration.ofSeconds(args.integer("seconds", 30));
                result.putAll(LoadBench.run(model, streams, phase, args.integer("threads", 1)));
                @SuppressWarnings("unchecked")
                Map<String, Object> half = (Map<String, Object>) result.get("halfRate");
                out.printf(Locale.ROOT, "load: %d streams, exactly-once, embedded broker: max sustainable %.0f tokens/s; at %.0f tokens/s "
                                + "end-to-end latency p50 %s ms, p99 %s ms (max %s ms, %s samples)%n", streams,
                        (Double) result.get("maxSustainableTokensPerSecond"), (Double) half.get("offeredTokensPerSecond"),
                        half.get("p50Millis"), half.get("p99Millis"), half.get("maxMillis"), half.get("latencySamples"));
            }
        }
        Path file = Path.of(args.get("out", "docs/bench/" + what + ".json"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", what);
        all.put("cores", Runtime.getRuntime().availableProcessors());
        all.put("java", System.getProperty("java.version"));
        all.put("model", model.metadata().name());
        all.put("loadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        all.putAll(result);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), all);
        out.println("wrote " + file);
        return 0;
    }
}
