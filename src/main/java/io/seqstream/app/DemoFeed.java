package io.seqstream.app;

import io.seqstream.kafka.KafkaClients;
import io.seqstream.util.BackgroundLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Feeds a few named streams with words, a letter at a time, so a fresh product has something to show. */
public final class DemoFeed implements AutoCloseable {
    private static final String[] WORDS = {"kafka", "stream", "echo", "recurrent", "hidden", "state", "token", "gradient",
            "lstm", "gru", "exactly", "once", "partition", "offset", "commit", "batch", "wave"};

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<String> streams;
    private final long pauseMs;
    private BackgroundLoop loop;

    public DemoFeed(String bootstrap, String topic, List<String> streams, double lettersPerSecondPerStream) {
        producer = KafkaClients.of(bootstrap).idempotentProducer().clientId("seqstream-demo-feed").build();
        this.topic = topic;
        this.streams = List.copyOf(streams);
        this.pauseMs = Math.max(1, (long) (1000 / (lettersPerSecondPerStream * streams.size())));
    }

    public DemoFeed start() {
        loop = BackgroundLoop.named("seqstream-demo-feed").interruptOnStop().joinTimeout(Duration.ofSeconds(2)).start(this::feed);
        return this;
    }

    private void feed(BackgroundLoop loop) throws InterruptedException {
        Random rng = new Random();
        String[] current = new String[streams.size()];
        int[] at = new int[streams.size()];
        while (loop.running()) {
            int s = rng.nextInt(streams.size());
            if (current[s] == null || at[s] >= current[s].length()) {
                current[s] = WORDS[rng.nextInt(WORDS.length)];
                at[s] = 0;
            }
            String letter = String.valueOf(current[s].charAt(at[s]++));
            producer.send(new ProducerRecord<>(topic, streams.get(s).getBytes(StandardCharsets.UTF_8),
                    letter.getBytes(StandardCharsets.UTF_8)));
            Thread.sleep(pauseMs);
        }
    }

    @Override
    public void close() {
        if (loop != null) loop.stop();
        producer.close();
    }
}
