package io.seqstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.seqstream.bench.DeterminismBench;
import io.seqstream.bench.EndToEndBench;
import io.seqstream.bench.StepBench;
import io.seqstream.bench.WebSocketBench;
import io.seqstream.model.ModelSnapshot;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code bench}: measurements written as JSON (never asserted in tests). */
final class BenchCommand {
    private BenchCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        String what = args.positional().isEmpty() ? "e2e" : args.positional().get(0);
        if (what.equals("step")) return step(args, out);
        if (what.equals("determinism")) return determinism(args, out);
        if (what.equals("ws")) return ws(args, out);
        if (!what.equals("e2e")) throw new Args.UsageException("unknown benchmark '" + what + "' (e2e, step, determinism, ws)");
        ModelSnapshot model = ModelSnapshot.load(Path.of(args.get("model", "models/echo.model")));
        int streams = args.integer("streams", 10_000);
        long tokens = args.integer("tokens", 200_000);
        List<Map<String, Object>> results = new ArrayList<>();
        for (String poll : args.get("max-poll-records", "2000").split(",")) {
            EndToEndBench.Result r = EndToEndBench.run(model, streams, tokens, args.integer("threads", 1), Integer.parseInt(poll.trim()));
            out.printf(Locale.ROOT, "e2e: %d tokens over %d streams, %d thread(s), max.poll.records %d: %.0f tokens/s "
                            + "(%.2f s), %d waves, mean wave %.1f streams, largest %.0f%n",
                    r.tokens(), r.streams(), r.threads(), r.maxPollRecords(), r.tokensPerSecond(), r.seconds(), r.waves(),
                    r.meanWave(), r.maxWave());
            results.add(r.toMap());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.metadata().name());
        return write(Path.of(args.get("out", "target/bench/e2e.json")), "e2e", doc, results, out);
    }

    private static int ws(Args args, PrintStream out) throws Exception {
        ModelSnapshot model = ModelSnapshot.load(Path.of(args.get("model", "models/echo.model")));
        List<Map<String, Object>> results = new ArrayList<>();
        List<Double> reading = new ArrayList<>();
        List<Double> stalled = new ArrayList<>();
        for (WebSocketBench.Result r : WebSocketBench.run(model, args.integer("clients", 100), args.integer("tokens", 200),
                args.integer("slow", 5), args.integer("rounds", 3))) {
            out.printf(Locale.ROOT, "ws: %-36s %d clients x %d tokens: %.0f tokens/s delivered (%.2f s)%n", r.scenario(),
                    r.clients(), r.tokensPerClient(), r.tokensPerSecond(), r.seconds());
            (r.scenario().equals(WebSocketBench.READING) ? reading : stalled).add(r.tokensPerSecond());
            results.add(r.toMap());
        }
        double ratio = median(stalled) / median(reading);
        out.printf(Locale.ROOT, "ws: median %.0f tokens/s with every client reading, %.0f beside stalled clients: ratio %.3f%n",
                median(reading), median(stalled), ratio);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.metadata().name());
        doc.put("medianReading", median(reading));
        doc.put("medianWithStalled", median(stalled));
        doc.put("ratio", ratio);
        return write(Path.of(args.get("out", "target/bench/ws.json")), "ws", doc, results, out);
    }

    private static int step(Args args, PrintStream out) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        double seconds = args.decimal("seconds", 2);
        for (String c : args.get("cells", "gru,lstm").split(",")) {
            for (String h : args.get("hidden", "64,128").split(",")) {
                for (String k : args.get("k", "1,16,256,2048").split(",")) {
                    StepBench.Result r = StepBench.run(io.seqstream.model.CellType.parse(c), Integer.parseInt(h.trim()),
                            Integer.parseInt(k.trim()), seconds);
                    out.printf(Locale.ROOT, "step %-4s H=%-4d K=%-5d %9.1f us/call %7.2f us/token%n", r.cell(), r.hidden(), r.k(),
                            r.microsPerCall(), r.microsPerToken());
                    results.add(r.toMap());
                }
            }
        }
        return write(Path.of(args.get("out", "target/bench/step.json")), "step", new LinkedHashMap<>(), results, out);
    }

    private static int determinism(Args args, PrintStream out) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        for (String h : args.get("hidden", "64,128").split(",")) {
            for (DeterminismBench.Result r : DeterminismBench.run(Integer.parseInt(h.trim()))) {
                out.printf(Locale.ROOT, "determinism %-7s H=%-4d wave of %4d rows: row 0 differs from a wave of 1 in %3d of %d elements (max %.3g)%n",
                        r.library(), r.hidden(), r.rows(), r.differing(), r.elements(), r.maxAbsDifference());
                results.add(r.toMap());
            }
        }
        return write(Path.of(args.get("out", "target/bench/determinism.json")), "determinism", new LinkedHashMap<>(), results, out);
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static int write(Path file, String name, Map<String, Object> doc, List<Map<String, Object>> results, PrintStream out)
            throws Exception {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("benchmark", name);
        all.put("cores", Runtime.getRuntime().availableProcessors());
        all.put("java", System.getProperty("java.version"));
        all.putAll(doc);
        all.put("results", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), all);
        out.println("wrote " + file);
        return 0;
    }
}
