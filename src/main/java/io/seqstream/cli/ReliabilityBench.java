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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench restore|memory|load}: the reliability figures of docs/reliability.md, as JSON under docs/bench/ (failover:
 * {@link FailoverCommand}). Each measures on the echo model and writes one JSON file.
 */
abstract class ReliabilityBench implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "Model file (default ${DEFAULT-VALUE}).")
    String modelFile = "models/echo.model";
    @Option(names = "--out", paramLabel = "FILE", description = "JSON result (default docs/bench/BENCHMARK.json).")
    Path outFile;
    @Mixin
    HelpOption help;

    final PrintStream out;

    ReliabilityBench(PrintStream out) {
        this.out = out;
    }

    /** The benchmark's name, in the JSON and the default file name. */
    abstract String name();

    /** Runs the measurement, prints its table and returns the figures for the JSON file. */
    abstract Map<String, Object> measure(ModelSnapshot model) throws Exception;

    @Override
    public Integer call() throws Exception {
        ModelSnapshot model = ModelSnapshot.load(Path.of(modelFile));
        Map<String, Object> result = measure(model);
        Path file = outFile != null ? outFile : Path.of("docs/bench/" + name() + ".json");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", name());
        all.put("cores", Runtime.getRuntime().availableProcessors());
        all.put("java", System.getProperty("java.version"));
        all.put("model", model.metadata().name());
        all.put("loadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        all.putAll(result);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), all);
        out.println("wrote " + file);
        return 0;
    }

    /** {@code bench restore}: a new instance restoring its streams from the changelog, with and without local checkpoints. */
    @Command(name = "restore", description = "A new instance restores N streams from the changelog, then from local checkpoints; "
            + "JSON to docs/bench/restore.json.")
    static final class Restore extends ReliabilityBench {
        @Option(names = "--streams", paramLabel = "N", description = "Streams (default ${DEFAULT-VALUE}).")
        int streams = 100_000;

        Restore(PrintStream out) {
            super(out);
        }

        @Override
        String name() { return "restore"; }

        @Override
        Map<String, Object> measure(ModelSnapshot model) throws Exception {
            Map<String, Object> result = new LinkedHashMap<>();
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
            return result;
        }
    }

    /** {@code bench memory}: process and heap memory as the state table grows to N streams and evicts them. */
    @Command(name = "memory", description = "Memory of the state table at N streams, held and evicted; JSON to docs/bench/memory.json.")
    static final class Memory extends ReliabilityBench {
        @Option(names = "--streams", paramLabel = "N", description = "Streams (default ${DEFAULT-VALUE}).")
        int streams = 1_000_000;

        Memory(PrintStream out) {
            super(out);
        }

        @Override
        String name() { return "memory"; }

        @Override
        Map<String, Object> measure(ModelSnapshot model) throws Exception {
            Map<String, Object> result = new LinkedHashMap<>();
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
            return result;
        }
    }

    /** {@code bench load}: the highest sustainable rate and the latency at half and a low rate, beside a Kafka-only loop. */
    @Command(name = "load", description = "Max sustainable tokens/s and latency p50/p99 at lower rates, beside a Kafka-only loop; "
            + "JSON to docs/bench/load.json.")
    static final class Load extends ReliabilityBench {
        @Option(names = "--streams", paramLabel = "N", description = "Streams (default ${DEFAULT-VALUE}).")
        int streams = 10_000;
        @Option(names = "--seconds", paramLabel = "S", description = "Seconds per phase (default ${DEFAULT-VALUE}).")
        int seconds = 30;
        @Option(names = "--threads", paramLabel = "N", description = "Processing threads (default ${DEFAULT-VALUE}).")
        int threads = 1;
        @Option(names = "--commit-interval-ms", paramLabel = "MS", description = "Transaction commit interval (default ${DEFAULT-VALUE}).")
        int commitIntervalMs = 100;
        @Option(names = "--max-transaction-records", paramLabel = "N", description = "Input records per transaction at most "
                + "(default ${DEFAULT-VALUE}).")
        int maxTransactionRecords = 50_000;

        Load(PrintStream out) {
            super(out);
        }

        @Override
        String name() { return "load"; }

        @Override
        Map<String, Object> measure(ModelSnapshot model) throws Exception {
            Map<String, Object> result = new LinkedHashMap<>();
            Duration phase = Duration.ofSeconds(seconds);
            result.putAll(LoadBench.run(model, streams, phase, threads, Duration.ofMillis(commitIntervalMs), maxTransactionRecords));
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
            return result;
        }
    }
}
