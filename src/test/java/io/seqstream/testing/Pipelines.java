package io.seqstream.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.OutputSink;
import io.seqstream.stream.PipelineProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Builds and runs pipelines against a real broker for integration tests. */
public final class Pipelines {
    private Pipelines() {
    }

    /** A one-pipeline configuration serving the test echo model, with overrides. */
    public static SeqstreamConfig echoConfig(String pipeline, Map<String, String> extra) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("pipelines", pipeline);
        m.put("pipeline." + pipeline + ".model", TestModels.echoFile().toString());
        m.put("app.instance-id", "it");
        // Local checkpoints go under target/, not the repository's data/ folder.
        m.put("app.data-dir", "target/it-data");
        m.putAll(extra);
        return SeqstreamConfig.of(m);
    }

    /** Creates the pipeline's input, output and changelog topics (and the dead-letter topic). */
    public static void createTopics(String bootstrap, SeqstreamConfig config, int partitions) {
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        TopicAdmin.ensure(bootstrap, List.of(
                new TopicSpec(p.inputTopic(), partitions, 1, Map.of()),
                new TopicSpec(p.outputTopic(), partitions, 1, Map.of()),
                new TopicSpec(p.stateTopic(), partitions, 1, Map.of("cleanup.policy", "compact")),
                new TopicSpec(config.app().dlqTopic(), 1, 1, Map.of())));
    }

    /** Starts n processing threads of the configuration's pipeline and waits until they are initialised. */
    public static List<PipelineProcessor> start(String bootstrap, SeqstreamConfig config, int threads, ServingMeters meters)
            throws Exception {
        return start(bootstrap, config, threads, meters, TestModels.echo());
    }

    /** As {@link #start(String, SeqstreamConfig, int, ServingMeters)}, serving the given model. */
    public static List<PipelineProcessor> start(String bootstrap, SeqstreamConfig config, int threads, ServingMeters meters,
                                                ModelSnapshot snapshot) throws Exception {
        List<PipelineProcessor> out = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            PipelineProcessor pp = new PipelineProcessor(config, config.pipelines().get(0), bootstrap, i,
                    ServedModel.of(snapshot), meters, OutputSink.NONE);
            pp.start().get(60, TimeUnit.SECONDS);
            out.add(pp);
        }
        return out;
    }

    public static ServingMeters meters(String pipeline) {
        return new ServingMeters(new SimpleMeterRegistry(), pipeline, "echo-gru");
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
