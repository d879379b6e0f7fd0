package io.seqstream.cli;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.KafkaClients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code produce}: sends text to a stream of a pipeline's input topic, with optional control and delay headers, or
 * with {@code --topic} to any topic (labelled training examples for {@code train.<model>}, keyed by --stream if given).
 */
final class ProduceCommand {
    private ProduceCommand() {
    }

    static int run(SeqstreamConfig config, Args args, PrintStream out) throws Exception {
        SeqstreamConfig.Pipeline p = config.pipeline(args.get("pipeline", "echo"));
        String topic = args.get("topic", p.inputTopic());
        String bootstrap = TailCommand.bootstrap(config);
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.of(bootstrap).idempotentProducer().build()) {
            if (!args.positional().isEmpty()) {
                if (!args.has("stream") && !args.has("topic")) throw new Args.UsageException("--stream ID is required with TEXT");
                send(producer, topic, args.get("stream", null), String.join(" ", args.positional()), args);
                sent++;
            } else {
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = in.readLine()) != null; ) {
                    String stream = args.get("stream", null);
                    String text = line;
                    if (stream == null && !args.has("topic")) {
                        int colon = line.indexOf(':');
                        if (colon <= 0) {
                            out.println("skipped (expected stream:text): " + line);
                            continue;
                        }
                        stream = line.substring(0, colon);
                        text = line.substring(colon + 1);
                    }
                    send(producer, topic, stream, text, args);
                    sent++;
                }
            }
            producer.flush();
        }
        out.println("sent " + sent + " record" + (sent == 1 ? "" : "s") + " to " + topic + " at " + bootstrap);
        return 0;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String stream, String text, Args args) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, stream == null ? null : stream.getBytes(StandardCharsets.UTF_8),
                text.getBytes(StandardCharsets.UTF_8));
        if (args.has("control")) r.headers().add("seq.control", args.get("control", "").getBytes(StandardCharsets.UTF_8));
        if (args.has("delay")) r.headers().add("seq.delay", args.get("delay", "").getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }
}
