package io.seqstream.serve;

import io.seqstream.kafka.KafkaClients;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.util.BackgroundLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The newest version of every model on the models topic. {@link #start()} reads the topic to its end before
 * returning, so whoever starts after it begins with the newest published version; a background thread then
 * follows new versions and tells the listeners. Versions never go backwards; undecodable records are skipped.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, ModelSnapshot> newest = new ConcurrentHashMap<>();
    private final List<Consumer<ModelSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private BackgroundLoop follower;

    public ModelRegistry(String bootstrap, String topic) {
        this.topic = topic;
        // Models are large records: one fetch holds a whole one.
        consumer = KafkaClients.of(bootstrap).consumer().fetchBytes(16 * 1024 * 1024, 64 * 1024 * 1024).build();
    }

    /** Catches up with the topic (blocking), then follows it on a daemon thread. */
    public ModelRegistry start() {
        catchUp();
        follower = BackgroundLoop.named("seqstream-model-registry").wakeup(consumer::wakeup).joinTimeout(Duration.ofSeconds(5))
                .start(this::follow);
        return this;
    }

    /**
     * The newest committed version of one model on the topic at this moment (null when none), read with a consumer
     * of its own from the beginning to the topic's end. Blocking; for rare moments such as a trainer taking over.
     */
    public static ModelSnapshot readNewest(String bootstrap, String topic, String model) {
        ModelRegistry once = new ModelRegistry(bootstrap, topic);
        try {
            once.catchUp();
            return once.newest(model);
        } finally {
            once.close();
        }
    }

    /** Reads from the beginning to the end offsets (last stable offsets: read_committed) taken now. */
    private void catchUp() {
        List<TopicPartition> tps = io.seqstream.kafka.Partitions.of(consumer, topic, Duration.ofSeconds(30));
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        Map<TopicPartition, Long> end = consumer.endOffsets(tps);
        while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) apply(r);
        }
    }

    private void follow(BackgroundLoop loop) {
        try {
            while (loop.running()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) apply(r);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null || r.key() == null) return;
        ModelSnapshot s;
        try {
            s = ModelSnapshot.fromBytes(r.value());
        } catch (RuntimeException e) {
            LOG.warn("models topic {} offset {}: skipping an undecodable model ({})", topic, r.offset(), e.getMessage());
            return;
        }
        String name = new String(r.key(), StandardCharsets.UTF_8);
        ModelSnapshot before = newest.get(name);
        if (before != null && before.metadata().version() >= s.metadata().version()) return;
        newest.put(name, s);
        for (Consumer<ModelSnapshot> l : listeners) l.accept(s);
    }

    /** The newest version of a model, or null when none was published. */
    public ModelSnapshot newest(String model) { return newest.get(model); }

    /** Called with every newer version from now on (on the registry's thread). */
    public void onNewVersion(Consumer<ModelSnapshot> listener) { listeners.add(listener); }

    @Override
    public void close() {
        if (follower != null) {
            follower.stop();
        } else {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
