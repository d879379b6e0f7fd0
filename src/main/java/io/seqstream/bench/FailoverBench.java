package io.seqstream.bench;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpecs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Availability under {@code kill -9}: an embedded broker in this JVM with the product's topics, three product
 * instances as child JVMs in the echo pipeline's group, a paced feed of one-letter records over many streams and a
 * read_committed reader of the outputs. After a warm-up one instance is killed with SIGKILL, started again after a
 * while, and later a second one likewise; then the feed stops and the reader drains. {@link FailoverAnalysis}
 * turns what the reader, the feed and the group coordinator saw into the figures.
 */
public final class FailoverBench {
    private static final String PIPELINE = "echo";

    /**
     * @param victims  instance ids killed in turn (each started again after {@code down})
     * @param settings product settings passed to every instance ({@code key=value})
     */
    public record Options(Path model, int instances, List<String> victims, int streams, double rate, Duration warm,
                          Duration down, Duration after, Duration drain, String heap, List<String> settings) {
    }

    private FailoverBench() {
    }

    public static Map<String, Object> run(Options o, PrintStream out) throws Exception {
        SeqstreamConfig config = SeqstreamConfig.of(Map.of());
        SeqstreamConfig.Pipeline pipeline = config.pipeline(PIPELINE);
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "bench")), "failover-");
        Path logs = dir.resolve("logs");
        List<InstanceProcess> instances = new ArrayList<>();
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        try {
            String bootstrap = kafka.bootstrapServers();
            out.println("failover: broker " + bootstrap + "; " + TopicAdmin.ensure(bootstrap, TopicSpecs.load(Path.of("topics"), config.app().name())));
            for (int i = 1; i <= o.instances(); i++) {
                instances.add(new InstanceProcess("i" + i, bootstrap, o.model(), logs, o.heap(), o.settings()));
            }
            for (InstanceProcess p : instances) p.start();
            for (InstanceProcess p : instances) {
                if (!p.awaitReady(Duration.ofMinutes(5))) throw new IllegalStateException(p.id() + " did not start (see " + p.log() + ")");
                out.printf("failover: %s running after %.1f s (log %s)%n", p.id(), (p.readyMs() - p.startedMs()) / 1000.0, p.log());
            }
            try (GroupOwnership owners = new GroupOwnership(bootstrap, pipeline.groupId(config.app().name()), PIPELINE,
                    pipeline.inputTopic()).start()) {
                awaitSettled(owners, o.instances(), Duration.ofMinutes(2), out);
                PacedFeed feed = new PacedFeed(bootstrap, pipeline.inputTopic(), o.streams(), o.rate(), 1);
                try (CommittedOutputLog reader = new CommittedOutputLog(bootstrap, pipeline.outputTopic(), feed).start()) {
                    long t0 = System.currentTimeMillis();
                    feed.start(t0);
                    out.printf("failover: feeding %.0f tokens/s over %d streams; warm %d s%n", o.rate(), o.streams(), o.warm().toSeconds());
                    Thread.sleep(o.warm().toMillis());
                    List<FailoverAnalysis.Kill> kills = new ArrayList<>();
                    for (String victim : o.victims()) {
                        InstanceProcess p = instances.stream().filter(x -> x.id().equals(victim)).findFirst()
                                .orElseThrow(() -> new IllegalArgumentException("no instance " + victim));
                        Map<Integer, String> before = owners.now();
                        long killMs = System.currentTimeMillis();
                        int status = p.kill9();
                        out.printf("failover: t=%.1f s kill -9 %s (exit status %d), it owned %s%n", (killMs - t0) / 1000.0, victim, status,
                                partitionsOf(before, victim));
                        Thread.sleep(o.down().toMillis());
                        p.start();
                        long restartMs = p.startedMs();
                        out.printf("failover: t=%.1f s %s started again%n", (restartMs - t0) / 1000.0, victim);
                        Thread.sleep(o.after().toMillis());
                        kills.add(new FailoverAnalysis.Kill(victim, killMs, status, restartMs, p));
                    }
                    long stopMs = System.currentTimeMillis();
                    feed.stopAndFlush();
                    long acked = feed.ackedTotal();
                    out.printf("failover: t=%.1f s feed stopped: %d tokens sent, %d acknowledged; draining%n", (stopMs - t0) / 1000.0,
                            feed.sent(), acked);
                    long deadline = System.currentTimeMillis() + o.drain().toMillis();
                    while (reader.distinct() < acked && System.currentTimeMillis() < deadline) Thread.sleep(200);
                    // A little longer: a duplicate or a late output would arrive now.
                    Thread.sleep(3000);
                    reader.stop();
                    long endMs = System.currentTimeMillis();
                    Map<String, Object> result = new FailoverAnalysis(reader, feed, owners.snapshots(), t0, stopMs, endMs).report(kills);
                    // Not drained: the missing outputs may still come; the exactly-once verdict is then open.
                    result.put("drained", reader.distinct() >= acked);
                    result.put("drainSeconds", (endMs - stopMs) / 1000.0);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> eo = (Map<String, Object>) result.get("exactlyOnce");
                    if (reader.distinct() < acked) {
                        eo.put("ok", null);
                        eo.put("note", "not drained within " + o.drain().toSeconds() + " s: the missing outputs may still come");
                    }
                    result.put("logs", logs.toString());
                    return result;
                }
            }
        } finally {
            for (InstanceProcess p : instances) p.stop();
            kafka.close();
            deleteQuietly(dir.resolve("kafka"));
        }
    }

    /** Waits until every input partition is owned and each instance owns at least one: a settled group. */
    private static void awaitSettled(GroupOwnership owners, int instances, Duration timeout, PrintStream out) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            Map<Integer, String> now = owners.now();
            if (!now.isEmpty() && now.values().stream().distinct().count() == Math.min(instances, now.size())
                    && now.size() >= instances) {
                out.println("failover: group settled: " + now);
                return;
            }
            Thread.sleep(250);
        }
        out.println("failover: group not settled after " + timeout + ": " + owners.now());
    }

    static List<Integer> partitionsOf(Map<Integer, String> owners, String instance) {
        List<Integer> ps = new ArrayList<>();
        owners.forEach((p, i) -> {
            if (i.equals(instance)) ps.add(p);
        });
        return ps;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers under target/ only
        }
    }

    /** The options as they go into the JSON report. */
    public static Map<String, Object> options(Options o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", o.model().toString());
        m.put("instances", o.instances());
        m.put("victims", o.victims());
        m.put("streams", o.streams());
        m.put("rate", o.rate());
        m.put("warmSeconds", o.warm().toSeconds());
        m.put("downSeconds", o.down().toSeconds());
        m.put("afterSeconds", o.after().toSeconds());
        m.put("instanceHeap", o.heap());
        m.put("settings", o.settings());
        return m;
    }
}
