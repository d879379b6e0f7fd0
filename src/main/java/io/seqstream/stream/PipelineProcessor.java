package io.seqstream.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.BatchedStep;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.ChangelogReader;
import io.seqstream.state.Checkpoints;
import io.seqstream.state.KafkaChangelogReader;
import io.seqstream.state.StateTable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One processing thread of a pipeline: its own consumer (in the pipeline's group), transactional producer and
 * state table. Each poll becomes one transaction: the records are decoded (bad ones dead-lettered), grouped by
 * stream in arrival order, and processed in waves, each wave ONE batched recurrent step over every stream that
 * still has a pending token; the outputs, the touched streams' states (changelog) and the consumed offsets
 * commit together. On an abortable error the transaction is aborted, the table rolled back and the consumer
 * rewound to the committed offsets, so the replay produces the same outputs again.
 */
public final class PipelineProcessor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineProcessor.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final SeqstreamConfig.Pipeline pipeline;
    private final String bootstrap;
    private final String transactionalId;
    private final String groupId;
    private final String groupInstanceId;
    private final Duration transactionTimeout;
    private final Duration sessionTimeout;
    private final String dlqTopic;
    private final ServingMeters meters;
    private final OutputSink sink;
    private final AtomicReference<ServedModel> offered = new AtomicReference<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    private ServedModel model;
    private InputDecoder decoder;
    private BatchedStep step;
    /** Next-token models: a stream's state after the start token, where every new (or reset) stream begins. */
    private float[] startState;
    private final StateTable table;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private ChangelogReader changelog;
    private Checkpoints checkpoints;
    private final java.nio.file.Path checkpointDir;
    private Thread thread;
    private volatile boolean running = true;
    private long lastEviction = System.currentTimeMillis();
    private long reportedStreams;
    private volatile int hot;
    private volatile int cold;
    private volatile ServedModel current;
    private volatile Set<Integer> assigned = Set.of();
    private volatile MeterRegistry clientMeterRegistry;
    private KafkaClientMetrics consumerMeters;
    private KafkaClientMetrics producerMeters;

    private int[] waveTokens = new int[64];
    private int[] waveRows = new int[64];
    private int[] waveParams = new int[64];
    private Pending[] wave = new Pending[64];
    private float[] probs = new float[64];

    public PipelineProcessor(SeqstreamConfig config, SeqstreamConfig.Pipeline pipeline, String bootstrap, int index,
                             ServedModel model, ServingMeters meters, OutputSink sink) {
        this.pipeline = pipeline;
        this.bootstrap = bootstrap;
        String app = config.app().name();
        String instance = config.app().instanceId();
        this.transactionalId = app + "-" + pipeline.name() + "-" + instance + "-" + index;
        this.groupId = pipeline.groupId(app);
        this.groupInstanceId = instance + "-" + pipeline.name() + "-" + index;
        this.transactionTimeout = config.kafka().transactionTimeout();
        this.sessionTimeout = config.kafka().sessionTimeout();
        this.dlqTopic = config.app().dlqTopic();
        this.meters = meters;
        this.sink = sink;
        this.table = new StateTable(model.spec().stateWidth(), 1024);
        this.checkpointDir = pipeline.checkpointDir(config.app());
        meters.expectDeadLetterReasons(java.util.Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::wireName).toList());
        install(model);
    }

    private void install(ServedModel m) {
        this.model = m;
        this.current = m;
        this.step = new BatchedStep(m.spec(), 64);
        this.startState = "next".equals(m.task()) ? startState(m, step) : null;
        this.decoder = new InputDecoder(m.tokenizer(), pipeline.maxValueBytes(), m.spec().params());
        meters.modelVersion(m.version());
    }

    /**
     * Next-token models learn every sequence from the start token, so a stream's first character is read from the
     * state the start token leads to, not from zeros: stepped once per model version, copied into new rows.
     */
    private static float[] startState(ServedModel m, BatchedStep step) {
        float[] state = new float[m.spec().stateWidth()];
        step.step(m.parameters(), 1, new int[]{NextVocabulary.START_ID}, null, state, new int[]{0}, new float[m.spec().classes()]);
        return state;
    }

    /** Starts the processing thread; the future completes once the transactional producer is initialised. */
    public CompletableFuture<Void> start() {
        thread = new Thread(this::run, "seqstream-" + pipeline.name() + "-" + transactionalId);
        thread.setDaemon(true);
        thread.start();
        return started;
    }

    /** Offers a new model version; it is applied between two polls, never inside one. */
    public void offer(ServedModel next) {
        offered.set(next);
    }

    /** Streams whose state is in memory (read from another thread: an estimate). */
    public int hotStreams() { return hot; }

    /** Evicted streams whose state waits in the changelog (read from another thread: an estimate). */
    public int coldStreams() { return cold; }

    /** The version that produces outputs now. */
    public long modelVersion() { return current.version(); }

    /** The model that produces outputs now (read from another thread: the gateway's API). */
    public ServedModel model() { return current; }

    /** Partitions of the input topic this thread owns now (read from another thread: health). */
    public Set<Integer> assignedPartitions() { return assigned; }

    /** Whether the processing thread is up (started and not stopped by close or an error). */
    public boolean alive() { return thread != null && thread.isAlive() && started.isDone() && !started.isCompletedExceptionally(); }

    /**
     * Binds Kafka client meters (kafka_consumer_*, kafka_producer_*, lag included) of this thread's consumer and
     * producer to the registry. Call before {@link #start()}: the clients are created on the processing thread.
     */
    public PipelineProcessor withClientMetrics(MeterRegistry registry) {
        this.clientMeterRegistry = registry;
        return this;
    }

    // Consumer and producer share a client.id: a role tag keeps their app-info meters apart.
    private void bindConsumerMeters() {
        if (clientMeterRegistry == null) return;
        consumerMeters = new KafkaClientMetrics(consumer, Tags.of("role", "consumer"));
        consumerMeters.bindTo(clientMeterRegistry);
    }

    private void bindProducerMeters() {
        if (clientMeterRegistry == null) return;
        closeQuietly("producer meters", producerMeters);
        producerMeters = new KafkaClientMetrics(producer, Tags.of("role", "producer"));
        producerMeters.bindTo(clientMeterRegistry);
    }

    private void run() {
        try {
            consumer = new KafkaConsumer<>(consumerProps(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            changelog = new KafkaChangelogReader(bootstrap, pipeline.stateTopic(), transactionalId + "-restore");
            checkpoints = new Checkpoints(checkpointDir, pipeline.checkpointInterval(), () -> model.spec(), changelog);
            producer = newProducer();
            bindConsumerMeters();
            bindProducerMeters();
            consumer.subscribe(List.of(pipeline.inputTopic()), new Rebalance());
            started.complete(null);
        } catch (RuntimeException e) {
            started.completeExceptionally(e);
            closeClients();
            return;
        }
        try {
            while (running) {
                applyOfferedModel();
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    break;
                }
                if (!records.isEmpty()) processInTransaction(records);
                maybeEvict();
            }
        } catch (RuntimeException e) {
            if (running) LOG.error("pipeline {} stopped by an unexpected error", pipeline.name(), e);
        } finally {
            closeClients();
        }
    }

    private void applyOfferedModel() {
        ServedModel next = offered.getAndSet(null);
        if (next == null || next.version() == model.version()) return;
        if (next.spec().stateWidth() != model.spec().stateWidth()) {
            LOG.warn("model {} v{} changes the state width; streams restart from zero state", next.name(), next.version());
        }
        LOG.info("pipeline {}: model {} v{} -> v{}", pipeline.name(), next.name(), model.version(), next.version());
        install(next);
    }

    /**
     * With {@code pipeline.<p>.fault.hold-commit} set (fault drills only), the transaction's records reach the broker
     * and then the commit waits, so that a kill lands with a transaction open and its outputs in the log uncommitted.
     */
    private void holdForFaultDrill() {
        if (pipeline.holdCommit().isZero()) return;
        producer.flush();
        try {
            Thread.sleep(pipeline.holdCommit().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void processInTransaction(ConsumerRecords<byte[], byte[]> records) {
        List<Sent> changelogSends = new ArrayList<>();
        List<byte[]> committedOutputs = sink == OutputSink.NONE ? null : new ArrayList<>();
        long tokens;
        try {
            producer.beginTransaction();
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            decode(records, offsets);
            fetchColdStreams();
            tokens = runWaves(committedOutputs);
            writeChangelog(changelogSends);
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            holdForFaultDrill();
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                 | AuthorizationException | UnsupportedVersionException e) {
            LOG.warn("pipeline {}: producer {} cannot continue ({}); recreating it and replaying", pipeline.name(),
                    transactionalId, e.toString());
            recoverUncertain();
            return;
        } catch (KafkaException e) {
            meters.aborted();
            try {
                producer.abortTransaction();
            } catch (RuntimeException abortFailed) {
                // The outcome is unknown (e.g. a commit that timed out may have gone through).
                LOG.warn("pipeline {}: transaction outcome unknown ({}); replaying from what Kafka committed", pipeline.name(), e.toString());
                recoverUncertain();
                return;
            }
            // A confirmed abort: nothing of this transaction is visible, so the undo log restores the exact state.
            LOG.warn("pipeline {}: transaction aborted ({}); replaying from the committed offsets", pipeline.name(), e.toString());
            table.abort();
            rewind();
            return;
        }
        for (Sent s : changelogSends) {
            try {
                table.setChangelogOffset(s.stream, s.future.get().offset());
            } catch (Exception e) {
                throw new IllegalStateException("committed changelog send has no metadata", e);
            }
        }
        table.commit();
        checkpoints.committed(table);
        meters.tokens(tokens);
        long now = System.currentTimeMillis();
        for (Pending ps : pending.values()) {
            for (Item it : ps.items) if (it.kind == Item.TOKEN) meters.endToEnd(now - it.ts);
        }
        if (committedOutputs != null) {
            for (int i = 0; i < committedOutputs.size(); i += 2) {
                sink.committed(pipeline.name(), new String(committedOutputs.get(i), StandardCharsets.UTF_8), committedOutputs.get(i + 1));
            }
        }
        pending.clear();
    }

    private void decode(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, OffsetAndMetadata> offsets) {
        pending.clear();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            InputDecoder.Result result = decoder.decode(r);
            if (result instanceof InputDecoder.Rejected rej) {
                producer.send(DeadLetters.record(dlqTopic, r, rej.reason(), rej.detail()));
                meters.deadLetter(rej.reason().wireName());
                continue;
            }
            InputDecoder.Decoded d = (InputDecoder.Decoded) result;
            Pending ps = pending.computeIfAbsent(d.streamId(), id -> new Pending(id, r.partition()));
            if (d.control() == InputDecoder.Control.RESET) ps.items.add(Item.control(Item.RESET, 0));
            if (d.param().isPresent()) ps.items.add(Item.control(Item.PARAM, d.param().getAsInt()));
            for (int i = 0; i < d.tokens().length; i++) {
                ps.items.add(new Item(Item.TOKEN, d.tokens()[i], d.tokenTexts()[i], r.timestamp()));
            }
            if (d.control() == InputDecoder.Control.END) ps.items.add(Item.control(Item.END, 0));
        }
    }

    /** Streams evicted by TTL come back from the changelog before their next token. */
    private void fetchColdStreams() {
        Map<String, Long> cold = null;
        for (Pending ps : pending.values()) {
            if (table.slot(ps.id) >= 0) continue;
            long loc = table.coldLocation(ps.id);
            if (loc < 0) continue;
            if (cold == null) cold = new HashMap<>();
            cold.put(ps.id, loc);
        }
        if (cold != null) changelog.fetch(cold, table);
    }

    private long runWaves(List<byte[]> committedOutputs) {
        Pending[] active = pending.values().toArray(new Pending[0]);
        int live = active.length;
        long now = System.currentTimeMillis();
        long tokens = 0;
        int classes = model.spec().classes();
        boolean withParams = model.spec().params() > 0;
        while (true) {
            int k = 0;
            int keep = 0;
            for (int s = 0; s < live; s++) {
                Pending ps = active[s];
                while (ps.next < ps.items.size() && ps.items.get(ps.next).kind != Item.TOKEN) {
                    applyControl(ps, ps.items.get(ps.next), now);
                    ps.next++;
                }
                if (ps.next < ps.items.size()) {
                    active[keep++] = ps;
                    ensureWave(k + 1);
                    wave[k++] = ps;
                }
            }
            live = keep;
            if (k == 0) break;
            for (int i = 0; i < k; i++) {
                Pending ps = wave[i];
                int slot = table.slotForUpdate(ps.id, ps.partition, now);
                if (pipeline.swapPolicy() == SeqstreamConfig.SwapPolicy.RESET && table.position(slot) > 0
                        && table.modelVersion(slot) != model.version()) {
                    table.reset(slot);
                }
                if (startState != null && table.position(slot) == 0 && startState.length == table.width()) {
                    System.arraycopy(startState, 0, table.matrix(), slot * startState.length, startState.length);
                }
                waveRows[i] = slot;
                waveTokens[i] = ps.items.get(ps.next).token;
                int p = table.param(slot);
                waveParams[i] = p >= 0 ? p : Math.max(0, pipeline.defaultParam());
            }
            if (probs.length < k * classes) probs = new float[k * classes * 2];
            long t0 = System.nanoTime();
            step.step(model.parameters(), k, waveTokens, withParams ? waveParams : null, table.matrix(), waveRows, probs);
            meters.wave(k, System.nanoTime() - t0);
            for (int i = 0; i < k; i++) {
                Pending ps = wave[i];
                Item it = ps.items.get(ps.next++);
                int slot = waveRows[i];
                long pos = table.position(slot);
                byte[] json = OutputFormat.format(model, pipeline.name(), ps.id, pos, it.text, probs, i * classes, classes, it.ts);
                producer.send(new ProducerRecord<>(pipeline.outputTopic(), ps.key, json));
                if (committedOutputs != null) {
                    committedOutputs.add(ps.key);
                    committedOutputs.add(json);
                }
                table.setPosition(slot, pos + 1);
                table.setModelVersion(slot, model.version());
                tokens++;
            }
        }
        return tokens;
    }

    private void applyControl(Pending ps, Item it, long now) {
        switch (it.kind) {
            case Item.RESET -> table.reset(table.slotForUpdate(ps.id, ps.partition, now));
            case Item.PARAM -> table.setParam(table.slotForUpdate(ps.id, ps.partition, now), it.token);
            case Item.END -> table.end(ps.id, ps.partition);
            default -> throw new IllegalStateException("not a control: " + it.kind);
        }
    }

    private void writeChangelog(List<Sent> sends) {
        for (String id : table.touched()) {
            int slot = table.slot(id);
            Pending ps = pending.get(id);
            int partition = ps != null ? ps.partition : table.partition(slot);
            byte[] value = slot < 0 ? null : table.encode(slot);
            Future<RecordMetadata> f = producer.send(new ProducerRecord<>(pipeline.stateTopic(), partition,
                    id.getBytes(StandardCharsets.UTF_8), value));
            if (slot >= 0) sends.add(new Sent(id, f));
        }
    }

    /**
     * After a failure whose outcome is unknown: a new producer with the same transactional id settles the pending
     * transaction (initTransactions completes or aborts it), the consumer rewinds to the committed offsets (a
     * read_committed fetch waits until they are stable), and the assigned partitions' states are rebuilt from the
     * changelog, which now agrees with those offsets: whatever happened, state and position match.
     */
    private void recoverUncertain() {
        meters.aborted();
        table.abort();
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException ignored) {
            // already unusable
        }
        producer = newProducer();
        bindProducerMeters();
        rewind();
        Set<Integer> assigned = new HashSet<>();
        for (TopicPartition tp : consumer.assignment()) assigned.add(tp.partition());
        table.dropPartitions(assigned);
        ChangelogReader.Restored r = checkpoints.restore(assigned, table);
        meters.restored(r.nanos());
    }

    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) return;
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata om = committed.get(tp);
            if (om != null) consumer.seek(tp, om.offset());
            else consumer.seekToBeginning(List.of(tp));
        }
        pending.clear();
    }

    private void maybeEvict() {
        long now = System.currentTimeMillis();
        // Check a few times per TTL (at most every 5 s), so a stream stays at most ~1.2 TTL idle in memory.
        long every = Math.min(5_000, Math.max(50, pipeline.stateTtl().toMillis() / 5));
        if (now - lastEviction >= every) {
            lastEviction = now;
            int evicted = table.evictIdleBefore(now - pipeline.stateTtl().toMillis());
            if (evicted > 0) LOG.debug("pipeline {}: evicted {} idle streams", pipeline.name(), evicted);
        }
        long size = table.size();
        hot = table.size();
        cold = table.coldSize();
        meters.activeStreamsDelta(size - reportedStreams);
        reportedStreams = size;
    }

    private void ensureWave(int k) {
        if (k <= wave.length) return;
        int n = Math.max(k, wave.length * 2);
        wave = java.util.Arrays.copyOf(wave, n);
        waveTokens = java.util.Arrays.copyOf(waveTokens, n);
        waveRows = java.util.Arrays.copyOf(waveRows, n);
        waveParams = java.util.Arrays.copyOf(waveParams, n);
    }

    private Properties consumerProps() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupInstanceId);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(pipeline.maxPollRecords()));
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(sessionTimeout.toMillis()));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(500, sessionTimeout.toMillis() / 5)));
        return p;
    }

    /**
     * The transactional producer's settings, in one place so that the benchmarks' Kafka-only reference loop runs
     * with exactly what a processor runs with.
     */
    public static Properties producerConfig(String bootstrap, String transactionalId, Duration transactionTimeout) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(transactionTimeout.toMillis()));
        return p;
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Properties p = producerConfig(bootstrap, transactionalId, transactionTimeout);
        KafkaProducer<byte[], byte[]> created = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        created.initTransactions();
        return created;
    }

    /** Stops the thread and closes the clients (closing the consumer lets the group move on at once). */
    @Override
    public void close() {
        running = false;
        if (consumer != null) consumer.wakeup();
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void closeClients() {
        assigned = Set.of();
        if (checkpoints != null) checkpoints.close(table);
        closeQuietly("consumer meters", consumerMeters);
        closeQuietly("producer meters", producerMeters);
        closeQuietly("consumer", consumer == null ? null : () -> consumer.close(Duration.ofSeconds(5)));
        closeQuietly("producer", producer == null ? null : () -> producer.close(Duration.ofSeconds(5)));
        closeQuietly("changelog reader", changelog);
        meters.activeStreamsDelta(-reportedStreams);
        reportedStreams = 0;
    }

    private static void closeQuietly(String what, AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing {}", what, e);
        }
    }

    /** Partitions come and go: states of revoked ones are dropped, assigned ones restored before processing. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            checkpoints.revoked(numbers(partitions), table);
            table.dropPartitions(numbers(partitions));
            publishAssignment(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            checkpoints.lost(numbers(partitions));
            table.dropPartitions(numbers(partitions));
            publishAssignment(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            publishAssignment(List.of());
            if (partitions.isEmpty()) return;
            ChangelogReader.Restored r = checkpoints.restore(numbers(partitions), table);
            meters.restored(r.nanos());
            LOG.info("pipeline {}: restored {} streams from {} checkpointed and {} changelog records of partitions {} in {} ms",
                    pipeline.name(), r.streams(), r.checkpointed(), r.records(), numbers(partitions), r.nanos() / 1_000_000);
        }

        /** Revocation callbacks run before the consumer forgets the partitions: leave those out. */
        private void publishAssignment(Collection<TopicPartition> leaving) {
            Set<Integer> now = numbers(consumer.assignment());
            now.removeAll(numbers(leaving));
            assigned = Set.copyOf(now);
        }

        private Set<Integer> numbers(Collection<TopicPartition> partitions) {
            Set<Integer> out = new HashSet<>();
            for (TopicPartition tp : partitions) out.add(tp.partition());
            return out;
        }
    }

    /** A stream's pending work within one poll, in arrival order. */
    private static final class Pending {
        final String id;
        final byte[] key;
        final int partition;
        final List<Item> items = new ArrayList<>(4);
        int next;

        Pending(String id, int partition) {
            this.id = id;
            this.key = id.getBytes(StandardCharsets.UTF_8);
            this.partition = partition;
        }
    }

    /** A token, or a control that applies at its place in the stream. */
    private record Item(int kind, int token, String text, long ts) {
        static final int TOKEN = 0;
        static final int RESET = 1;
        static final int PARAM = 2;
        static final int END = 3;

        static Item control(int kind, int value) {
            return new Item(kind, value, null, 0);
        }
    }

    private record Sent(String stream, Future<RecordMetadata> future) {
    }
}
