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

/**
 * {@code bench failover}: kill -9 of product instances under a steady feed (see {@link FailoverBench}); prints a
 * short table and writes target/bench/failover.json.
 */
final class FailoverCommand {
    private FailoverCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        Path model = Path.of(args.get("model", "models/echo.model"));
        if (!Files.isRegularFile(model)) {
            out.println("No model at " + model + ": training the echo model first (as ./seqstream run does)");
            TrainCommand.trainEcho(4, false, 64, model, null, 20_000, 1, out);
        }
        // --set on the bench command line goes to every instance (the broker is the bench's own).
        List<String> settings = new ArrayList<>();
        args.configOverrides().forEach((k, v) -> {
            if (!k.equals("kafka.bootstrap")) settings.add(k + "=" + v);
        });
        FailoverBench.Options o = new FailoverBench.Options(model, args.integer("instances", 3),
                List.of(args.get("victims", "i2,i3").split(",")), args.integer("streams", 1500), args.decimal("rate", 2000),
                Duration.ofSeconds(args.integer("warm", 20)), Duration.ofSeconds(args.integer("down", 10)),
                Duration.ofSeconds(args.integer("after", 30)), Duration.ofSeconds(args.integer("drain", 300)),
                args.get("instance-heap", "1g"), settings);
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        Map<String, Object> result = FailoverBench.run(o, out);
        print(result, out);
        Path file = Path.of(args.get("out", "target/bench/failover.json"));
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
