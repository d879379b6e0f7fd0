package io.seqstream.cli;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.KafkaClients;
import io.seqstream.stream.OutputRecord;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tail}: prints a pipeline's committed outputs as they arrive (read_committed, no consumer group). */
@Command(name = "tail", sortOptions = false, description = "Print a pipeline's committed outputs as they arrive (read_committed, no consumer group).")
final class TailCommand implements Callable<Integer> {
    @Option(names = "--pipeline", description = "Pipeline whose outputs are printed (default ${DEFAULT-VALUE}).")
    String pipeline = "echo";
    @Option(names = "--stream", paramLabel = "ID", description = "Only this stream.")
    String stream;
    @Option(names = "--from-beginning", description = "From the start of the outputs topic, not its end.")
    boolean fromBeginning;
    @Option(names = "--max", paramLabel = "N", description = "Stop after N outputs.")
    long max = Integer.MAX_VALUE;
    @Option(names = "--timeout", paramLabel = "DURATION", description = "Stop after this long (e.g. 30s); default: Ctrl-C.")
    String timeout = "0";
    @Mixin
    ConfigOptions config;
    @Mixin
    HelpOption help;

    private final PrintStream out;

    TailCommand(PrintStream out) {
        this.out = out;
    }

    /** The configured cluster, or the embedded broker's default address. */
    static String bootstrap(SeqstreamConfig config) {
        return config.kafka().embedded() ? "127.0.0.1:" + config.kafka().embeddedPort() : config.kafka().bootstrap();
    }

    @Override
    public Integer call() throws Exception {
        SeqstreamConfig cfg = config.load();
        SeqstreamConfig.Pipeline p = cfg.pipeline(pipeline);
        String only = stream;
        Duration timeout = io.seqstream.config.Settings.of(java.util.Map.of("--timeout", this.timeout)).duration("--timeout", Duration.ZERO);
        long seen = 0;
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.of(bootstrap(cfg)).consumer().build()) {
            List<TopicPartition> tps = io.seqstream.kafka.Partitions.of(consumer, p.outputTopic(), Duration.ofSeconds(30));
            consumer.assign(tps);
            if (fromBeginning) consumer.seekToBeginning(tps);
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

    /** One line per output, e.g. {@code alice   #12  e -> c  p=0.998  echo-gru v1}; a value that is no output as it is. */
    static String describe(byte[] value) {
        OutputRecord n;
        try {
            n = OutputRecord.parse(value);
        } catch (IllegalArgumentException e) {
            return new String(value, StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s #%-5d %s -> %s  p=%.3f",
                n.stream(), n.pos(), n.in(), n.out() == null ? "" : n.out(), n.p()));
        if (n.positive() != null) sb.append(String.format(Locale.ROOT, "  positive=%.3f", n.positive()));
        if (n.label() != null) sb.append("  class=").append(n.label());
        sb.append("  ").append(n.model()).append(" v").append(n.version());
        return sb.toString();
    }
}
