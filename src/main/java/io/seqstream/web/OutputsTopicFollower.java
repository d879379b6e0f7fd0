package io.seqstream.web;

import io.seqstream.kafka.KafkaClients;
import io.seqstream.util.BackgroundLoop;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
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
    private final java.util.Map<String, String> topicToPipeline;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private BackgroundLoop loop;

    /** Blocks until the start positions are known. @param topicToPipeline output topic -> pipeline name */
    OutputsTopicFollower(Vertx vertx, String bootstrap, String clientId, java.util.Map<String, String> topicToPipeline) {
        this.vertx = vertx;
        this.topicToPipeline = topicToPipeline;
        consumer = KafkaClients.of(bootstrap).consumer().clientId(clientId).build();
        List<TopicPartition> tps = new ArrayList<>();
        for (String topic : topicToPipeline.keySet()) {
            tps.addAll(io.seqstream.kafka.Partitions.of(consumer, topic, Duration.ofSeconds(30)));
        }
        consumer.assign(tps);
        consumer.seekToEnd(tps);
        for (TopicPartition tp : tps) consumer.position(tp, Duration.ofSeconds(30));
    }

    OutputsTopicFollower start() {
        loop = BackgroundLoop.named("seqstream-web-outputs").wakeup(consumer::wakeup).joinTimeout(Duration.ofSeconds(5))
                .start(this::follow);
        return this;
    }

    private void follow(BackgroundLoop self) {
        try {
            while (self.running()) {
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
        if (loop != null) {
            loop.stop();
        } else {
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
