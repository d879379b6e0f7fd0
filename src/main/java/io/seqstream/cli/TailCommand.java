package io.seqstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.KafkaClients;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** {@code tail}: prints a pipeline's committed outputs as they arrive (read_committed, no consumer group). */
final class TailCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TailCommand() {
    }

    /** The configured cluster, or the embedded broker's default address. */
    static String bootstrap(SeqstreamConfig config) {
        return config.kafka().embedded() ? "127.0.0.1:" + config.kafka().embeddedPort() : config.kafka().bootstrap();
    }

    static int run(SeqstreamConfig config, Args args, PrintStream out) throws Exception {
        SeqstreamConfig.Pipeline p = config.pipeline(args.get("pipeline", "echo"));
        String only = args.get("stream", null);
        long max = args.integer("max", Integer.MAX_VALUE);
        Duration timeout = io.seqstream.config.Settings.of(java.util.Map.of("t", args.get("timeout", "0")))
                .duration("t", Duration.ZERO);
        long seen = 0;
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.of(bootstrap(config)).consumer().build()) {
            List<TopicPartition> tps = io.seqstream.kafka.Partitions.of(consumer, p.outputTopic(), Duration.ofSeconds(30));
            consumer.assign(tps);
            if (args.flag("from-beginning")) consumer.seekToBeginning(tps);
            else consumer.seekToEnd(tps);
            out.println("tailing " + p.outputTopic() + (only == null ? "" : " stream " + only) + " (Ctrl-C to stop)");
            while (seen < max && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String stream = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (only != null && !only.equals(stream)) continue;
                    out.println(describe(r.value()));
                    if (++seen >= max) break;
                }
                out.flush();
            }
        }
        return 0;
    }

    /** One line per output, e.g. {@code alice   #12  e -> c  p=0.998  echo-gru v1}. */
    static String describe(byte[] value) {
        try {
            JsonNode n = JSON.readTree(value);
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s #%-5d %s -> %s  p=%.3f",
                    n.path("stream").asText(), n.path("pos").asLong(), n.path("in").asText(), n.path("out").asText(),
                    n.path("p").asDouble()));
            if (n.has("positive")) sb.append(String.format(Locale.ROOT, "  positive=%.3f", n.path("positive").asDouble()));
            if (n.has("class")) sb.append("  class=").append(n.path("class").asText());
            sb.append("  ").append(n.path("model").asText()).append(" v").append(n.path("version").asLong());
            return sb.toString();
        } catch (Exception e) {
            return new String(value, StandardCharsets.UTF_8);
        }
    }
}
