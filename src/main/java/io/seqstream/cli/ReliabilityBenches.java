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

/** {@code bench restore|memory|load|failover}: the reliability figures of docs/reliability.md, as JSON under docs/bench/. */
final class ReliabilityBenches {
    private ReliabilityBenches() {
    }

    static boolean handles(String what) {
        return what.equals("restore") || what.equals("memory") || what.equals("load") || what.equals("failover");
    }

    static int run(String what, Args args, PrintStream out) throws Exception {
        if (what.equals("failover")) return FailoverCommand.run(args, out);
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
                @SuppressWarnings("unchecked")
                Map<String, Object> ck = (Map<String, Object>) result.get("withCheckpoint");
                out.printf(Locale.ROOT, "restore with local checkpoints (%.0f MiB): %.2f s (start to restored %.2f s); checkpoints alone %s s; "
                                + "a checkpoint round: %.3f s copy on the processing thread, %.2f s background write%n",
                        ((Long) ck.get("checkpointBytes")) / 1048576.0, (Double) ck.get("newInstanceRestoreSeconds"),
                        (Double) ck.get("newInstanceStartToRestoredSeconds"), ck.get("checkpointOnlySeconds"),
                        (Double) ck.get("copyOnProcessingThreadSeconds"), (Double) ck.get("backgroundWriteSeconds"));
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
                result.putAll(LoadBench.run(model, streams, phase, args.integer("threads", 1),
                        Duration.ofMillis(args.integer("commit-interval-ms", 100)), args.integer("max-transaction-records", 50_000)));
                @SuppressWarnings("unchecked")
                Map<String, Object> ref = (Map<String, Object>) result.get("kafkaOnly");
                out.printf(Locale.ROOT, "load: %d streams, exactly-once, embedded broker, one processing thread%n", streams);
                out.printf(Locale.ROOT, "| phase | echo pipeline | Kafka-only loop |%n|---|---|---|%n");
                out.printf(Locale.ROOT, "| max sustainable tokens/s | %.0f (mean wave %.1f) | %.0f |%n",
                        (Double) result.get("maxSustainableTokensPerSecond"), (Double) result.get("maxMeanWave"),
                        (Double) ref.get("maxSustainableTokensPerSecond"));
                for (String rate : List.of("halfRate", "lowRate")) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> a = (Map<String, Object>) result.get(rate);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> b = (Map<String, Object>) ref.get(rate);
                    out.printf(Locale.ROOT, "| %.0f tokens/s: latency p50 / p99 (max) ms | %s / %s (%s), mean wave %.1f | %s / %s (%s) |%n",
                            (Double) a.get("offeredTokensPerSecond"), a.get("p50Millis"), a.get("p99Millis"), a.get("maxMillis"),
                            (Double) a.get("meanWave"), b.get("p50Millis"), b.get("p99Millis"), b.get("maxMillis"));
                }
                out.printf(Locale.ROOT, "max rate ratio pipeline / Kafka-only: %.2f%n", (Double) result.get("maxRateRatio"));
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
