package io.seqstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.seqstream.bench.DeterminismBench;
import io.seqstream.bench.EndToEndBench;
import io.seqstream.bench.PyTorchReference;
import io.seqstream.bench.TrainBench;
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
import java.util.Optional;

/** {@code bench}: measurements written as JSON (never asserted in tests). */
final class BenchCommand {
    private BenchCommand() {
    }

    static int run(Args args, PrintStream out) throws Exception {
        String what = args.positional().isEmpty() ? "e2e" : args.positional().get(0);
        if (what.equals("step")) return step(args, out);
        if (what.equals("train")) return train(args, out);
        if (what.equals("determinism")) return determinism(args, out);
        if (what.equals("ws")) return ws(args, out);
        if (what.equals("join")) return join(args, out);
        if (what.equals("backends")) return backends(args, out);
        if (what.equals("parity")) return parity(args, out);
        if (ReliabilityBenches.handles(what)) return ReliabilityBenches.run(what, args, out);
        if (!what.equals("e2e")) throw new Args.UsageException("unknown benchmark '" + what + "' (e2e, step, train, determinism, ws, join, backends, parity, restore, memory, load, failover)");
        return e2e(args, out);
    }

    /** Steady-state e2e: one result per (threads, max.poll.records), each beside its Kafka-only and Kafka Streams references. */
    private static int e2e(Args args, PrintStream out) throws Exception {
        ModelSnapshot model = ModelSnapshot.load(Path.of(args.get("model", "models/echo.model")));
        int streams = args.integer("streams", 10_000);
        int partitions = args.integer("partitions", 4);
        long warmup = args.integer("warmup", 200_000);
        long tokens = args.integer("tokens", 2_000_000);
        java.time.Duration interval = java.time.Duration.ofMillis(args.integer("commit-interval-ms", 100));
        int maxTransaction = args.integer("max-transaction-records", io.seqstream.config.SeqstreamConfig.of(Map.of()).pipelines().get(0).maxTransactionRecords());
        boolean references = !args.flag("no-reference");
        // Before and after: the figures mean little on a machine that was busy with something else.
        double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<Map<String, Object>> results = new ArrayList<>();
        StringBuilder md = new StringBuilder("| threads | max.poll.records | seqstream tokens/s | Kafka-only loop tokens/s | ratio "
                + "| Kafka Streams tokens/s | ratio | mean wave |\n|---|---|---|---|---|---|---|---|\n");
        for (int threads : integers(args.get("threads", "1"))) {
            for (int mpr : integers(args.get("max-poll-records", "2000"))) {
                EndToEndBench.Plan plan = new EndToEndBench.Plan(streams, partitions, warmup, tokens, threads, mpr, interval,
                        maxTransaction, references);
                EndToEndBench.Result r = EndToEndBench.run(model, plan);
                Map<String, Object> m = r.toMap();
                out.printf(Locale.ROOT, "e2e: %d tokens after a %d warm-up over %d streams, %d partitions, %d thread(s), "
                                + "max.poll.records %d, commit interval %d ms: %.0f tokens/s (%.2f s), %d waves, mean wave %.1f streams%n",
                        m.get("tokens"), warmup, streams, partitions, threads, mpr, interval.toMillis(), r.tokensPerSecond(),
                        m.get("seconds"), m.get("waves"), r.meanWave());
                String refs = "| - | - | - | - ";
                if (references) {
                    double k = r.kafkaOnly().tokensPerSecond();
                    double s = r.kafkaStreams().tokensPerSecond();
                    out.printf(Locale.ROOT, "e2e: Kafka-only transactional loop, %d-byte outputs: %.0f tokens/s (%d transactions); "
                            + "ratio %.2f%n", r.outputBytes(), k, r.kafkaOnly().details().get("transactions"), r.tokensPerSecond() / k);
                    out.printf(Locale.ROOT, "e2e: Kafka Streams, exactly_once_v2, %d stream thread(s): %.0f tokens/s; ratio %.2f%n",
                            threads, s, r.tokensPerSecond() / s);
                    refs = String.format(Locale.ROOT, "| %.0f | %.2fx | %.0f | %.2fx ", k, r.tokensPerSecond() / k, s, r.tokensPerSecond() / s);
                }
                md.append(String.format(Locale.ROOT, "| %d | %d | %.0f %s| %.1f |%n", threads, mpr, r.tokensPerSecond(), refs, r.meanWave()));
                results.add(m);
            }
        }
        out.print(md);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.metadata().name());
        doc.put("timing", "steady state: from the committed input count (the group's committed offsets, which commit with the "
                + "outputs) crossing the warm-up mark to the last input committed; group join and warm-up excluded");
        doc.put("loadAverageBefore", loadBefore);
        doc.put("loadAverageAfter", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Path json = Path.of(args.get("out", "target/bench/e2e.json"));
        writeMarkdown(json, md, out);
        return write(json, "e2e", doc, results, out);
    }

