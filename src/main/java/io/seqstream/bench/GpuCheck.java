package io.seqstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.seqstream.train.backend.BackendKind;
import io.seqstream.train.backend.BackendUnavailableException;
import io.seqstream.train.next.TextCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point of bench/gpu-check.sh: {@link ParityBench} and {@link BackendBench} without the command line's
 * command tree, which loads Kafka, Vert.x and the rest; so the bundle carried to a GPU host holds this jar, Jackson
 * and a small Java runtime only. Writes the same JSON as {@code bench parity} and {@code bench backends}.
 * <pre>
 *   GpuCheck parity BACKEND OUT.json
 *   GpuCheck backends BACKEND[,BACKEND] SHAKESPEARE.txt.gz OUT.json [LARGE_STEPS]
 * </pre>
 * Exit 0 when parity is within 1e-4 (or every backend ran), 1 otherwise, 2 on bad arguments.
 */
public final class GpuCheck {
    private GpuCheck() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("parity")) {
            System.exit(parity(BackendKind.parse(args[1]), Path.of(args[2])));
        }
        if (args.length >= 4 && args[0].equals("backends")) {
            int steps = args.length > 4 ? Integer.parseInt(args[4]) : 10;
            System.exit(backends(args[1], Path.of(args[2]), Path.of(args[3]), steps));
        }
        System.err.println("usage: GpuCheck parity BACKEND OUT.json | backends LIST SHAKESPEARE OUT.json [LARGE_STEPS]");
        System.exit(2);
    }

    private static int parity(BackendKind kind, Path out) throws Exception {
        List<Map<String, Object>> rows;
        try {
            rows = ParityBench.run(kind, 1);
        } catch (BackendUnavailableException e) {
            System.out.println("parity: " + kind.configName() + " cannot run here: " + e.getMessage());
            write(out, "parity", Map.of("available", false, "reason", e.getMessage(), "allWithinBar", false), List.of());
            return 1;
        }
        boolean all = true;
        for (Map<String, Object> r : rows) {
            System.out.printf(java.util.Locale.ROOT, "parity: %s %-4s %-34s loss %.2e  gradient %.2e (%s)  state %.2e  %s%n",
                    r.get("backend"), r.get("cell"), r.get("shape"), r.get("lossRelativeDifference"),
                    r.get("maxRelativeGradientDifference"), r.get("worstTensor"), r.get("stateRelativeDifference"),
                    Boolean.TRUE.equals(r.get("withinBar")) ? "ok" : "OUTSIDE 1e-4");
            all &= Boolean.TRUE.equals(r.get("withinBar"));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("device", rows.isEmpty() ? "" : rows.get(0).get("device"));
        doc.put("bar", ParityBench.BAR);
        doc.put("allWithinBar", all);
        write(out, "parity", doc, rows);
        return all ? 0 : 1;
    }

    private static int backends(String list, Path data, Path out, int largeSteps) throws Exception {
        TextCorpus corpus = TextCorpus.tinyShakespeare(data);
        BackendBench.Plan plan = new BackendBench.Plan(512, largeSteps, 2, 32, 100, Duration.ofSeconds(600), 1);
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean all = true;
        for (String name : list.split(",")) {
            Map<String, Object> r = BackendBench.run(BackendKind.parse(name), corpus, plan);
            System.out.println("backends: " + r);
            all &= Boolean.TRUE.equals(r.get("available"));
            rows.add(r);
        }
        write(out, "backends", Map.of(), rows);
        return all ? 0 : 1;
    }

    private static void write(Path file, String name, Map<String, Object> doc, List<Map<String, Object>> results) throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", name);
        all.put("cores", Runtime.getRuntime().availableProcessors());
        all.put("java", System.getProperty("java.version"));
        all.put("loadAverage", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        all.putAll(doc);
        all.put("results", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), all);
        System.out.println("wrote " + file);
    }
}
