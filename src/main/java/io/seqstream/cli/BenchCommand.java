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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bench}: measurements written as JSON (never asserted in tests), one subcommand per measurement. */
@Command(name = "bench", synopsisSubcommandLabel = "[BENCHMARK]",
        description = "Measurements written as JSON (never asserted in tests); without a benchmark: e2e with its defaults.",
        subcommands = {BenchCommand.E2e.class, BenchCommand.Step.class, BenchCommand.Train.class, BenchCommand.Determinism.class,
                BenchCommand.Ws.class, BenchCommand.Join.class, BenchCommand.Backends.class, BenchCommand.Parity.class,
                ReliabilityBench.Restore.class, ReliabilityBench.Memory.class,
                ReliabilityBench.Load.class, FailoverCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    HelpOption help;

    private final PrintStream out;

    BenchCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        return new E2e(out).call();
    }

    /** {@code bench e2e}, options and output as its help says. */
    @Command(name = "e2e", sortOptions = false, description = "Steady-state tokens/s through the embedded broker with exactly-once on, beside a Kafka-only "
            + "transactional loop (same records, no model) and a Kafka Streams application (same job, trivial "
            + "model); JSON and markdown to target/bench/e2e.{json,md}.")
    static final class E2e implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "FILE", description = "Model file (default ${DEFAULT-VALUE}).")
        String modelFile = "models/echo.model";
        @Option(names = "--tokens", paramLabel = "N", description = "Tokens measured (default ${DEFAULT-VALUE}).")
        int tokens = 2_000_000;
        @Option(names = "--warmup", paramLabel = "N", description = "Tokens before the measurement (default ${DEFAULT-VALUE}).")
        int warmup = 200_000;
        @Option(names = "--streams", paramLabel = "N", description = "Streams (default ${DEFAULT-VALUE}).")
        int streams = 10_000;
        @Option(names = "--partitions", paramLabel = "N", description = "Partitions of the input topic (default ${DEFAULT-VALUE}).")
        int partitions = 4;
        @Option(names = "--threads", paramLabel = "N[,N]", description = "Processing threads; a list runs each (default ${DEFAULT-VALUE}).")
        String threads = "1";
        @Option(names = "--max-poll-records", paramLabel = "N[,N]", description = "max.poll.records; a list runs each (default ${DEFAULT-VALUE}).")
        String maxPollRecords = "2000";
        @Option(names = "--commit-interval-ms", paramLabel = "MS", description = "Transaction commit interval (default ${DEFAULT-VALUE}).")
        int commitIntervalMs = 100;
        @Option(names = "--max-transaction-records", paramLabel = "N", description = "Input records per transaction at most (default: the pipeline default).")
        Integer maxTransactionRecords;
        @Option(names = "--no-reference", description = "Leave out the Kafka-only and Kafka Streams references.")
        boolean noReference;
        @Option(names = "--out", paramLabel = "FILE", description = "JSON result (markdown beside it) (default ${DEFAULT-VALUE}).")
        String outFile = "target/bench/e2e.json";
        @Mixin
        HelpOption help;

        private final PrintStream out;

        E2e(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            ModelSnapshot model = ModelSnapshot.load(TrainCommand.ensureEchoModel(Path.of(modelFile), out));
            java.time.Duration interval = java.time.Duration.ofMillis(commitIntervalMs);
            int maxTransaction = maxTransactionRecords != null ? maxTransactionRecords
                    : io.seqstream.config.SeqstreamConfig.of(Map.of()).pipelines().get(0).maxTransactionRecords();
            boolean references = !noReference;
            // Before and after: the figures mean little on a machine that was busy with something else.
            double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            List<Map<String, Object>> results = new ArrayList<>();
            StringBuilder md = new StringBuilder("| threads | max.poll.records | seqstream tokens/s | Kafka-only loop tokens/s | ratio "
                    + "| Kafka Streams tokens/s | ratio | mean wave |\n|---|---|---|---|---|---|---|---|\n");
            for (int threads : integers(threads)) {
                for (int mpr : integers(maxPollRecords)) {
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
            Path json = Path.of(outFile);
            writeMarkdown(json, md, out);
            return write(json, "e2e", doc, results, out);
        }
    }

    /** {@code bench join}, options and output as its help says. */
    @Command(name = "join", sortOptions = false, description = "A fresh product JVM joins a 2000 tokens/s feed over 1500 streams, kernel warm-up off vs on: "
            + "per-second input-to-output delay; JSON to target/bench/join.json.")
    static final class Join implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "FILE", description = "Model file (default ${DEFAULT-VALUE}).")
        String modelFile = "models/echo.model";
        @Option(names = "--warmup-steps", paramLabel = "N[,N]", description = "Kernel warm-up steps; a list runs each (default ${DEFAULT-VALUE}).")
        String warmupSteps = "0,3000";
        @Option(names = "--streams", paramLabel = "N", description = "Streams (default ${DEFAULT-VALUE}).")
        int streams = 1500;
        @Option(names = "--rate", paramLabel = "N", description = "Tokens per second fed (default ${DEFAULT-VALUE}).")
        int rate = 2000;
        @Option(names = "--seconds", paramLabel = "S", description = "Seconds of the feed measured (default ${DEFAULT-VALUE}).")
        int seconds = 10;
        @Option(names = "--repeats", paramLabel = "N", description = "Rounds of the whole list (default ${DEFAULT-VALUE}).")
        int repeats = 1;
        @Option(names = "--label", paramLabel = "TEXT", description = "Machine label in the JSON (default ${DEFAULT-VALUE}).")
        String label = "shared-machine";
        @Option(names = "--out", paramLabel = "FILE", description = "JSON result (default ${DEFAULT-VALUE}).")
        String outFile = "target/bench/join.json";
        @Mixin
        HelpOption help;

        private final PrintStream out;

        Join(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            Path model = TrainCommand.ensureEchoModel(Path.of(modelFile), out);
            int window = seconds;
            List<Map<String, Object>> results = new ArrayList<>();
            for (int rep = 0; rep < repeats; rep++) {
                for (String steps : warmupSteps.split(",")) {
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
            doc.put("machine", label);
            return write(Path.of(outFile), "join", doc, results, out);
        }
    }

    /** {@code bench ws}, options and output as its help says. */
    @Command(name = "ws", sortOptions = false, description = "Tokens/s to WebSocket clients through the whole product, all reading vs beside clients that "
            + "never read; JSON to target/bench/ws.json.")
    static final class Ws implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "FILE", description = "Model file (default ${DEFAULT-VALUE}).")
        String modelFile = "models/echo.model";
        @Option(names = "--clients", paramLabel = "N", description = "Reading clients (default ${DEFAULT-VALUE}).")
        int clients = 100;
        @Option(names = "--tokens", paramLabel = "N", description = "Tokens per client (default ${DEFAULT-VALUE}).")
        int tokens = 200;
        @Option(names = "--slow", paramLabel = "N", description = "Clients that never read (default ${DEFAULT-VALUE}).")
        int slow = 5;
        @Option(names = "--rounds", paramLabel = "N", description = "Rounds of each scenario (default ${DEFAULT-VALUE}).")
        int rounds = 3;
        @Option(names = "--out", paramLabel = "FILE", description = "JSON result (default ${DEFAULT-VALUE}).")
        String outFile = "target/bench/ws.json";
        @Mixin
        HelpOption help;

        private final PrintStream out;

        Ws(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            ModelSnapshot model = ModelSnapshot.load(TrainCommand.ensureEchoModel(Path.of(modelFile), out));
            List<Map<String, Object>> results = new ArrayList<>();
            List<Double> reading = new ArrayList<>();
            List<Double> stalled = new ArrayList<>();
            for (WebSocketBench.Result r : WebSocketBench.run(model, clients, tokens,
                    slow, rounds)) {
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
            return write(Path.of(outFile), "ws", doc, results, out);
        }
    }

    /** {@code bench step}, options and output as its help says. */
    @Command(name = "step", sortOptions = false, description = "us/token of the batched step beside PyTorch GRUCell/LSTMCell (bench/pytorch_step.py); JSON and "
            + "markdown to target/bench/step.{json,md}.")
    static final class Step implements Callable<Integer> {
        @Option(names = "--cells", paramLabel = "CELLS", description = "Cells (default ${DEFAULT-VALUE}).")
        String cells = "gru,lstm";
        @Option(names = "--hidden", paramLabel = "H[,H]", description = "Hidden sizes (default ${DEFAULT-VALUE}).")
        String hidden = "64,128";
        @Option(names = "--k", paramLabel = "K[,K]", description = "Streams per step (default ${DEFAULT-VALUE}).")
        String k = "1,16,256,2048";
        @Option(names = "--seconds", paramLabel = "S", description = "Seconds per measurement (default ${DEFAULT-VALUE}).")
        double seconds = 2;
        @Option(names = "--warm-up", paramLabel = "S", description = "Seconds of warm-up first (default ${DEFAULT-VALUE}).")
        double warmUp = 4;
        @Option(names = "--torch-threads", paramLabel = "N[,N]", description = "PyTorch intra-op threads; the best counts (default ${DEFAULT-VALUE}).")
        String torchThreads = "1,2";
        @Option(names = "--out", paramLabel = "FILE", description = "JSON result (markdown beside it) (default ${DEFAULT-VALUE}).")
        String outFile = "target/bench/step.json";
        @Mixin
        HelpOption help;

        private final PrintStream out;

        Step(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            List<Map<String, Object>> results = new ArrayList<>();
            String ks = k;
            StepBench.warmUp(warmUp);
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
                        "--seconds", String.valueOf(seconds), "--threads", torchThreads), 3600);
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
            Path json = Path.of(outFile);
            writeMarkdown(json, md, out);
            return write(json, "step", doc, results, out);
        }
    }

    /** {@code bench train}, options and output as its help says. */
    @Command(name = "backends", sortOptions = false, description = "Each training backend on echo (GRU 64 as run trains it: seconds to 99.5 %%, "
            + "held-out accuracy) and LSTM 512 on Tiny Shakespeare (steps/s), with the gradient's difference from the kernels; a "
            + "backend that cannot run here is listed with the reason. JSON to target/bench/backends.json.")
    static final class Backends implements Callable<Integer> {
        @Option(names = "--backends", paramLabel = "LIST", description = "kernels, cuda, cpu-device (default ${DEFAULT-VALUE}).")
        String backends = "kernels,cuda";
        @Option(names = "--large-steps", paramLabel = "N", description = "Measured steps of the large model (default ${DEFAULT-VALUE}).")
        int largeSteps = 10;
        @Option(names = "--large-warmup", paramLabel = "N", description = "Uncounted steps first (default ${DEFAULT-VALUE}).")
        int largeWarmup = 2;
        @Option(names = "--hidden", paramLabel = "H", description = "The large model's LSTM size (default ${DEFAULT-VALUE}).")
        int hidden = 512;
        @Option(names = "--batch", paramLabel = "B", description = "The large model's strips (default ${DEFAULT-VALUE}).")
        int batch = 32;
        @Option(names = "--bptt", paramLabel = "W", description = "The large model's BPTT window (default ${DEFAULT-VALUE}).")
        int bptt = 100;
        @Option(names = "--max-seconds", paramLabel = "S", description = "Echo's time budget per backend (default ${DEFAULT-VALUE}).")
        int maxSeconds = 600;
        @Option(names = "--seed", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed = 1;
        @Option(names = "--data", paramLabel = "FILE", description = "Tiny Shakespeare (default the shared copy).")
        String data = io.seqstream.train.next.TextCorpus.TINY_SHAKESPEARE.toString();
        @Option(names = "--out", paramLabel = "FILE", description = "JSON result (default ${DEFAULT-VALUE}).")
        String outFile = "target/bench/backends.json";
        @Mixin
        HelpOption help;

        private final PrintStream out;

        Backends(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            io.seqstream.train.next.TextCorpus corpus = io.seqstream.train.next.TextCorpus.tinyShakespeare(Path.of(data));
            io.seqstream.bench.BackendBench.Plan plan = new io.seqstream.bench.BackendBench.Plan(hidden, largeSteps, largeWarmup,
                    batch, bptt, java.time.Duration.ofSeconds(maxSeconds), seed);
            double loadBefore = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            List<Map<String, Object>> results = new ArrayList<>();
            for (String name : backends.split(",")) {
                Map<String, Object> r = io.seqstream.bench.BackendBench.run(backendKind(name), corpus, plan);
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
            return write(Path.of(outFile), "backends", doc, results, out);
        }
    }

    @Command(name = "parity", sortOptions = false, description = "A backend's loss, gradients and carried state against the kernels' "
            + "(RNN, GRU, LSTM; up to H 512) on the same batches; JSON to target/bench/parity.json; exit 1 outside 1e-4.")
    static final class Parity implements Callable<Integer> {
        @Option(names = "--backend", paramLabel = "NAME", description = "cuda or cpu-device (default ${DEFAULT-VALUE}).")
        String backend = "cuda";
        @Option(names = "--seed", paramLabel = "N", description = "Seed (default ${DEFAULT-VALUE}).")
        long seed = 1;
        @Option(names = "--out", paramLabel = "FILE", description = "JSON result (default ${DEFAULT-VALUE}).")
        String outFile = "target/bench/parity.json";
        @Mixin
        HelpOption help;

        private final PrintStream out;

        Parity(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            List<Map<String, Object>> rows = io.seqstream.bench.ParityBench.run(backendKind(backend), seed);
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
            write(Path.of(outFile), "parity", doc, rows, out);
            return all ? 0 : 1;
        }
    }

    private static io.seqstream.train.backend.BackendKind backendKind(String name) {
        try {
            return io.seqstream.train.backend.BackendKind.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    @Command(name = "train", sortOptions = false, description = "Time and batches to 99 %% on echo delay 4 (GRU 64, batch 50, Adam 1e-3) beside PyTorch "
            + "(bench/pytorch_train_echo.py); JSON and markdown to target/bench/train.{json,md}.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--variants", paramLabel = "LIST", description = "plain and/or curriculum (default ${DEFAULT-VALUE}).")
        String variants = "plain,curriculum";
        @Option(names = "--seed", paramLabel = "N", description = "Training seed (default ${DEFAULT-VALUE}).")
        long seed = 1;
        @Option(names = "--max-seconds", paramLabel = "S", description = "Time budget per run (default ${DEFAULT-VALUE}).")
        int maxSeconds = 600;
        @Option(names = "--torch-threads", paramLabel = "N[,N]", description = "PyTorch threads; one run each (default ${DEFAULT-VALUE}).")
        String torchThreads = "1,2";
        @Option(names = "--out", paramLabel = "FILE", description = "JSON result (markdown beside it) (default ${DEFAULT-VALUE}).")
        String outFile = "target/bench/train.json";
        @Mixin
        HelpOption help;

        private final PrintStream out;

        Train(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            List<Map<String, Object>> results = new ArrayList<>();
            java.time.Duration max = java.time.Duration.ofSeconds(maxSeconds);
            for (String v : variants.split(",")) {
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
                for (String t : torchThreads.split(",")) {
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
            Path json = Path.of(outFile);
            writeMarkdown(json, md, out);
            return write(json, "train", doc, results, out);
        }
    }

    /** {@code bench determinism}, options and output as its help says. */
    @Command(name = "determinism", sortOptions = false, description = "Does a row's output change with the number of rows in the product (ND4J vs the project's "
            + "kernels); JSON to target/bench/determinism.json.")
    static final class Determinism implements Callable<Integer> {
        @Option(names = "--hidden", paramLabel = "H[,H]", description = "Hidden sizes (default ${DEFAULT-VALUE}).")
        String hidden = "64,128";
        @Option(names = "--out", paramLabel = "FILE", description = "JSON result (default ${DEFAULT-VALUE}).")
        String outFile = "target/bench/determinism.json";
        @Mixin
        HelpOption help;

        private final PrintStream out;

        Determinism(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            List<Map<String, Object>> results = new ArrayList<>();
            for (String h : hidden.split(",")) {
                for (DeterminismBench.Result r : DeterminismBench.run(Integer.parseInt(h.trim()))) {
                    out.printf(Locale.ROOT, "determinism %-7s H=%-4d wave of %4d rows: row 0 differs from a wave of 1 in %3d of %d elements (max %.3g)%n",
                            r.library(), r.hidden(), r.rows(), r.differing(), r.elements(), r.maxAbsDifference());
                    results.add(r.toMap());
                }
            }
            return write(Path.of(outFile), "determinism", new LinkedHashMap<>(), results, out);
        }
    }


    static List<Integer> integers(String list) {
        List<Integer> xs = new ArrayList<>();
        for (String x : list.split(",")) {
            try {
                xs.add(Integer.parseInt(x.trim()));
            } catch (NumberFormatException e) {
                throw new UsageException("expected whole numbers separated by commas, got '" + list + "'");
            }
        }
        return xs;
    }


    static String stepKey(String cell, int hidden, int k) {
        return cell.toUpperCase(Locale.ROOT) + "/" + hidden + "/" + k;
    }


    /** The markdown table next to the JSON file: same name, .md. */
    static void writeMarkdown(Path json, CharSequence md, PrintStream out) throws Exception {
        Path file = json.resolveSibling(json.getFileName().toString().replaceFirst("\\.json$", "") + ".md");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, md);
        out.println("wrote " + file);
    }


    static double median(List<Double> xs) {
        List<Double> sorted = new ArrayList<>(xs);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }


    static int write(Path file, String name, Map<String, Object> doc, List<Map<String, Object>> results, PrintStream out)
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
