package io.seqstream.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.KafkaClients;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.ChangelogReader;
import io.seqstream.state.CheckpointFile;
import io.seqstream.state.Checkpoints;
import io.seqstream.state.KafkaChangelogReader;
import io.seqstream.state.PartitionSnapshot;
import io.seqstream.state.StateTable;
import io.seqstream.stream.OutputSink;
import io.seqstream.stream.PipelineProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Time to restore many streams' states on a new instance, without and with local checkpoints: a pipeline processes
 * one token for each of N streams (so the compacted changelog holds N real state records) and stops, writing its
 * checkpoints as it closes; then a processor with the same instance id (a replacement, as after a crash) restores all
 * partitions from the whole changelog (checkpoints off), and another one from the checkpoints plus the (empty)
 * changelog after them. Each restore's time comes from the processor's {@code seqstream_state_restore_seconds} timer.
 * The changelog reader alone and the checkpoint restore alone, into an empty table, are timed too (three runs each),
 * as are the two halves of writing a checkpoint: the copy on the processing thread and the file write behind it.
 */
public final class RestoreBench {
    private RestoreBench() {
    }

    public static Map<String, Object> run(ModelSnapshot model, int streams) throws Exception {
        Path dir = Files.createTempDirectory("seqstream-restore-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            String bootstrap = kafka.bootstrapServers();
            Map<String, String> settings = Map.of("pipelines", "restore", "app.instance-id", "restore",
                    "app.data-dir", dir.resolve("data").toString());
            SeqstreamConfig config = SeqstreamConfig.of(settings);
            Map<String, String> off = new java.util.HashMap<>(settings);
            off.put("pipeline.restore.checkpoint-interval", "0");
            SeqstreamConfig withoutCheckpoints = SeqstreamConfig.of(off);
            SeqstreamConfig.Pipeline p = config.pipeline("restore");
            TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(p.inputTopic(), 4, 1, Map.of()),
                    new TopicSpec(p.outputTopic(), 4, 1, Map.of()),
                    new TopicSpec(p.stateTopic(), 4, 1, Map.of("cleanup.policy", "compact")),
                    new TopicSpec(config.app().dlqTopic(), 1, 1, Map.of())));
            produceOnePerStream(bootstrap, p.inputTopic(), streams);
            ServingMeters first = new ServingMeters(new SimpleMeterRegistry(), p.name(), model.metadata().name());
            long t0 = System.nanoTime();
            double closeSeconds;
            try (PipelineProcessor pp = new PipelineProcessor(config, p, bootstrap, 0, ServedModel.of(model), first, OutputSink.NONE)) {
                pp.start().get(60, TimeUnit.SECONDS);
                while (first.tokenCount() < streams) Thread.sleep(20);
                t0 = System.nanoTime() - t0;
                long c0 = System.nanoTime();
                pp.close();
                closeSeconds = (System.nanoTime() - c0) / 1e9;
            }
            double fillSeconds = t0 / 1e9;
            long checkpointBytes = 0;
            try (var files = Files.list(p.checkpointDir(config.app()))) {
                for (Path f : files.toList()) checkpointBytes += Files.size(f);
            }