    private static List<Integer> integers(String list) {
        List<Integer> xs = new ArrayList<>();
        for (String x : list.split(",")) {
            try {
                xs.add(Integer.parseInt(x.trim()));
            } catch (NumberFormatException e) {
                throw new Args.UsageException("expected whole numbers separated by commas, got '" + list + "'");
            }
        }
        return xs;
    }

    /** A fresh product JVM joining a running feed, kernel warm-up off and on (pairs, alternating, off first). */
    private static int join(Args args, PrintStream out) throws Exception {
        Path model = Path.of(args.get("model", "models/echo.model"));
        int streams = args.integer("streams", 1500);
        int rate = args.integer("rate", 2000);
        int window = args.integer("seconds", 10);
        List<Map<String, Object>> results = new ArrayList<>();
        for (int rep = 0; rep < args.integer("repeats", 1); rep++) {
            for (String steps : args.get("warmup-steps", "0,3000").split(",")) {
                io.seqstream.bench.JoinBench.Run r = io.seqstream.bench.JoinBench.run(model, Integer.parseInt(steps.trim()),
                        streams, rate, java.time.Duration.ofSeconds(window), out);
                out.printf(Locale.ROOT, "join: warm-up %s steps: ready %.1f s, first output %.1f s after launch; first %d s of the feed: "
                                + "delay max %d ms, mean %.0f ms (%d outputs) %s%n", steps.trim(), r.readySeconds(),
                        r.firstOutputSeconds(), window, r.maxDelayAfterFirst(), r.meanDelayAfterFirst(), r.outputsAfterFirst(),
                        r.warmupLine().isEmpty() ? "" : "[" + r.warmupLine() + "]");
                for (io.seqstream.bench.JoinBench.Second s : r.seconds()) {
                    out.printf(Locale.ROOT, "  second %2d: %5d outputs, delay mean %6.0f ms, max %6d ms%n", s.second(), s.outputs(),
                            s.meanDelayMillis(), s.maxDelayMillis());
                }
                results.add(r.toMap());
            }
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", model.toString());
        doc.put("streams", streams);
        doc.put("tokensPerSecond", rate);
        doc.put("windowSeconds", window);
        doc.put("machine", args.get("label", "shared-machine"));
        return write(Path.of(args.get("out", "target/bench/join.json")), "join", doc, results, out);
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
        String cells = args.get("cells", "gru,lstm");
        String hidden = args.get("hidden", "64,128");
        String ks = args.get("k", "1,16,256,2048");
        StepBench.warmUp(args.decimal("warm-up", 4));
        for (String c : cells.split(",")) {
            for (String h : hidden.split(",")) {
                for (String k : ks.split(",")) {
                    StepBench.Result r = StepBench.run(io.seqstream.model.CellType.parse(c), Integer.parseInt(h.trim()),
                            Integer.parseInt(k.trim()), seconds);
                    out.printf(Locale.ROOT, "step %-4s H=%-4d K=%-5d %9.1f us/call %7.2f us/token%n", r.cell(), r.hidden(), r.k(),
                            r.microsPerCall(), r.microsPerToken());
                    results.add(r.toMap());
                }
            }
        }
        // The reference runs after the Java side, in the same invocation, so both see the same machine state.
        Map<String, Object> doc = new LinkedHashMap<>();
        Path script = Path.of("bench/pytorch_step.py");
        Optional<String> skip = PyTorchReference.unavailable(script);
        Map<String, JsonNode> ref = new LinkedHashMap<>();
        if (skip.isPresent()) {
            out.println("step: PyTorch reference skipped: " + skip.get());
            doc.put("pytorchSkipped", skip.get());
        } else {
            JsonNode py = PyTorchReference.run(script, List.of("--cells", cells, "--hidden", hidden, "--k", ks,
                    "--seconds", String.valueOf(seconds), "--threads", args.get("torch-threads", "1,2")), 3600);
            doc.put("pytorch", Map.of("torch", py.path("torch").asText(), "threads", py.path("threads").toString()));
            for (JsonNode r : py.path("results")) ref.put(stepKey(r.path("cell").asText(), r.path("hidden").asInt(), r.path("k").asInt()), r);
        }
        StringBuilder md = new StringBuilder("| cell | H | K | seqstream us/token | PyTorch us/token (threads) | ratio |\n|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : results) {
            JsonNode py = ref.get(stepKey((String) r.get("cell"), (Integer) r.get("hidden"), (Integer) r.get("k")));
            double java = (Double) r.get("usPerToken");
            String pyCell = "skipped";
            String ratio = "-";
            if (py != null) {
                double t = py.path("usPerToken").asDouble();
                r.put("pytorchUsPerToken", t);
                r.put("pytorchThreads", py.path("threads").asInt());
                r.put("pytorchUsPerTokenByThreads", py.path("usPerTokenByThreads"));
                r.put("ratio", java / t);
                pyCell = String.format(Locale.ROOT, "%.2f (%d)", t, py.path("threads").asInt());
                ratio = String.format(Locale.ROOT, "%.2fx", java / t);
            }
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %s | %s |%n", r.get("cell"), r.get("hidden"), r.get("k"),
                    java, pyCell, ratio));
        }
        out.print(md);
        Path json = Path.of(args.get("out", "target/bench/step.json"));
        writeMarkdown(json, md, out);
        return write(json, "step", doc, results, out);
    }

    /** Each training backend on echo and a larger model; one row per backend, with the reason when it cannot run here. */
    private static int backends(Args args, PrintStream out) throws Exception {
        io.seqstream.train.next.TextCorpus corpus = io.seqstream.train.next.TextCorpus.tinyShakespeare(
                Path.of(args.get("data", io.seqstream.train.next.TextCorpus.TINY_SHAKESPEARE.toString())));
        io.seqstream.bench.BackendBench.Plan plan = new io.seqstream.bench.BackendBench.Plan(args.integer("hidden", 512),
                args.integer("large-steps", 10), args.integer("large-warmup", 2), args.integer("batch", 32), args.integer("bptt", 100),
                java.time.Duration.ofSeconds(args.integer("max-seconds", 600)), args.integer("seed", 1));
        double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<Map<String, Object>> results = new ArrayList<>();
        for (String name : args.get("backends", "kernels,cuda").split(",")) {
            io.seqstream.train.backend.BackendKind kind = io.seqstream.train.backend.BackendKind.parse(name);
            Map<String, Object> r = io.seqstream.bench.BackendBench.run(kind, corpus, plan);
            if (Boolean.TRUE.equals(r.get("available"))) {
                out.printf(Locale.ROOT, "backends: %s on %s: echo %.4f held-out in %.1f s (%d steps); %s %.3f steps/s; "
                                + "max relative gradient difference from the kernels %.2e%n", name, r.get("device"),
                        r.get("heldOutAccuracy"), r.get("seconds"), r.get("echoSteps"), r.get("largeModel"),
                        r.get("largeStepsPerSecond"), r.get("maxRelativeGradientDifference"));
            } else {
                out.printf(Locale.ROOT, "backends: %s cannot run here: %s%n", name, r.get("reason"));
            }
            results.add(r);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("loadAverageBefore", loadBefore);
        doc.put("loadAverageAfter", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        return write(Path.of(args.get("out", "target/bench/backends.json")), "backends", doc, results, out);
    }

    /** A backend against the kernels on the same batches, per cell and shape; exit 1 when any is outside 1e-4. */
    private static int parity(Args args, PrintStream out) throws Exception {
        io.seqstream.train.backend.BackendKind kind = io.seqstream.train.backend.BackendKind.parse(args.get("backend", "cuda"));
        List<Map<String, Object>> rows = io.seqstream.bench.ParityBench.run(kind, args.integer("seed", 1));
        boolean all = true;
        for (Map<String, Object> r : rows) {
            out.printf(Locale.ROOT, "parity: %s %-4s %-34s loss %.2e  gradient %.2e (%s)  state %.2e  %s%n", r.get("backend"),
                    r.get("cell"), r.get("shape"), r.get("lossRelativeDifference"), r.get("maxRelativeGradientDifference"),
                    r.get("worstTensor"), r.get("stateRelativeDifference"), Boolean.TRUE.equals(r.get("withinBar")) ? "ok" : "OUTSIDE 1e-4");
            all &= Boolean.TRUE.equals(r.get("withinBar"));
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("device", rows.isEmpty() ? "" : rows.get(0).get("device"));
        doc.put("bar", io.seqstream.bench.ParityBench.BAR);
        doc.put("allWithinBar", all);
        write(Path.of(args.get("out", "target/bench/parity.json")), "parity", doc, rows, out);
        return all ? 0 : 1;
    }

    private static String stepKey(String cell, int hidden, int k) {
        return cell.toUpperCase(Locale.ROOT) + "/" + hidden + "/" + k;
    }

    private static int train(Args args, PrintStream out) throws Exception {
        List<Map<String, Object>> results = new ArrayList<>();
        java.time.Duration max = java.time.Duration.ofSeconds(args.integer("max-seconds", 600));
        long seed = args.integer("seed", 1);
        List<String> variants = List.of(args.get("variants", "plain,curriculum").split(","));
        for (String v : variants) {
            TrainBench.Result r = TrainBench.run(v.trim().equals("curriculum"), seed, max);
            out.printf(Locale.ROOT, "train %-32s %6d batches %7.1f s held-out %.4f%s%n", r.variant(), r.batches(), r.seconds(),
                    r.heldOutAccuracy(), r.solved() ? "" : " (not solved)");
            results.add(r.toMap());
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        Path script = Path.of("bench/pytorch_train_echo.py");
        Optional<String> skip = PyTorchReference.unavailable(script);
        List<Map<String, Object>> refs = new ArrayList<>();
        if (skip.isPresent()) {
            out.println("train: PyTorch reference skipped: " + skip.get());
            doc.put("pytorchSkipped", skip.get());
        } else {
            // One run per thread count: on a shared 2-core machine 2 intra-op threads can be far slower than 1.
            for (String t : args.get("torch-threads", "1,2").split(",")) {
                JsonNode py = PyTorchReference.run(script, List.of("--seed", String.valueOf(seed), "--threads", t.trim()), 3600);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("variant", "PyTorch " + py.path("torch").asText() + ", length 20 only, " + py.path("threads").asInt() + " thread(s)");
                m.put("batches", py.path("batches").asLong());
                m.put("seconds", py.path("seconds").asDouble());
                m.put("heldOutAccuracy", py.path("heldOutAccuracy").asDouble());
                m.put("solved", py.path("solved").asBoolean());
                out.printf(Locale.ROOT, "train %-32s %6d batches %7.1f s held-out %.4f%n", m.get("variant"), m.get("batches"),
                        m.get("seconds"), m.get("heldOutAccuracy"));
                refs.add(m);
            }
            doc.put("pytorch", refs);
        }
        // Ratios against the fastest solved PyTorch run.
        double best = refs.stream().filter(m -> (Boolean) m.get("solved")).mapToDouble(m -> (Double) m.get("seconds")).min().orElse(Double.NaN);
        StringBuilder md = new StringBuilder("| run | batches to 99 % | seconds | held-out accuracy | time ratio to fastest PyTorch |\n|---|---|---|---|---|\n");
        List<Map<String, Object>> rows = new ArrayList<>(results);
        rows.addAll(refs);
        for (Map<String, Object> r : rows) {
            String ratio = "-";
            if (!Double.isNaN(best) && (Boolean) r.get("solved")) {
                double x = (Double) r.get("seconds") / best;
                r.put("ratio", x);
                ratio = String.format(Locale.ROOT, "%.2fx", x);
            }
            md.append(String.format(Locale.ROOT, "| %s | %d%s | %.1f | %.4f | %s |%n", r.get("variant"), r.get("batches"),
                    (Boolean) r.get("solved") ? "" : " (not solved)", r.get("seconds"), r.get("heldOutAccuracy"), ratio));
        }
        out.print(md);
        Path json = Path.of(args.get("out", "target/bench/train.json"));
        writeMarkdown(json, md, out);
        return write(json, "train", doc, results, out);
    }

    /** The markdown table next to the JSON file: same name, .md. */
    private static void writeMarkdown(Path json, CharSequence md, PrintStream out) throws Exception {
        Path file = json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, md);
        out.println("wrote " + file);
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
