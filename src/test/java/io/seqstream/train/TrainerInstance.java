package io.seqstream.train;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.TrainingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ModelRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The product's trainer wiring alone (no processors, no gateway), for tests that run several instances as child
 * JVMs: {@code TrainerInstance <bootstrap> <app name> <instance id> <echo model file>}. It starts from the newer of
 * the file and the newest published version, as {@code Product} does, and trains the echo model on its curriculum
 * while it leads; every candidate is published (margin 1), at most one a second.
 */
public final class TrainerInstance {
    private TrainerInstance() {
    }

    public static void main(String[] args) throws Exception {
        // The test logging configuration keeps io.seqstream at WARN; a child's log should show its terms and versions.
        org.apache.logging.log4j.core.config.Configurator.setLevel("io.seqstream", org.apache.logging.log4j.Level.INFO);
        String bootstrap = args[0];
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("kafka.bootstrap", bootstrap, "app.name", args[1],
                "app.instance-id", args[2], "pipeline.echo.model", args[3], "kafka.session-timeout", "6s",
                "kafka.transaction-timeout", "10s", "trainer.echo.publish-every", "20", "trainer.echo.margin", "1",
                "trainer.echo.min-publish-interval", "1s", "trainer.echo.batch", "20"));
        ModelSnapshot file = ModelSnapshot.load(Path.of(args[3]));
        ModelSnapshot published = ModelRegistry.readNewest(bootstrap, config.app().modelsTopic(), file.metadata().name());
        ModelSnapshot from = published != null && published.metadata().version() > file.metadata().version() ? published : file;
        String model = from.metadata().name();
        Vertx vertx = Vertx.vertx();
        TrainerVerticle trainer = new TrainerVerticle(config, bootstrap, config.trainers().get(0), from,
                new TrainerLeadership(bootstrap, config, model), new TrainingMeters(new SimpleMeterRegistry(), model));
        vertx.deployVerticle(trainer).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                // exiting anyway
            }
        }));
        System.out.println("seqstream is running: trainer of " + model + " as " + args[2] + " from v" + from.metadata().version());
        Thread.currentThread().join();
    }
}
