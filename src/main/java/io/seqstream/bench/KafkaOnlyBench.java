package io.seqstream.bench;

import io.seqstream.kafka.EmbeddedKafka;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
            long t0 = System.nanoTime();
            long done;
            long transactions;
            double seconds;
            try (KafkaOnlyLoop loop = new KafkaOnlyLoop(bootstrap, "kafka-only-in", "kafka-only-out", "kafka-only-0",
                    maxPollRecords, outputBytes)) {
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (loop.processed() < tokens && System.nanoTime() < deadline) Thread.sleep(1);
                done = loop.processed();
                transactions = loop.transactions();
                seconds = (System.nanoTime() - t0) / 1e9;
            }
            return new Result(streams, done, maxPollRecords, outputBytes, seconds, done / seconds, transactions);
        }
    }
}
