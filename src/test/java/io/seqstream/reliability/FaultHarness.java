package io.seqstream.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpecs;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.OutputRecord;
import io.seqstream.testing.ChildJvm;
import io.seqstream.testing.EchoReference;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the fault tests share: a broker of their own (in this JVM, so it can be stopped and started again on the
 * same port and data), the product's topics from topics/, processor instances in child JVMs, a paced feed of
 * one-letter records over many streams, and the exactly-once verifier.
 */
final class FaultHarness implements AutoCloseable {
    static final String PIPELINE = "echo";
    static final String INPUT = "tokens.echo";
    static final String OUTPUT = "outputs.echo";

    final EmbeddedKafka kafka;
    final Path logDir;
    final Path model;
    private final List<ChildJvm> children = new ArrayList<>();

    FaultHarness(String name) throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), name + "-");
        this.logDir = dir.resolve("logs");
        this.model = TestModels.echoFile();
        this.kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        TopicAdmin.ensure(kafka.bootstrapServers(), TopicSpecs.load(Path.of("topics"), "seqstream"));
    }

    ChildJvm instance(String id, String... extraSettings) {
        ChildJvm c = ChildJvm.instance(id, kafka.bootstrapServers(), model, logDir, extraSettings);
        children.add(c);
        return c;
    }

    /**
     * A feed: {@code streams} streams of {@code length} random letters, sent one letter per record in rounds (each
     * round one letter to every stream), a round every {@code every}, on a thread of its own.
     */
    static final class Feed implements AutoCloseable {
        final int streams;
        final int length;
        final String[] texts;
        final AtomicInteger rounds = new AtomicInteger();
        private final Thread thread;
        private volatile Throwable failure;

        Feed(String bootstrap, int streams, int length, Duration every, long seed) {
            this.streams = streams;
            this.length = length;
            Random rng = new Random(seed);
            texts = new String[streams];
            for (int s = 0; s < streams; s++) {
                StringBuilder sb = new StringBuilder(length);
                for (int t = 0; t < length; t++) sb.append((char) ('a' + rng.nextInt(26)));
                texts[s] = sb.toString();
            }
            thread = new Thread(() -> run(bootstrap, every), "feed");
            thread.setDaemon(true);
        }

        static String key(int s) { return "s" + s; }

        Feed start() {
            thread.start();
            return this;
        }

        private void run(String bootstrap, Duration every) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "300000");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
                long next = System.nanoTime();
                for (int t = 0; t < length; t++) {
                    for (int s = 0; s < streams; s++) {
                        producer.send(new ProducerRecord<>(INPUT, key(s).getBytes(StandardCharsets.UTF_8),
                                String.valueOf(texts[s].charAt(t)).getBytes(StandardCharsets.UTF_8)), (md, e) -> {
                                    if (e != null) failure = e;
                                });
                    }
                    rounds.incrementAndGet();
                    next += every.toNanos();
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
                }
                producer.flush();
            } catch (Throwable e) {
                failure = e;
            }
        }

        /** Waits until every record is acknowledged by the broker. */
        void await(Duration timeout) throws InterruptedException {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) fail("the feed did not finish within " + timeout);
            if (failure != null) throw new AssertionError("the feed failed", failure);
        }

        void awaitRounds(int n) throws InterruptedException {
            while (rounds.get() < n && thread.isAlive()) Thread.sleep(20);
        }

        int tokens() { return streams * length; }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
        }
    }

    /**
     * Reads outputs.echo with read_committed until every token has an output, then a few seconds more (a duplicate
     * would show up), and checks: one output per input token, positions 0..n-1 per stream with no gap or repeat,
     * and every output record equal to the fault-free reference run's, byte for byte (ts aside).
     *
     * @return how many outputs were read
     */
    int verify(Feed feed, Duration timeout) throws Exception {
        EchoReference reference = new EchoReference(ServedModel.of(TestModels.echo()), PIPELINE);
        Map<String, List<String>> actual = new HashMap<>();
        int total;
        try (OutputCollector c = new OutputCollector(kafka.bootstrapServers(), OUTPUT)) {
            c.atLeast(feed.tokens(), timeout);
            List<ConsumerRecord<byte[], byte[]>> all = c.drain(Duration.ofSeconds(3));
            total = all.size();
            for (ConsumerRecord<byte[], byte[]> r : all) {
                String stream = new String(r.key(), StandardCharsets.UTF_8);
                actual.computeIfAbsent(stream, k -> new ArrayList<>()).add(EchoReference.blankTimestamp(r.value()));
            }
        }
        int mismatched = 0;
        StringBuilder first = new StringBuilder();
        for (int s = 0; s < feed.streams; s++) {
            String id = Feed.key(s);
            List<String> got = actual.getOrDefault(id, List.of());
            List<String> texts = new ArrayList<>();
            for (char ch : feed.texts[s].toCharArray()) texts.add(String.valueOf(ch));
            List<String> want = reference.outputs(id, texts);
            if (!want.equals(got)) {
                if (mismatched++ == 0) first.append(describe(id, want, got));
            }
        }
        assertEquals(0, mismatched, mismatched + " of " + feed.streams + " streams differ from the reference run; first: " + first);
        assertEquals(feed.tokens(), total, "one committed output per input token, none doubled");
        assertEquals(feed.streams, actual.size(), "outputs only for the fed streams");
        return total;
    }

    /**
     * Output records in the log that no read_committed reader ever gets: those of aborted transactions (a
     * read_uncommitted reader sees every data record, committed or aborted; transaction markers are not records).
     */
    long abortedOutputs(int committed) {
        java.util.Properties p = new java.util.Properties();
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        try (var c = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(p,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            var tps = io.seqstream.kafka.Partitions.of(c, OUTPUT, Duration.ofSeconds(30));
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<org.apache.kafka.common.TopicPartition, Long> end = c.endOffsets(tps);
            long records = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                records += c.poll(Duration.ofMillis(200)).count();
            }
            return records - committed;
        }
    }

    /** No instance logged anything at ERROR (the child JVMs log with log4j2-test.xml from the test class path). */
    void assertNoErrorsLogged() throws java.io.IOException {
        List<String> errors = new ArrayList<>();
        for (ChildJvm c : children) {
            if (!Files.exists(c.log())) continue;
            String previous = "";
            for (String line : Files.readAllLines(c.log())) {
                boolean error = line.contains(" ERROR ") || line.contains(" FATAL ");
                if (error && !handledProducerFailure(previous, line)) errors.add(c.log().getFileName() + ": " + line);
                previous = line;
            }
        }
        assertEquals(List.of(), errors, "ERROR lines in the instances' logs");
    }

    /**
     * A transaction the broker aborted while it restarted fences the producer: the Kafka client logs that at ERROR
     * itself, right after the processor's own line saying it recreates the producer and replays. That pair is the
     * recovery working, not a fault; a client ERROR without the processor's line before it still counts.
     */
    private static boolean handledProducerFailure(String previous, String line) {
        return line.contains(" ERROR Sender - ") && line.contains("Aborting producer batches due to fatal error")
                && previous.contains("cannot continue") && previous.contains("recreating it and replaying");
    }

    private static String describe(String id, List<String> want, List<String> got) {
        List<Long> positions = new ArrayList<>();
        for (String g : got) positions.add(OutputRecord.parse(g).pos());
        int i = 0;
        while (i < Math.min(want.size(), got.size()) && want.get(i).equals(got.get(i))) i++;
        return "stream " + id + ": " + got.size() + " outputs for " + want.size() + " tokens, positions " + positions
                + "; first difference at index " + i + (i < got.size() ? ": got " + got.get(i) : "")
                + (i < want.size() ? " want " + want.get(i) : "");
    }

    @Override
    public void close() {
        for (ChildJvm c : children) {
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kafka.close();
    }
}
