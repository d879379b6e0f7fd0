package io.seqstream.bench;

import io.seqstream.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A producer thread sending one random letter per record at a fixed rate, round robin over streams {@code s0..sN-1}.
 * It counts what the broker acknowledged per stream (the exactly-once check expects positions 0..count-1) and
 * notes each stream's partition, so a reader can check that an output lands in its input's partition.
 */
final class PacedFeed implements AutoCloseable {
    private static final int MAX_SECONDS = 24 * 3600;

    private final String bootstrap;
    private final String topic;
    private final int streams;
    private final double rate;
    private final AtomicIntegerArray acked;
    private final AtomicIntegerArray partitionOf;
    private final AtomicLongArray sentPerSecond = new AtomicLongArray(1024);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long startMs;

    PacedFeed(String bootstrap, String topic, int streams, double rate, long seed) {
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.streams = streams;
        this.rate = rate;
        this.acked = new AtomicIntegerArray(streams);
        this.partitionOf = new AtomicIntegerArray(streams);
        for (int s = 0; s < streams; s++) partitionOf.set(s, -1);
        this.thread = new Thread(() -> run(seed), "failover-feed");
        this.thread.setDaemon(true);
    }

    static String key(int s) { return "s" + s; }

    /** Starts sending; t0 of the timeline is the moment this is called. */
    PacedFeed start(long t0Ms) {
        startMs = t0Ms;
        thread.start();
        return this;
    }

    private void run(long seed) {
        Random rng = new Random(seed);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.of(bootstrap).idempotentProducer().linger(Duration.ofMillis(5))
                .timeouts(Duration.ofMinutes(5), Duration.ofMinutes(5)).build()) {
            long begin = System.nanoTime();
            long n = 0;
            while (running) {
                // Catch up to the rate every few milliseconds: a steady stream, not bursts a second apart.
                long due = (long) (rate * (System.nanoTime() - begin) / 1e9);
                for (; n < due && running; n++) {
                    int s = (int) (n % streams);
                    byte[] letter = {(byte) ('a' + rng.nextInt(26))};
                    long now = System.currentTimeMillis();
                    int second = (int) Math.min(MAX_SECONDS, Math.max(0, (now - startMs) / 1000));
                    if (second < sentPerSecond.length()) sentPerSecond.incrementAndGet(second);
                    producer.send(new ProducerRecord<>(topic, null, now, key(s).getBytes(StandardCharsets.UTF_8), letter), (md, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        } else {
                            acked.incrementAndGet(s);
                            partitionOf.set(s, md.partition());
                        }
                    });
                    sent.incrementAndGet();
                }
                Thread.sleep(5);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
        }
    }

    /** Stops sending and waits until everything sent is acknowledged (or failed). */
    void stopAndFlush() throws InterruptedException {
        running = false;
        thread.join(120_000);
    }

    int streams() { return streams; }

    /** Records the broker acknowledged for stream s: its outputs must carry positions 0..acked-1. */
    int acked(int s) { return acked.get(s); }

    long ackedTotal() {
        long t = 0;
        for (int s = 0; s < streams; s++) t += acked.get(s);
        return t;
    }

    /** The input partition of stream s, or -1 before its first acknowledgement. */
    int partitionOf(int s) { return partitionOf.get(s); }

    long sent() { return sent.get(); }

    long failed() { return failed.get(); }

    /** Records sent in second i of the timeline (by their timestamp). */
    long sentInSecond(int i) { return i < sentPerSecond.length() ? sentPerSecond.get(i) : 0; }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(10_000);
    }
}
