package io.seqstream.bench;

import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.KafkaClients;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpecs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Warm join: a fresh product JVM joins a running feed (embedded broker in this JVM, a paced feed of one-letter records
 * over many streams), and the input-to-output delay of its outputs is recorded per second (outputs carry the input
 * record's timestamp {@code ts}; read read_committed), with the kernel warm-up on or off. The feed pauses from just
 * before the launch until the product runs, and the group skips what was sent before: the delays are the fresh JVM's
 * processing, not the backlog of its start-up (launch to first output shows that separately).
 */
public final class JoinBench {
    private static final String INPUT = "tokens.echo";
    private static final String OUTPUT = "outputs.echo";
    private static final String GROUP = "seqstream.echo";

    private JoinBench() {
    }

    /** Delays of the outputs read in one second after the feed started. */
    public record Second(int second, long outputs, double meanDelayMillis, long maxDelayMillis) {
        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("second", second);
            m.put("outputs", outputs);
            m.put("meanDelayMs", Math.round(meanDelayMillis));
            m.put("maxDelayMs", maxDelayMillis);
            return m;
        }
    }

    /**
     * One launch.
     *
     * @param readySeconds       JVM launch to "seqstream is running" (processors subscribed; the feed starts then)
     * @param firstOutputSeconds JVM launch to the first output read
     * @param seconds            per second since the feed started, over the observation window
     * @param maxDelayAfterFirst the largest delay within the window
     */
    public record Run(int warmupSteps, double readySeconds, double firstOutputSeconds, String warmupLine,
                      long maxDelayAfterFirst, double meanDelayAfterFirst, long outputsAfterFirst, List<Second> seconds) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("warmupSteps", warmupSteps);
            m.put("readySeconds", readySeconds);
            m.put("firstOutputSeconds", firstOutputSeconds);
            m.put("warmup", warmupLine);
            m.put("maxDelayMsInWindow", maxDelayAfterFirst);
            m.put("meanDelayMsInWindow", Math.round(meanDelayAfterFirst));
            m.put("outputsInWindow", outputsAfterFirst);
            m.put("perSecondSinceFeedStart", seconds.stream().map(Second::toMap).toList());
            return m;
        }
    }

    public static Run run(Path model, int warmupSteps, int streams, int tokensPerSecond, Duration window, PrintStream log)
            throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "join-bench-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            String bootstrap = kafka.bootstrapServers();
            TopicAdmin.ensure(bootstrap, TopicSpecs.load(Path.of("topics"), "seqstream"));
            try (Feed feed = new Feed(bootstrap, streams, tokensPerSecond)) {
                // The feed's producer warms up, then pauses; the group skips what it sent.
                Thread.sleep(2000);
                feed.pause();
                skipToEnd(bootstrap);
                long launch = System.currentTimeMillis();
                try (Outputs outputs = new Outputs(bootstrap, launch); Child child = Child.start(bootstrap, model, warmupSteps, dir)) {
                    long deadline = launch + 180_000;
                    // The feed resumes once the product runs (processors subscribed): every delay is processing, not
                    // a backlog of the JVM's and the product's start-up (which the launch-to-first-output time shows).
                    while (child.ready < 0 && child.process.isAlive() && System.currentTimeMillis() < deadline) Thread.sleep(20);
                    feed.resume();
                    long until = feed.resumedAt + window.toMillis() + 1000;
                    while (System.currentTimeMillis() < deadline && child.process.isAlive()
                            && (outputs.first.get() < 0 || System.currentTimeMillis() < until)) {
                        Thread.sleep(100);
                    }
                    if (outputs.first.get() < 0) {
                        throw new IllegalStateException("no output within 120 s (see " + child.log + ")");
                    }
                    return outputs.summary(warmupSteps, child, launch, feed.resumedAt, window);
                }
            }
        } finally {
            deleteQuietly(dir);
        }
    }

    /** No backlog: the group starts at the records sent after the launch. */
    private static void skipToEnd(String bootstrap) throws Exception {
        try (Admin admin = KafkaClients.of(bootstrap).admin()) {
            int n = admin.describeTopics(List.of(INPUT)).allTopicNames().get(30, TimeUnit.SECONDS).get(INPUT).partitions().size();
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int i = 0; i < n; i++) req.put(new TopicPartition(INPUT, i), OffsetSpec.latest());
            Map<TopicPartition, OffsetAndMetadata> to = new HashMap<>();
            admin.listOffsets(req).all().get(30, TimeUnit.SECONDS).forEach((tp, r) -> to.put(tp, new OffsetAndMetadata(r.offset())));
            admin.alterConsumerGroupOffsets(GROUP, to).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // a temp dir under target/
        }
    }

    /** One letter per record, to the streams in turn, paced in 10 ms slices; the record timestamp is the send time. */
    private static final class Feed implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;
        private volatile boolean running = true;
        volatile boolean paused;
        private volatile long resumedAt = -1;

        Feed(String bootstrap, int streams, int tokensPerSecond) {
            producer = KafkaClients.of(bootstrap).idempotentProducer().linger(Duration.ofMillis(2)).build();
            byte[][] keys = new byte[streams][];
            for (int i = 0; i < streams; i++) keys[i] = ("s" + i).getBytes(StandardCharsets.UTF_8);
            thread = new Thread(() -> {
                Random rng = new Random(1);
                long start = System.nanoTime();
                long sent = 0;
                int next = 0;
                boolean wasPaused = false;
                while (running) {
                    if (paused) {
                        wasPaused = true;
                        sleepQuietly(5);
                        continue;
                    }
                    if (wasPaused) {
                        // The pace starts over at the resume: no burst for the paused time.
                        wasPaused = false;
                        start = System.nanoTime();
                        sent = 0;
                    }
                    long due = (System.nanoTime() - start) * tokensPerSecond / 1_000_000_000L;
                    for (; sent < due && !paused; sent++) {
                        byte[] v = {(byte) ('a' + rng.nextInt(26))};
                        producer.send(new ProducerRecord<>(INPUT, null, System.currentTimeMillis(), keys[next], v));
                        next = (next + 1) % streams;
                    }
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "join-feed");
            thread.setDaemon(true);
            thread.start();
        }

        /** Stops sending and waits until everything sent so far is in the log (skipToEnd must see it). */
        void pause() throws InterruptedException {
            paused = true;
            Thread.sleep(50);
            producer.flush();
        }

        void resume() {
            resumedAt = System.currentTimeMillis();
            paused = false;
        }

        private static void sleepQuietly(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Reads the outputs topic read_committed and buckets each output's delay by the second it arrived in. */
    private static final class Outputs implements AutoCloseable {
        final AtomicLong first = new AtomicLong(-1);
        private final long launch;
        private final Map<Integer, long[]> buckets = new HashMap<>();
        private final List<long[]> arrivals = new ArrayList<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Thread thread;
        private volatile boolean running = true;

        Outputs(String bootstrap, long launch) {
            this.launch = launch;
            consumer = KafkaClients.of(bootstrap).consumer().fromEarliest().build();
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(OUTPUT).forEach(i -> parts.add(new TopicPartition(OUTPUT, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            thread = new Thread(this::read, "join-outputs");
            thread.setDaemon(true);
            thread.start();
        }

        private void read() {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    long ts = ts(new String(r.value(), StandardCharsets.UTF_8));
                    if (ts < 0) continue;
                    first.compareAndSet(-1, now);
                    synchronized (this) {
                        arrivals.add(new long[]{now, now - ts});
                    }
                }
            }
            consumer.close(Duration.ofSeconds(2));
        }

        private static long ts(String json) {
            int i = json.lastIndexOf("\"ts\":");
            if (i < 0) return -1;
            int j = i + 5;
            int k = j;
            while (k < json.length() && Character.isDigit(json.charAt(k))) k++;
            return Long.parseLong(json.substring(j, k));
        }

        synchronized Run summary(int warmupSteps, Child child, long launch, long feedFrom, Duration window) {
            long f = first.get();
            long end = feedFrom + window.toMillis();
            long max = 0;
            long sum = 0;
            long n = 0;
            for (long[] a : arrivals) {
                if (a[0] >= end) continue;
                int s = (int) ((a[0] - feedFrom) / 1000);
                long[] b = buckets.computeIfAbsent(s, x -> new long[3]);
                b[0]++;
                b[1] += a[1];
                b[2] = Math.max(b[2], a[1]);
                max = Math.max(max, a[1]);
                sum += a[1];
                n++;
            }
            List<Second> seconds = new ArrayList<>();
            for (int s = 0; s < window.toSeconds(); s++) {
                long[] b = buckets.getOrDefault(s, new long[3]);
                seconds.add(new Second(s, b[0], b[0] == 0 ? 0 : (double) b[1] / b[0], b[2]));
            }
            return new Run(warmupSteps, (child.ready - launch) / 1000.0, (f - launch) / 1000.0,
                    child.warmupLine, max, n == 0 ? 0 : (double) sum / n, n, seconds);
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    /** The product in a JVM of its own, as the launcher starts it, against the bench's broker. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final Path log;
        volatile long ready = -1;
        volatile String warmupLine = "";

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Child start(String bootstrap, Path model, int warmupSteps, Path dir) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "-Dorg.bytedeco.javacpp.maxPhysicalBytes=0", "--add-modules", "jdk.incubator.vector",
                    "-cp", System.getProperty("java.class.path"), "io.seqstream.cli.Main", "run", "--no-demo",
                    "--bootstrap", bootstrap));
            for (String s : List.of("trainer.models=none", "web.port=0", "web.read-outputs-topic=false", "app.instance-id=join",
                    "app.data-dir=" + dir.resolve("data"), "pipeline.echo.model=" + model.toAbsolutePath(),
                    "pipeline.echo.warmup-steps=" + warmupSteps)) {
                cmd.add("--set");
                cmd.add(s);
            }
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().put("OMP_NUM_THREADS", "1");
            Path log = dir.resolve("product.log");
            Child c = new Child(pb.start(), log);
            Thread pump = new Thread(c::pump, "join-product-output");
            pump.setDaemon(true);
            pump.start();
            return c;
        }

        private void pump() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    if (line.contains("kernels warmed")) warmupLine = line.trim();
                    if (line.startsWith("seqstream is running")) ready = System.currentTimeMillis();
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
