package io.seqstream.bench;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.ChangelogReader;
import io.seqstream.state.KafkaChangelogReader;
import io.seqstream.state.StateTable;
import io.seqstream.stream.OutputSink;
import io.seqstream.stream.PipelineProcessor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Time to restore many streams' states from the changelog on a new instance: a pipeline processes one token
 * for each of N streams (so the compacted changelog holds N real state records), stops, and a new processor with
 * the same instance id (a replacement, as after a crash) is assigned all partitions and restores them before it
 * processes anything: that restore's time comes from its {@code seqstream_state_restore_seconds} timer. The
 * changelog reader alone, into an empty table, is timed too (three runs).
 */
public final class RestoreBench {
    private RestoreBench() {
    }

    public static Map<String, Object> run(ModelSnapshot model, int streams) throws Exception {
        Path dir = Files.createTempDirectory("seqstream-restore-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            String bootstrap = kafka.bootstrapServers();
            SeqstreamConfig config = SeqstreamConfig.of(Map.of("pipelines", "restore", "app.instance-id", "restore"));
            SeqstreamConfig.Pipeline p = config.pipeline("restore");
            TopicAdmin.ensure(bootstrap, List.of(new TopicSpec(p.inputTopic(), 4, 1, Map.of()),
                    new TopicSpec(p.outputTopic(), 4, 1, Map.of()),
                    new TopicSpec(p.stateTopic(), 4, 1, Map.of("cleanup.policy", "compact")),
                    new TopicSpec(config.app().dlqTopic(), 1, 1, Map.of())));
            produceOnePerStream(bootstrap, p.inputTopic(), streams);
            ServingMeters first = new ServingMeters(new SimpleMeterRegistry(), p.name(), model.metadata().name());
            long t0 = System.nanoTime();
            try (PipelineProcessor pp = new PipelineProcessor(config, p, bootstrap, 0, ServedModel.of(model), first, OutputSink.NONE)) {
                pp.start().get(60, TimeUnit.SECONDS);
                while (first.tokenCount() < streams) Thread.sleep(20);
            }
            double fillSeconds = (System.nanoTime() - t0) / 1e9;

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            ServingMeters meters = new ServingMeters(registry, p.name(), model.metadata().name());
            long t1 = System.nanoTime();
            double instanceSeconds;
            int held;
            try (PipelineProcessor pp = new PipelineProcessor(config, p, bootstrap, 0, ServedModel.of(model), meters, OutputSink.NONE)) {
                pp.start().get(60, TimeUnit.SECONDS);
                Timer restore = registry.get("seqstream.state.restore").timer();
                while (restore.count() == 0 || pp.hotStreams() < streams) {
                    if (System.nanoTime() - t1 > TimeUnit.MINUTES.toNanos(5)) throw new IllegalStateException("no restore within 5 minutes");
                    Thread.sleep(10);
                }
                instanceSeconds = restore.totalTime(TimeUnit.NANOSECONDS) / 1e9;
                held = pp.hotStreams();
            }
            double startToRestored = (System.nanoTime() - t1) / 1e9;
            List<Double> readerSeconds = new ArrayList<>();
            long records = 0;
            for (int i = 0; i < 3; i++) {
                StateTable table = new StateTable(model.metadata().spec().stateWidth(), 1024);
                try (KafkaChangelogReader reader = new KafkaChangelogReader(bootstrap, p.stateTopic(), "restore-bench-" + i)) {
                    ChangelogReader.Restored r = reader.restore(Set.of(0, 1, 2, 3), table);
                    readerSeconds.add(r.nanos() / 1e9);
                    records = r.records();
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streams", streams);
            m.put("stateBytesPerStream", model.metadata().spec().stateWidth() * 4);
            m.put("fillSeconds", fillSeconds);
            m.put("newInstanceRestoreSeconds", instanceSeconds);
            m.put("newInstanceStartToRestoredSeconds", startToRestored);
            m.put("streamsRestored", held);
            m.put("changelogRecordsRead", records);
            m.put("readerOnlySeconds", readerSeconds);
            return m;
        }
    }

    private static void produceOnePerStream(String bootstrap, String topic, int streams) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(512 * 1024));
        Random rng = new Random(1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < streams; s++) {
                producer.send(new ProducerRecord<>(topic, ("stream-" + s).getBytes(StandardCharsets.UTF_8),
                        new byte[]{(byte) ('a' + rng.nextInt(26))}));
            }
            producer.flush();
        }
    }
}
