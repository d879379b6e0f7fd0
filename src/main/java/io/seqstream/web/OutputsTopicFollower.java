package io.seqstream.web;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the outputs topics (read_committed, every partition assigned to this instance, from the end as of start)
 * and publishes each record on the same event-bus addresses as the local processors, so WebSocket clients see
 * streams processed by other instances too. A live view needs no group and no committed offsets: without a group
 * nothing rebalances and the start position is fixed once {@link #start()} returns (partitions added later are
 * not followed until a restart).
 */
final class OutputsTopicFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutputsTopicFollower.class);

    private final Vertx vertx;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    /** Blocks until the start positions are known. @param topicToPipeline output topic -> pipeline name */
    OutputsTopicFollower(Vertx vertx, String bootstrap, String clientId, java.util.Map<String, String> topicToPipeline) {
        this.vertx = vertx;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> tps = new ArrayList<>();
        for (String topic : topicToPipeline.keySet()) {
            tps.addAll(io.seqstream.kafka.Partitions.of(consumer, topic, Duration.ofSeconds(30)));
        }
        consumer.assign(tps);
        consumer.seekToEnd(tps);
        for (TopicPartition tp : tps) consumer.position(tp, Duration.ofSeconds(30));
        thread = new Thread(() -> loop(topicToPipeline), "seqstream-web-outputs");
        thread.setDaemon(true);
    }

    OutputsTopicFollower start() {
        thread.start();
        return this;
    }

    private void loop(java.util.Map<String, String> topicToPipeline) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || r.value() == null) continue;
                    EventBusOutputSink.publish(vertx, topicToPipeline.get(r.topic()), new String(r.key(), StandardCharsets.UTF_8),
                            new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("web: following the outputs topics stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
