package io.seqstream.cli;

import io.seqstream.app.DemoFeed;
import io.seqstream.app.Product;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.config.Settings;
import java.io.PrintStream;
import java.util.Locale;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code run}: the whole product on this machine, with a demo feed, until Ctrl-C (or --duration). */
@Command(name = "run", description = "The whole product: embedded Kafka (unless --bootstrap), topics, processors, trainer, web page, "
        + "demo feed; trains the echo model first when there is none.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--no-demo", description = "No demo feed (streams alice, bob, carol).")
    boolean noDemo;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (e.g. 30s); default: until Ctrl-C.")
    String duration;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "app.data-dir: the embedded broker's logs, checkpoints.")
    String dataDir;

    @Option(names = "--instance-id", paramLabel = "ID", description = "app.instance-id.")
    String instanceId;

    @Option(names = "--port", paramLabel = "PORT", description = "web.port (0: a free one).")
    String port;

    @Mixin
    HelpOption help;

    private final PrintStream out;

    RunCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> shorthands = new LinkedHashMap<>();
        if (dataDir != null) shorthands.put("app.data-dir", dataDir);
        if (instanceId != null) shorthands.put("app.instance-id", instanceId);
        if (port != null) shorthands.put("web.port", port);
        // Read before anything starts: a wrong --duration should not cost a broker start.
        Duration stopAfter = duration == null ? null : Settings.of(Map.of("--duration", duration)).duration("--duration", Duration.ZERO);
        return run(config.load(shorthands), !noDemo, stopAfter, out);
    }

    static int run(SeqstreamConfig config, boolean demo, Duration stopAfter, PrintStream out) throws Exception {
        CompletableFuture<Running> running = new CompletableFuture<>();
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before the start: a SIGTERM right after "seqstream is running" still closes the product (and
        // releases the instance id); a start in progress is waited for, a failed one has nothing to close.
        Thread hook = new Thread(() -> {
            try {
                running.get(120, TimeUnit.SECONDS).close();
            } catch (Exception notStarted) {
                // nothing to close
            }
            stopped.countDown();
        }, "seqstream-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            running.complete(start(config, demo, out));
        } catch (Exception | Error e) {
            running.completeExceptionally(e);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway and finds nothing to close
            }
            throw e;
        }
        if (stopAfter != null) {
            Thread.sleep(stopAfter.toMillis());
            Runtime.getRuntime().removeShutdownHook(hook);
            hook.run();
            return 0;
        }
        stopped.await();
        return 0;
    }

    /** Trains the echo model if it is missing, starts the product and the demo feed, and says what to try. */
    static Running start(SeqstreamConfig config, boolean withDemo, PrintStream out) throws Exception {
        Map<String, ModelSnapshot> models = new LinkedHashMap<>();
        for (SeqstreamConfig.Pipeline p : config.pipelines()) {
            if (p.name().equals("echo")) TrainCommand.ensureEchoModel(p.model(), out);
            models.put(p.name(), Product.ModelFiles.load(p));
        }
        long t0 = System.nanoTime();
        Product product = Product.start(config, models, out);
        DemoFeed demo = null;
        if (withDemo && config.pipelines().stream().anyMatch(p -> p.name().equals("echo"))) {
            demo = new DemoFeed(product.bootstrap(), config.pipeline("echo").inputTopic(), List.of("alice", "bob", "carol"), 2).start();
        }
        String hint = config.kafka().embedded() && config.kafka().embeddedPort() != 9092 ? " --bootstrap " + product.bootstrap() : "";
        out.printf(Locale.ROOT, "%nseqstream is running (started in %.1f s).%n", (System.nanoTime() - t0) / 1e9);
        out.println("  Watch it live: " + product.gateway().url() + "   (demo streams alice, bob, carol; type into your own stream)");
        out.println("Try, in another terminal:");
        out.println("  ./seqstream tail --pipeline echo" + hint + "            # live outputs (demo streams alice, bob, carol)");
        out.println("  ./seqstream produce --stream me" + hint + " hello world  # stream 'me' echoes each letter 4 steps late");
        out.println("  Kafka's console producer: --bootstrap-server " + product.bootstrap()
                + " --topic tokens.echo --property parse.key=true --property key.separator=:");
        if (config.pipelines().stream().anyMatch(p -> p.name().equals("next"))) {
            out.println("  ./seqstream produce --set pipelines=next --pipeline next --stream me" + hint + " 'ROMEO:'   # next-character predictions, top 5");
            out.println("  ./seqstream tail --set pipelines=next --pipeline next" + hint + "  # most likely next character, p, top 5 per character");
            out.println("  curl -X POST --data '{\"seed\":\"ROMEO:\",\"temperature\":0.5,\"max\":200}' " + product.gateway().url()
                    + "api/models/" + product.processors("next").get(0).model().name() + "/sample");
        }
        out.println("Stop with Ctrl-C.");
        out.flush();
        return new Running(product, demo);
    }

    /** The product and its demo feed, stopped together. */
    record Running(Product product, DemoFeed demo) implements AutoCloseable {
        @Override
        public void close() {
            if (demo != null) demo.close();
            product.close();
        }
    }
}
