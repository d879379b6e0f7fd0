package io.seqstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.seqstream.bench.FailoverBench;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench failover}: kill -9 of product instances under a steady feed (see {@link FailoverBench}); prints a
 * short table and writes target/bench/failover.json.
 */
@Command(name = "failover", sortOptions = false, description = {"kill -9 of 2 of 3 instances under a paced feed: worst delay, "
        + "pauses, restart time, exactly-once; JSON to target/bench/failover.json."})
final class FailoverCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "FILE", description = "Model file; trained first when missing (default ${DEFAULT-VALUE}).")
    Path model = Path.of("models/echo.model");
    @Option(names = "--instances", paramLabel = "N", description = "Product instances (default ${DEFAULT-VALUE}).")
    int instances = 3;
    @Option(names = "--victims", paramLabel = "IDS", description = "Instances killed, one after the other (default ${DEFAULT-VALUE}).")
    String victims = "i2,i3";
    @Option(names = "--streams", paramLabel = "N", description = "Streams fed (default ${DEFAULT-VALUE}).")
    int streams = 1500;
    @Option(names = "--rate", paramLabel = "N", description = "Tokens per second fed (default ${DEFAULT-VALUE}).")
    double rate = 2000;
    @Option(names = "--warm", paramLabel = "S", description = "Seconds before the first kill (default ${DEFAULT-VALUE}).")
    int warm = 20;
    @Option(names = "--down", paramLabel = "S", description = "Seconds a victim stays down (default ${DEFAULT-VALUE}).")
    int down = 10;
    @Option(names = "--after", paramLabel = "S", description = "Seconds of feed after the last restart (default ${DEFAULT-VALUE}).")
    int after = 30;
    @Option(names = "--drain", paramLabel = "S", description = "Seconds the reader waits for the last outputs at most (default ${DEFAULT-VALUE}).")
    int drain = 300;
    @Option(names = "--instance-heap", paramLabel = "SIZE", description = "-Xmx of each instance (default ${DEFAULT-VALUE}).")
    String instanceHeap = "1g";
    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting for every instance; repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();
    @Option(names = "--out", paramLabel = "FILE", description = "JSON result (default ${DEFAULT-VALUE}).")
    Path outFile = Path.of("target/bench/failover.json");
    @Mixin
    HelpOption help;

    private final PrintStream out;

    FailoverCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        TrainCommand.ensureEchoModel(model, out);
        // --set on the bench command line goes to every instance (the broker is the bench's own).
        List<String> instanceSettings = new ArrayList<>();
        settings.forEach((k, v) -> {
            if (!k.trim().equals("kafka.bootstrap")) instanceSettings.add(k.trim() + "=" + v.trim());
        });
        FailoverBench.Options o = new FailoverBench.Options(model, instances, List.of(victims.split(",")), streams, rate,
                Duration.ofSeconds(warm), Duration.ofSeconds(down), Duration.ofSeconds(after), Duration.ofSeconds(drain),
                instanceHeap, instanceSettings);
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Map<String, Object> result = FailoverBench.run(o, out);
        print(result, out);
        Path file = outFile;
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", "failover");
        all.put("cores", Runtime.getRuntime().availableProcessors());
        all.put("java", System.getProperty("java.version"));
        all.put("loadAverageAtStart", load);
        all.put("options", FailoverBench.options(o));
        all.putAll(result);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), all);
        out.println("wrote " + file);
        return 0;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> r, PrintStream out) {
        Map<String, Object> eo = (Map<String, Object>) r.get("exactlyOnce");
        out.printf(Locale.ROOT, "failover: %s tokens in, %s outputs read (reader stopped %s s after the feed); exactly once: %s (missing %s, duplicates %s, "
                        + "output partition != input partition %s)%n", r.get("tokensAcknowledged"), r.get("outputsRead"), r.get("drainSeconds"),
                eo.get("ok"), eo.get("missing"), eo.get("duplicates"), eo.get("outputPartitionDiffersFromInput"));
        if (eo.containsKey("note")) out.println("failover: " + eo.get("note"));
        Map<String, Object> warm = (Map<String, Object>) r.get("beforeFirstKill");
        out.printf(Locale.ROOT, "failover: before the first kill: worst delay %s ms, longest pause of a partition %s ms%n",
                warm.get("worstDelayMs"), ((Map<String, Object>) warm.get("longestPause")).get("ms"));
        out.println("| kill | worst delay s | longest pause, unmoved partitions s | longest pause, killed partitions s "
                + "| restart -> running / assigned / first output s |");
        out.println("|---|---|---|---|---|");
        for (Map<String, Object> k : (List<Map<String, Object>>) r.get("kills")) {
            Map<String, Object> unmoved = (Map<String, Object>) k.get("longestPauseOfUnmovedPartitions");
            Map<String, Object> killed = (Map<String, Object>) k.get("longestPauseOfKilledPartitions");
            Map<String, Object> restart = (Map<String, Object>) k.get("restart");
            out.printf(Locale.ROOT, "| %s at %.1f s (partitions %s) | %s | %s (p%s of %s) | %s | %s / %s / %s |%n", k.get("victim"),
                    (Double) k.get("killAtS"), k.get("killedPartitions"), seconds(k.get("worstDelayMs")), seconds(unmoved.get("ms")),
                    unmoved.get("partition"), k.get("unmovedPartitions"), seconds(killed.get("ms")), restart.get("toRunningS"),
                    restart.get("toAssignedS"), restart.get("toFirstOutputS"));
        }
        out.printf(Locale.ROOT, "failover: worst delay over the whole run %s s%n", seconds(r.get("worstDelayMs")));
    }

    private static String seconds(Object ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.1f", ((Number) ms).longValue() / 1000.0);
    }
}
