package io.seqstream.bench;

import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The ceiling Kafka itself sets for the echo pipeline: the same backlog (1-byte values over many keyed streams) through
 * a plain exactly-once consume-&gt;produce loop on a fresh embedded broker, one output of the echo output's size per
 * input, the same max.poll.records and one transaction per poll, and no model, state table or changelog.
 */
public final class KafkaOnlyBench {
    private KafkaOnlyBench() {
    }

    /** What one run measured. */
    public record Result(int streams, long tokens, int maxPollRecords, int outputBytes, double seconds, double tokensPerSecond,
                         long transactions) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streams", streams);
            m.put("tokens", tokens);
            m.put("maxPollRecords", maxPollRecords);
            m.put("outputBytes", outputBytes);
            m.put("seconds", seconds);
            m.put("tokensPerSecond", tokensPerSecond);
            m.put("transactions", transactions);
            return m;
        }
    }

    public static Result run(int streams, long tokens, int maxPollRecords, int outputBytes) throws Exception {
        Path dir = Files.createTempDirectory("seqstream-bench-kafka-");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            String bootstrap = kafka.bootstrapServers();
            TopicAdmin.ensure(bootstrap, List.of(new TopicSpec("kafka-only-in", 4, 1, Map.of()),
                    new TopicSpec("kafka-only-out", 4, 1, Map.of())));
            EndToEndBench.produceBacklog(bootstrap, "kafka-only-in", streams, tokens);
            // Same producer settings as the pipeline's transactional producer (PipelineProcessor).
            Properties pp = new Properties();
            pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            pp.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kafka-only-0");
            pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            pp.put(ProducerConfig.ACKS_CONFIG, "all");
            pp.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            pp.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
            Properties cp = new Properties();
            cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            cp.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-only");
            cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(maxPollRecords));
            byte[] value = new byte[outputBytes];
            java.util.Arrays.fill(value, (byte) 'x');
            long done = 0;
            long transactions = 0;
            long t0 = System.nanoTime();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
                 KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                producer.initTransactions();
                consumer.subscribe(List.of("kafka-only-in"));
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (done < tokens && System.nanoTime() < deadline) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) continue;
                    producer.beginTransaction();
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                        producer.send(new ProducerRecord<>("kafka-only-out", r.key(), value));
                    }
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                    transactions++;
                    done += records.count();
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Result(streams, done, maxPollRecords, outputBytes, seconds, done / seconds, transactions);
        }
    }
}
