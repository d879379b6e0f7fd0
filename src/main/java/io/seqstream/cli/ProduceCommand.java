package io.seqstream.cli;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.KafkaClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code produce}: sends text to a stream of a pipeline's input topic, with optional control and delay headers, or
 * with {@code --topic} to any topic (labelled training examples for {@code train.<model>}, keyed by --stream if given).
 */
@Command(name = "produce", sortOptions = false, description = {"Send text to a stream of a pipeline's input topic (or with --topic to "
        + "any topic, e.g. labelled examples to train.MODEL).", "Without TEXT: lines 'stream:text' from standard input (with "
        + "--stream or --topic: whole lines)."})
final class ProduceCommand implements Callable<Integer> {
    @Option(names = "--stream", paramLabel = "ID", description = "The stream (the record key).")
    String stream;
    @Option(names = "--pipeline", description = "Pipeline whose input topic gets the text (default ${DEFAULT-VALUE}).")
    String pipeline = "echo";
    @Option(names = "--topic", description = "Any topic instead of the pipeline's input.")
    String topic;
    @Option(names = "--delay", paramLabel = "D", description = "seq.delay header: the stream's parameter (echo-variable).")
    String delay;
    @Option(names = "--control", paramLabel = "reset|end", description = "seq.control header: reset before the text, end after it.")
    String control;
    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "The text, words joined by spaces.")
    List<String> text = new ArrayList<>();
    @Mixin
    ConfigOptions config;
    @Mixin
    HelpOption help;

    private final PrintStream out;

    ProduceCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        SeqstreamConfig cfg = config.load();
        SeqstreamConfig.Pipeline p = cfg.pipeline(pipeline);
        String target = topic != null ? topic : p.inputTopic();
        String bootstrap = TailCommand.bootstrap(cfg);
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.of(bootstrap).idempotentProducer().build()) {
            if (!text.isEmpty()) {
                if (stream == null && topic == null) throw new UsageException("--stream ID is required with TEXT");
                send(producer, target, stream, String.join(" ", text));
                sent++;
            } else {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    String key = stream;
                    String value = line;
                    if (key == null && topic == null) {
                        int colon = line.indexOf(':');
                        if (colon <= 0) {
                            out.println("skipped (expected stream:text): " + line);
                            continue;
                        }
                        key = line.substring(0, colon);
                        value = line.substring(colon + 1);
                    }
                    send(producer, target, key, value);
                    sent++;
                }
            }
            producer.flush();
        }
        out.println("sent " + sent + " record" + (sent == 1 ? "" : "s") + " to " + target + " at " + bootstrap);
        return 0;
    }

    private void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
        if (control != null) r.headers().add("seq.control", control.getBytes(StandardCharsets.UTF_8));
        if (delay != null) r.headers().add("seq.delay", delay.getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }
}
