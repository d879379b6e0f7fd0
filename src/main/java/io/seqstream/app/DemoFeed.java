package io.seqstream.app;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Feeds a few named streams with words, a letter at a time, so a fresh product has something to show. */
public final class DemoFeed implements AutoCloseable {
    private static final String[] WORDS = {"kafka", "stream", "echo", "recurrent", "hidden", "state", "token", "gradient",
            "lstm", "gru", "exactly", "once", "partition", "offset", "commit", "batch", "wave"};

    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private volatile boolean running = true;

    public DemoFeed(String bootstrap, String topic, List<String> streams, double lettersPerSecondPerStream) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "seqstream-demo-feed");
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        long pauseMs = Math.max(1, (long) (1000 / (lettersPerSecondPerStream * streams.size())));
        thread = new Thread(() -> {
            Random rng = new Random();
            String[] current = new String[streams.size()];
            int[] at = new int[streams.size()];
            while (running) {
                int s = rng.nextInt(streams.size());
                if (current[s] == null || at[s] >= current[s].length()) {
                    current[s] = WORDS[rng.nextInt(WORDS.length)];
                    at[s] = 0;
                }
                String letter = String.valueOf(current[s].charAt(at[s]++));
                producer.send(new ProducerRecord<>(topic, streams.get(s).getBytes(StandardCharsets.UTF_8),
                        letter.getBytes(StandardCharsets.UTF_8)));
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "seqstream-demo-feed");
        thread.setDaemon(true);
    }

    public DemoFeed start() {
        thread.start();
        return this;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