            Map<String, Object> full = newInstance(withoutCheckpoints, bootstrap, model, streams);
            Map<String, Object> checkpointed = newInstance(config, bootstrap, model, streams);
            List<Double> readerSeconds = new ArrayList<>();
            List<Double> checkpointSeconds = new ArrayList<>();
            long records = 0;
            StateTable table = null;
            for (int i = 0; i < 3; i++) {
                table = new StateTable(model.metadata().spec().stateWidth(), 1024);
                try (KafkaChangelogReader reader = new KafkaChangelogReader(bootstrap, p.stateTopic(), "restore-bench-" + i)) {
                    ChangelogReader.Restored r = reader.restore(Set.of(0, 1, 2, 3), table);
                    readerSeconds.add(r.nanos() / 1e9);
                    records = r.records();
                }
                table = new StateTable(model.metadata().spec().stateWidth(), 1024);
                try (KafkaChangelogReader reader = new KafkaChangelogReader(bootstrap, p.stateTopic(), "restore-bench-ckpt-" + i)) {
                    ChangelogReader.Restored r = new Checkpoints(p.checkpointDir(config.app()), p.checkpointInterval(),
                            () -> model.metadata().spec(), reader).restore(Set.of(0, 1, 2, 3), table);
                    checkpointSeconds.add(r.nanos() / 1e9);
                }
            }
            // The two halves of a checkpoint round of all four partitions.
            long c0 = System.nanoTime();
            Map<Integer, PartitionSnapshot> copies = table.copyPartitions(Set.of(0, 1, 2, 3));
            double copySeconds = (System.nanoTime() - c0) / 1e9;
            long w0 = System.nanoTime();
            Path scratch = dir.resolve("scratch");
            CheckpointFile.Shape shape = CheckpointFile.Shape.of(model.metadata().spec(), table.width());
            for (PartitionSnapshot s : copies.values()) {
                CheckpointFile.write(scratch.resolve(s.partition() + ".ckpt"), new CheckpointFile.Source(p.stateTopic(), "", s.partition()),
                        shape, s, System.currentTimeMillis());
            }
            double writeSeconds = (System.nanoTime() - w0) / 1e9;

            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streams", streams);
            m.put("stateBytesPerStream", model.metadata().spec().stateWidth() * 4);
            m.put("fillSeconds", fillSeconds);
            m.put("newInstanceRestoreSeconds", full.get("restoreSeconds"));
            m.put("newInstanceStartToRestoredSeconds", full.get("startToRestoredSeconds"));
            m.put("streamsRestored", full.get("streamsRestored"));
            m.put("changelogRecordsRead", records);
            m.put("readerOnlySeconds", readerSeconds);
            Map<String, Object> ck = new LinkedHashMap<>();
            ck.put("newInstanceRestoreSeconds", checkpointed.get("restoreSeconds"));
            ck.put("newInstanceStartToRestoredSeconds", checkpointed.get("startToRestoredSeconds"));
            ck.put("streamsRestored", checkpointed.get("streamsRestored"));
            ck.put("checkpointOnlySeconds", checkpointSeconds);
            ck.put("checkpointBytes", checkpointBytes);
            ck.put("closeWithFinalCheckpointSeconds", closeSeconds);
            ck.put("copyOnProcessingThreadSeconds", copySeconds);
            ck.put("backgroundWriteSeconds", writeSeconds);
            ck.put("note", "checkpoint files were just written, so they are read from the page cache");
            m.put("withCheckpoint", ck);
            return m;
        }
    }

    /** A replacement processor: how long its restore of every partition took, by its own timer. */
    private static Map<String, Object> newInstance(SeqstreamConfig config, String bootstrap, ModelSnapshot model, int streams)
            throws Exception {
        SeqstreamConfig.Pipeline p = config.pipeline("restore");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ServingMeters meters = new ServingMeters(registry, p.name(), model.metadata().name());
        long t1 = System.nanoTime();
        Map<String, Object> m = new LinkedHashMap<>();
        try (PipelineProcessor pp = new PipelineProcessor(config, p, bootstrap, 0, ServedModel.of(model), meters, OutputSink.NONE)) {
            pp.start().get(60, TimeUnit.SECONDS);
            Timer restore = registry.get("seqstream.state.restore").timer();
            while (restore.count() == 0 || pp.hotStreams() < streams) {
                if (System.nanoTime() - t1 > TimeUnit.MINUTES.toNanos(5)) throw new IllegalStateException("no restore within 5 minutes");
                Thread.sleep(10);
            }
            m.put("startToRestoredSeconds", (System.nanoTime() - t1) / 1e9);
            m.put("restoreSeconds", restore.totalTime(TimeUnit.NANOSECONDS) / 1e9);
            m.put("streamsRestored", pp.hotStreams());
        }
        return m;
    }

    private static void produceOnePerStream(String bootstrap, String topic, int streams) {
        Random rng = new Random(1);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.of(bootstrap).idempotentProducer()
                .linger(Duration.ofMillis(20)).batchBytes(512 * 1024).build()) {
            for (int s = 0; s < streams; s++) {
                producer.send(new ProducerRecord<>(topic, ("stream-" + s).getBytes(StandardCharsets.UTF_8),
                        new byte[]{(byte) ('a' + rng.nextInt(26))}));
            }
            producer.flush();
        }
    }
}
