package io.seqstream.bench;

import io.seqstream.kafka.KafkaClients;
import io.seqstream.stream.TransactionalOutput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * What a user would build instead of seqstream, as a reference beside it: a Kafka Streams application (Processor
 * API) that keeps a 256-byte state per stream in a logged in-memory key-value store and writes one output of the echo
 * output's size per input, with exactly_once_v2 and the pipeline's commit interval. Its "model" is trivial: the state
 * holds the stream's position and its last 248 letters, and the output names the letter 4 steps back, so the work
 * left is Kafka Streams' own (store, changelog, serialization, transactions).
 */
final class KafkaStreamsReference implements AutoCloseable {
    static final int STATE_BYTES = 256;
    private static final String STORE = "state";
    private static final int DELAY = 4;
    private static final int HISTORY = STATE_BYTES - Long.BYTES;

    private final KafkaStreams streams;
    private final Properties config;

    KafkaStreamsReference(String bootstrap, String applicationId, String in, String out, int threads, KafkaOnlyLoop.Bounds bounds,
                          Path stateDir) {
        this.config = config(bootstrap, applicationId, threads, bounds, stateDir);
        Topology t = new Topology();
        t.addSource("in", Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), in);
        t.addProcessor("step", () -> new Step(bounds.outputBytes()), "in");
        t.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingEnabled(Map.of())
                // The cache keeps one changelog write per stream per commit, as the pipeline's state table does.
                .withCachingEnabled(), "step");
        t.addSink("out", out, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer(), "step");
        streams = new KafkaStreams(t, config);
        streams.start();
    }

    /**
     * The application's settings, at their best for this job: exactly_once_v2, the pipeline's commit interval, the
     * pipeline's producer batching (linger, batch size) and max.poll.records, a store cache large enough for every
     * stream's state.
     */
    static Properties config(String bootstrap, String applicationId, int threads, KafkaOnlyLoop.Bounds bounds, Path stateDir) {
        Properties ours = TransactionalOutput.settings(KafkaClients.of(bootstrap), "unused", Duration.ofSeconds(10)).properties();
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, String.valueOf(bounds.commitInterval().toMillis()));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(threads));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, String.valueOf(64L * 1024 * 1024));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // No global stores here: only silences the warning that Kafka 5.0 makes this the default.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), String.valueOf(bounds.maxPollRecords()));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), ours.getProperty(ProducerConfig.LINGER_MS_CONFIG));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), ours.getProperty(ProducerConfig.BATCH_SIZE_CONFIG));
        return p;
    }

    /** The settings chosen, for the report. */
    Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String k : config.stringPropertyNames()) {
            if (!k.equals(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) && !k.equals(StreamsConfig.STATE_DIR_CONFIG)
                    && !k.equals(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)) {
                m.put(k, config.getProperty(k));
            }
        }
        m.put("store", "Stores.inMemoryKeyValueStore, logging enabled, caching enabled, " + STATE_BYTES + "-byte values");
        return new java.util.TreeMap<>(m);
    }

    /** The application's state (RUNNING once it has joined the group and restored). */
    KafkaStreams.State state() { return streams.state(); }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        streams.cleanUp();
    }

    /** Per record: read the stream's state, advance it by the input letter, write it back, emit one output. */
    private static final class Step implements Processor<byte[], byte[], byte[], byte[]> {
        private final int outputBytes;
        private ProcessorContext<byte[], byte[]> context;
        private KeyValueStore<Bytes, byte[]> store;

        Step(int outputBytes) {
            this.outputBytes = outputBytes;
        }

        @Override
        public void init(ProcessorContext<byte[], byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<byte[], byte[]> r) {
            Bytes key = Bytes.wrap(r.key());
            byte[] old = store.get(key);
            // A new array per put: the cache and the changelog hold on to the value they were given.
            byte[] state = old == null ? new byte[STATE_BYTES] : old.clone();
            ByteBuffer b = ByteBuffer.wrap(state);
            long pos = b.getLong(0);
            byte in = r.value().length == 0 ? (byte) ' ' : r.value()[0];
            state[Long.BYTES + (int) (pos % HISTORY)] = in;
            byte back = pos >= DELAY ? state[Long.BYTES + (int) ((pos - DELAY) % HISTORY)] : (byte) ' ';
            b.putLong(0, pos + 1);
            store.put(key, state);
            context.forward(r.withValue(output(r.key(), pos, in, back, r.timestamp())));
        }

        private byte[] output(byte[] key, long pos, byte in, byte out, long ts) {
            String head = "{\"stream\":\"" + new String(key, StandardCharsets.UTF_8) + "\",\"pos\":" + pos + ",\"in\":\"" + (char) in
                    + "\",\"out\":\"" + (char) out + "\",\"ts\":" + ts + ",\"pad\":\"";
            int pad = Math.max(0, outputBytes - head.length() - 2);
            return (head + "x".repeat(pad) + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
