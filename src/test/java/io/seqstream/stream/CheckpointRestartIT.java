package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.Checkpoints;
import io.seqstream.testing.EchoReference;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.testing.TestModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A processor checkpoints, processes more, and dies without a newer checkpoint (the older files are put back, as a
 * kill would leave them); its replacement restores from those checkpoints plus the changelog after them, and every
 * stream's outputs, before and after, are bit for bit the fault-free reference.
 */
@ExtendWith(SharedKafka.class)
class CheckpointRestartIT {
    private static final int STREAMS = 40;
    private static final int PER_PHASE = 8;

    @TempDir
    Path dataDir;

    @Test
    void shouldContinueEveryStreamFromAnOlderCheckpointPlusTheChangelogTail() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = Pipelines.echoConfig("echo-ckpt", Map.of("app.data-dir", dataDir.toString(),
                "pipeline.echo-ckpt.checkpoint-interval", "100ms"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        Path dir = p.checkpointDir(config.app());
        List<Path> files = List.of(dir.resolve(p.stateTopic() + "-0.ckpt"), dir.resolve(p.stateTopic() + "-1.ckpt"));
        Random rng = new Random(14);
        Map<String, List<String>> sent = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> out;
        List<String> restoreLog;
        try (OutputCollector collector = new OutputCollector(bootstrap, p.outputTopic())) {
            List<PipelineProcessor> first = Pipelines.start(bootstrap, config, 1, Pipelines.meters(p.name()));
            Map<Path, byte[]> older = new HashMap<>();
            try {
                sendPhase(bootstrap, p.inputTopic(), rng, sent);
                collector.atLeast(STREAMS * PER_PHASE, Duration.ofMinutes(1));
                // One more commit after the interval, so a checkpoint covers the first phase.
                Thread.sleep(150);
                send(bootstrap, p.inputTopic(), "tick", "t", sent);
                collector.atLeast(STREAMS * PER_PHASE + 1, Duration.ofMinutes(1));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!files.stream().allMatch(Files::exists) && System.nanoTime() < deadline) Thread.sleep(20);
                for (Path f : files) older.put(f, Files.readAllBytes(f));
                sendPhase(bootstrap, p.inputTopic(), rng, sent);
                collector.atLeast(2 * STREAMS * PER_PHASE + 1, Duration.ofMinutes(1));
            } finally {
                first.forEach(PipelineProcessor::close);
            }
            // Closing wrote newer checkpoints; a kill would have left the older ones.
            for (Map.Entry<Path, byte[]> e : older.entrySet()) Files.write(e.getKey(), e.getValue());

            try (InfoCapture log = new InfoCapture(Checkpoints.class.getName())) {
                List<PipelineProcessor> second = Pipelines.start(bootstrap, config, 1, Pipelines.meters(p.name()));
                try {
                    sendPhase(bootstrap, p.inputTopic(), rng, sent);
                    collector.atLeast(3 * STREAMS * PER_PHASE + 1, Duration.ofMinutes(1));
                    out = collector.drain(Duration.ofSeconds(1));
                } finally {
                    second.forEach(PipelineProcessor::close);
                }
                restoreLog = log.lines();
            }
        }
        assertEquals(3 * STREAMS * PER_PHASE + 1, out.size(), "one output per input token, none doubled");
        Map<String, List<String>> got = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            got.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(EchoReference.blankTimestamp(r.value()));
        }
        EchoReference reference = new EchoReference(ServedModel.of(TestModels.echo()), p.name());
        for (Map.Entry<String, List<String>> e : sent.entrySet()) {
            assertEquals(reference.outputs(e.getKey(), e.getValue()), got.get(e.getKey()), "stream " + e.getKey());
        }
        long fromCheckpoint = restoreLog.stream().filter(l -> l.contains("from the checkpoint at offset")).count();
        assertEquals(2, fromCheckpoint, "both partitions restored from their checkpoints: " + restoreLog);
        assertTrue(restoreLog.stream().anyMatch(l -> l.contains("from the checkpoint") && !l.endsWith("has 0 more")),
                "the changelog after the older checkpoints was replayed: " + restoreLog);
    }

    private static void sendPhase(String bootstrap, String topic, Random rng, Map<String, List<String>> sent) {
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            for (int t = 0; t < PER_PHASE; t++) {
                for (int s = 0; s < STREAMS; s++) {
                    String letter = String.valueOf((char) ('a' + rng.nextInt(26)));
                    producer.send(Pipelines.record(topic, "s" + s, letter));
                    sent.computeIfAbsent("s" + s, k -> new ArrayList<>()).add(letter);
                }
            }
        }
    }

    private static void send(String bootstrap, String topic, String stream, String text, Map<String, List<String>> sent) {
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            producer.send(Pipelines.record(topic, stream, text));
        }
        sent.computeIfAbsent(stream, k -> new ArrayList<>()).add(text);
    }

    /** Collects one logger's INFO lines (the test configuration keeps io.seqstream at WARN). */
    private static final class InfoCapture extends AbstractAppender implements AutoCloseable {
        private final List<String> lines = new ArrayList<>();
        private final String logger;

        InfoCapture(String logger) {
            super("info-capture", null, null, true, Property.EMPTY_ARRAY);
            this.logger = logger;
            start();
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            Configuration config = ctx.getConfiguration();
            LoggerConfig lc = new LoggerConfig(logger, Level.INFO, false);
            lc.addAppender(this, Level.INFO, null);
            config.addLogger(logger, lc);
            ctx.updateLoggers();
        }

        @Override
        public void append(LogEvent event) {
            synchronized (lines) {
                lines.add(event.getMessage().getFormattedMessage());
            }
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        @Override
        public void close() {
            LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
            ctx.getConfiguration().removeLogger(logger);
            ctx.updateLoggers();
            stop();
        }
    }
}
