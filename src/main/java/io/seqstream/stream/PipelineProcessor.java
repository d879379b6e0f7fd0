package io.seqstream.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.InstanceOwnership;
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
import java.util.Arrays;
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
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
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
 * state table. Records are decoded (bad ones dead-lettered), grouped by stream in arrival order, and processed in
 * waves, each wave ONE batched recurrent step over every stream that still has a pending token. A transaction spans
 * polls: it commits when {@code commit-interval} has passed since it began, when the input is drained (a poll finds
 * nothing more), when it holds {@code max-transaction-records}, and before a revocation, a model swap or shutdown;
 * the outputs, the touched streams' states (once per transaction) and the consumed offsets commit together. On an
 * abortable error the transaction is aborted, the table rolled back and the consumer rewound to the committed
 * offsets, so the replay produces the same outputs again.
 *
 * <p>Partitions move incrementally (cooperative rebalancing): only partitions that move are revoked, committed for,
 * and restored. A newly assigned partition is restored after its committed offset is fetched, which waits until
 * the previous owner's last transaction is settled, so the changelog read afterwards covers it.
 *
 * <p>Processing is supervised: an unexpected error aborts the transaction, rebuilds the assigned partitions' states
 * from the changelog and restarts from the committed offsets with back-off; after {@value #ISOLATE_AFTER} failures in
 * a row the next records are processed one per transaction, and one that still fails is dead-lettered
 * ({@code processing-error}) so its stream goes on.
 */
public final class PipelineProcessor implements ProcessingView, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineProcessor.class);
    private static final Duration POLL = Duration.ofMillis(100);
    /** Failures in a row after which records are processed one per transaction to find the one that fails. */
    static final int ISOLATE_AFTER = 3;

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
    private final byte[] poison;
    private final AtomicReference<ServedModel> offered = new AtomicReference<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Transaction txn = new Transaction();
    /**
     * Newly assigned partitions, paused until their committed offsets are stable (the previous owner's last
     * transaction settled) and their states restored: the wait never holds up the partitions this thread keeps.
     */
    private final Set<TopicPartition> awaitingRestore = new HashSet<>();

    private ServedModel model;
    private InputDecoder decoder;
    private BatchedStep step;
    /** Next-token models: a stream's state after the start token, where every new (or reset) stream begins. */
    private float[] startState;
    private StateTable table;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private ChangelogReader changelog;
    private Checkpoints checkpoints;
    private final java.nio.file.Path checkpointDir;
    private Thread thread;
    private volatile boolean running = true;
    private volatile Status status = Status.STARTING;
    private volatile String lastError;
    private InstanceOwnership ownership = InstanceOwnership.SOLE;
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
        this.poison = pipeline.poisonValue().isEmpty() ? null : pipeline.poisonValue().getBytes(StandardCharsets.UTF_8);
        this.table = newTable(model);
        this.checkpointDir = pipeline.checkpointDir(config.app());
        meters.expectDeadLetterReasons(Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::wireName).toList());
        install(model);
    }

    private static StateTable newTable(ServedModel m) {
        return new StateTable(m.spec().stateWidth(), 1024, m.spec().stateShapeId());
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

    /** Offers a new model version; it is applied between two transactions, never inside one. */
    public void offer(ServedModel next) {
        offered.set(next);
    }

    /** Streams whose state is in memory (read from another thread: an estimate). */
    @Override
    public int hotStreams() { return hot; }

    /** Evicted streams whose state waits in the changelog (read from another thread: an estimate). */
    @Override
    public int coldStreams() { return cold; }

    /** The version that produces outputs now. */
    @Override
    public long modelVersion() { return current.version(); }

    /** The model that produces outputs now (read from another thread: the gateway's API). */
    @Override
    public ServedModel model() { return current; }

    /** Partitions of the input topic this thread owns now (read from another thread: health). */
    @Override
    public Set<Integer> assignedPartitions() { return assigned; }

    /** Whether the processing thread is up and processing (started, not fenced, not stopped). */
    @Override
    public boolean alive() {
        return thread != null && thread.isAlive() && started.isDone() && !started.isCompletedExceptionally()
                && status != Status.FENCED;
    }

    /** What the thread is doing now: running, restarting after an error, fenced, stopped. */
    @Override
    public Status status() { return status; }

    /** The last unexpected error, or null. */
    @Override
    public String lastError() { return lastError; }

    /**
     * Binds Kafka client meters (kafka_consumer_*, kafka_producer_*, lag included) of this thread's consumer and
     * producer to the registry. Call before {@link #start()}: the clients are created on the processing thread.
     */
    public PipelineProcessor withClientMetrics(MeterRegistry registry) {
        this.clientMeterRegistry = registry;
        return this;
    }

    /** Tells the processor whether another process holds this instance's id (see {@link InstanceOwnership}). */
    public PipelineProcessor withOwnership(InstanceOwnership ownership) {
        this.ownership = ownership;
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
            status = Status.RUNNING;
            started.complete(null);
        } catch (RuntimeException e) {
            status = Status.STOPPED;
            started.completeExceptionally(e);
            closeClients();
            return;
        }
        try {
            supervise();
        } finally {
            if (status != Status.FENCED) status = Status.STOPPED;
            closeClients();
        }
    }

    /** The processing loop under supervision: unexpected errors restart it from the committed offsets. */
    private void supervise() {
        int failures = 0;
        while (running) {
            try {
                boolean isolate = failures >= ISOLATE_AFTER;
                long commitsBefore = txn.commits;
                loop(isolate);
                if (!running) break;
                if (txn.commits > commitsBefore) failures = 0;
            } catch (WakeupException e) {
                if (!running) break;
            } catch (RuntimeException e) {
                if (fenced(e)) return;
                if (!running) break;
                failures++;
                meters.restarted();
                status = Status.RESTARTING;
                lastError = e.toString();
                LOG.error("pipeline {}: processing failed ({} in a row); restarting from the committed offsets",
                        pipeline.name(), failures, e);
                try {
                    restartProcessing();
                } catch (WakeupException w) {
                    if (!running) break;
                } catch (RuntimeException again) {
                    if (fenced(again)) return;
                    LOG.warn("pipeline {}: restart failed, trying again ({})", pipeline.name(), again.toString());
                }
                sleep(Math.min(5_000L, 100L << Math.min(6, failures - 1)));
            }
        }
        if (txn.open) {
            try {
                commit();
            } catch (RuntimeException e) {
                LOG.warn("pipeline {}: the last transaction did not commit at shutdown ({}); it is replayed by the next owner",
                        pipeline.name(), e.toString());
            }
        }
    }

    /** True (and the thread marked fenced) when the error says another process holds this instance's id. */
    private boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FencedElsewhere) {
                status = Status.FENCED;
                lastError = t.getMessage();
                txn.clear();
                running = false;
                LOG.error("pipeline {}: {}", pipeline.name(), t.getMessage());
                return true;
            }
        }
        return false;
    }

    /**
     * Polls and processes until stopped, returning normally after one isolated batch (so the supervisor can count
     * it as a success). Unexpected errors propagate to {@link #supervise()}.
     */
    private void loop(boolean isolate) {
        while (running) {
            if (!txn.open) {
                applyOfferedModel();
                restoreSettledPartitions();
                maybeEvict();
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(txn.open ? Duration.ZERO : POLL);
            if (!records.isEmpty()) {
                if (isolate) {
                    processIsolated(records);
                    return;
                }
                if (!txn.open) txn.begin();
                if (!process(records)) continue;
            }
            if (txn.open && (records.isEmpty() || txn.due(pipeline) || offered.get() != null)) {
                if (commit()) {
                    if (status == Status.RESTARTING) status = Status.RUNNING;
                    if (isolate) return;
                }
            }
        }
    }

    /**
     * Restores the newly assigned partitions whose committed offsets are stable, then lets them be fetched. A partition
     * whose previous owner still has a transaction open (killed inside one: it settles when the broker times it out,
     * or when the owner restarts) stays paused and is asked about again after the next transaction.
     */
    private void restoreSettledPartitions() {
        if (awaitingRestore.isEmpty()) return;
        awaitingRestore.retainAll(consumer.assignment());
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        Set<TopicPartition> settled = new HashSet<>();
        for (TopicPartition tp : awaitingRestore) {
            try {
                // A read_committed consumer's offset fetch requires stable offsets: it times out while one is pending.
                OffsetAndMetadata om = consumer.committed(Set.of(tp), Duration.ofMillis(50)).get(tp);
                if (om != null) committed.put(tp, om);
                settled.add(tp);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.debug("pipeline {}: {} waits for the previous owner's transaction", pipeline.name(), tp);
            }
        }
        if (settled.isEmpty()) return;
        restore(numbers(settled));
        seekTo(settled, committed);
        awaitingRestore.removeAll(settled);
        consumer.resume(settled);
    }

    private void applyOfferedModel() {
        ServedModel next = offered.getAndSet(null);
        if (next == null || next.version() == model.version()) return;
        LOG.info("pipeline {}: model {} v{} -> v{}", pipeline.name(), next.name(), model.version(), next.version());
        if (next.spec().stateShapeId() != model.spec().stateShapeId()) {
            // States of another shape mean nothing to the new model: every stream starts again from zero, and
            // the old changelog records are dropped when read back (their shape id differs).
            long streams = (long) table.size() + table.coldSize();
            LOG.warn("pipeline {}: model {} v{} has another state shape ({} {}x{} -> {} {}x{}); {} streams restart from zero",
                    pipeline.name(), next.name(), next.version(), model.spec().cell(), model.spec().layers(), model.spec().hidden(),
                    next.spec().cell(), next.spec().layers(), next.spec().hidden(), streams);
            table = newTable(next);
            meters.stateResets(streams);
            meters.activeStreamsDelta(-reportedStreams);
            reportedStreams = 0;
        }
        install(next);
    }

    /**
     * With {@code pipeline.<p>.fault.hold-commit} set (fault drills only), the transaction's records reach the broker
     * and then the commit waits, so that a kill lands with a transaction open and its outputs in the log uncommitted.
     */
    private void holdForFaultDrill() {
        if (pipeline.holdCommit().isZero()) return;
        producer.flush();
        sleep(pipeline.holdCommit().toMillis());
    }

    /** Processes one poll's records inside the open transaction; false when the transaction failed and was replayed. */
    private boolean process(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        try {
            step(records);
            return true;
        } catch (KafkaException e) {
            failed(e);
            return false;
        }
    }

    /** Records -> pending tokens per stream -> waves: outputs sent and states changed inside the open transaction. */
    private void step(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        decode(records);
        fetchColdStreams();
        runWaves();
    }

    /** Commits the open transaction; false when it failed (then it was aborted or settled, and replayed). */
    private boolean commit() {
        List<Sent> changelogSends = new ArrayList<>();
        try {
            writeChangelog(changelogSends);
            producer.sendOffsetsToTransaction(txn.offsets(), consumer.groupMetadata());
            holdForFaultDrill();
            producer.commitTransaction();
        } catch (KafkaException e) {
            failed(e);
            return false;
        }
        for (Sent s : changelogSends) {
            try {
                table.setChangelogOffsetAt(s.slot, s.future.get().offset());
            } catch (Exception e) {
                throw new IllegalStateException("committed changelog send has no metadata", e);
            }
        }
        table.commit();
        checkpoints.committed(table);
        meters.tokens(txn.tokens);
        long now = System.currentTimeMillis();
        for (int i = 0; i < txn.tokens; i++) meters.endToEnd(now - txn.timestamps[i]);
        if (txn.outputs != null) {
            for (int i = 0; i < txn.outputs.size(); i += 2) {
                sink.committed(pipeline.name(), new String(txn.outputs.get(i), StandardCharsets.UTF_8), txn.outputs.get(i + 1));
            }
        }
        txn.committed();
        return true;
    }

    /** A Kafka error inside the transaction: abort (or settle) it, roll the table back and replay. */
    private void failed(KafkaException e) {
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                || e instanceof OutOfOrderSequenceException || e instanceof AuthorizationException
                || e instanceof UnsupportedVersionException) {
            stopIfFencedElsewhere(e);
            LOG.warn("pipeline {}: producer {} cannot continue ({}); recreating it and replaying", pipeline.name(),
                    transactionalId, e.toString());
            recoverUncertain();
            return;
        }
        meters.aborted();
        try {
            // A confirmed abort: nothing of this transaction is visible, so the undo log restores the exact state.
            abortOpen();
        } catch (RuntimeException abortFailed) {
            // The outcome is unknown (e.g. a commit that timed out may have gone through).
            LOG.warn("pipeline {}: transaction outcome unknown ({}); replaying from what Kafka committed", pipeline.name(), e.toString());
            recoverUncertain();
            return;
        }
        LOG.warn("pipeline {}: transaction aborted ({}); replaying from the committed offsets", pipeline.name(), e.toString());
        rewind(consumer.assignment());
    }

    /** Aborts the open transaction and puts the table back as the last commit left it; throws what the abort threw. */
    private void abortOpen() {
        producer.abortTransaction();
        table.abort();
        txn.clear();
    }

    /**
     * A producer fenced while another live process holds this instance's id: re-initialising the same transactional
     * id would fence that process back, so this producer is closed and the thread stops.
     */
    private void stopIfFencedElsewhere(RuntimeException e) {
        if (e instanceof ProducerFencedException && ownership.heldElsewhere()) {
            abandonProducer();
            throw new FencedElsewhere(transactionalId);
        }
    }

    /** Closes the producer, whatever state it is in, and initialises a new one with the same transactional id. */
    private void replaceProducer() {
        abandonProducer();
        producer = newProducer();
        bindProducerMeters();
    }

    /**
     * Processes records one per transaction, to find a record that fails every time: it goes to the dead-letter topic
     * with reason {@code processing-error} (its offset committed with it) and the others are processed as usual.
     */
    private void processIsolated(ConsumerRecords<byte[], byte[]> records) {
        if (txn.open) throw new IllegalStateException("isolated processing needs no open transaction");
        for (ConsumerRecord<byte[], byte[]> r : records) {
            txn.begin();
            try {
                step(List.of(r));
            } catch (KafkaException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("pipeline {}: record {}-{}@{} fails on its own ({}); dead-lettered as processing-error", pipeline.name(),
                        r.topic(), r.partition(), r.offset(), e.toString());
                abortOpen();
                pending.clear();
                txn.begin();
                txn.consumed(r.partition(), r.offset());
                producer.send(DeadLetters.record(dlqTopic, r, DeadLetterReason.PROCESSING_ERROR, abbreviate(e.toString())));
                meters.deadLetter(DeadLetterReason.PROCESSING_ERROR.wireName());
            }
            if (!commit()) throw new IllegalStateException("isolated transaction failed to commit");
        }
    }

    private void decode(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        pending.clear();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            txn.consumed(r.partition(), r.offset());
            if (poison != null && Arrays.equals(poison, r.value())) {
                throw new IllegalStateException("fault drill: poison record at " + r.topic() + "-" + r.partition() + "@" + r.offset());
            }
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
        Map<String, Long> coldStreams = null;
        for (Pending ps : pending.values()) {
            if (table.slot(ps.id) >= 0) continue;
            long loc = table.coldLocation(ps.id);
            if (loc < 0) continue;
            if (coldStreams == null) coldStreams = new HashMap<>();
            coldStreams.put(ps.id, loc);
        }
        if (coldStreams != null) changelog.fetch(coldStreams, table);
    }

    private void runWaves() {
        Pending[] active = pending.values().toArray(new Pending[0]);
        int live = active.length;
        long now = System.currentTimeMillis();
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
                txn.output(ps.key, json, it.ts);
                table.setPosition(slot, pos + 1);
                table.setModelVersion(slot, model.version());
            }
        }
        pending.clear();
    }

    private void applyControl(Pending ps, Item it, long now) {
        switch (it.kind) {
            case Item.RESET -> table.reset(table.slotForUpdate(ps.id, ps.partition, now));
            case Item.PARAM -> table.setParam(table.slotForUpdate(ps.id, ps.partition, now), it.token);
            case Item.END -> table.end(ps.id, ps.partition);
            default -> throw new IllegalStateException("not a control: " + it.kind);
        }
    }

    /** Each stream touched by the transaction goes to the changelog once, with its state at the commit. */
    private void writeChangelog(List<Sent> sends) {
        List<String> touched = table.touched();
        for (int i = 0; i < touched.size(); i++) {
            String id = touched.get(i);
            int slot = table.slot(id);
            byte[] value = slot < 0 ? null : table.encode(slot);
            Future<RecordMetadata> f = producer.send(new ProducerRecord<>(pipeline.stateTopic(), table.touchedPartition(i),
                    id.getBytes(StandardCharsets.UTF_8), value));
            if (slot >= 0) sends.add(new Sent(slot, f));
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
        txn.clear();
        replaceProducer();
        Set<TopicPartition> owned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = owned.isEmpty() ? Map.of() : consumer.committed(owned);
        restore(numbers(owned));
        seekTo(owned, committed);
        consumer.resume(awaitingRestore);
        awaitingRestore.clear();
    }

    /**
     * Restart after an unexpected error: whatever the open transaction did is aborted (or settled by a new producer)
     * and every assigned partition's state is rebuilt, since the error may have struck half-way through a change.
     */
    private void restartProcessing() {
        if (txn.open) {
            try {
                abortOpen();
            } catch (RuntimeException e) {
                stopIfFencedElsewhere(e);
                LOG.debug("abort after an unexpected error failed; settling with a new producer", e);
            }
        }
        recoverUncertain();
    }

    private void abandonProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException ignored) {
            // already unusable
        }
    }

    private void rewind(Collection<TopicPartition> partitions) {
        pending.clear();
        if (partitions.isEmpty()) return;
        seekTo(partitions, consumer.committed(new HashSet<>(partitions)));
    }

    private void seekTo(Collection<TopicPartition> partitions, Map<TopicPartition, OffsetAndMetadata> committed) {
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata om = committed.get(tp);
            if (om != null) consumer.seek(tp, om.offset());
            else fromStart.add(tp);
        }
        if (!fromStart.isEmpty()) consumer.seekToBeginning(fromStart);
    }

    /** Reads the partitions' states back (checkpoint, then changelog) in place of what the table holds for them. */
    private void restore(Collection<Integer> partitions) {
        if (partitions.isEmpty()) return;
        table.dropPartitions(partitions);
        long droppedBefore = table.droppedForShape();
        ChangelogReader.Restored r = checkpoints.restore(partitions, table);
        meters.restored(r.nanos());
        long dropped = table.droppedForShape() - droppedBefore;
        if (dropped > 0) {
            meters.statesDropped(dropped);
            LOG.warn("pipeline {}: dropped {} changelog states of partitions {} written for a model of another state shape; those streams start from zero",
                    pipeline.name(), dropped, partitions);
        }
        LOG.info("pipeline {}: restored {} streams from {} checkpointed and {} changelog records of partitions {} in {} ms",
                pipeline.name(), r.streams(), r.checkpointed(), r.records(), partitions, r.nanos() / 1_000_000);
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
        wave = Arrays.copyOf(wave, n);
        waveTokens = Arrays.copyOf(waveTokens, n);
        waveRows = Arrays.copyOf(waveRows, n);
        waveParams = Arrays.copyOf(waveParams, n);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "...";
    }

    private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
        Set<Integer> out = new HashSet<>();
        for (TopicPartition tp : partitions) out.add(tp.partition());
        return out;
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
        // Incremental rebalancing: a member keeps (and keeps processing) the partitions that stay with it; only the
        // partitions that move are revoked, committed for and restored.
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
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

    /** Stops the thread (committing its open transaction) and closes the clients (the group moves on at once). */
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

    /**
     * Only the partitions that move come here (cooperative protocol). Revoked ones are committed for first (the open
     * transaction commits, so the next owner starts exactly after it); lost ones cannot be committed for (another
     * member may own them already), so the open transaction aborts. Assigned ones are restored after their committed
     * offsets are fetched.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) return;
            if (txn.open) commit();
            awaitingRestore.removeAll(partitions);
            checkpoints.revoked(numbers(partitions), table);
            table.dropPartitions(numbers(partitions));
            publishAssignment(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (txn.open) {
                meters.aborted();
                try {
                    abortOpen();
                } catch (RuntimeException e) {
                    // A producer fenced or timed out while this member was away: a new one settles what is open.
                    LOG.warn("pipeline {}: aborting after losing partitions failed ({}); settling with a new producer",
                            pipeline.name(), e.toString());
                    table.abort();
                    txn.clear();
                    stopIfFencedElsewhere(e);
                    replaceProducer();
                }
                Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
                kept.removeAll(partitions);
                rewind(kept);
            }
            awaitingRestore.removeAll(partitions);
            checkpoints.lost(numbers(partitions));
            table.dropPartitions(numbers(partitions));
            publishAssignment(partitions);
            LOG.warn("pipeline {}: lost partitions {} (this member was away longer than its session)", pipeline.name(),
                    numbers(partitions));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            publishAssignment(List.of());
            if (partitions.isEmpty()) return;
            // Nothing of the new partitions is fetched until they are restored (between transactions, once their
            // committed offsets are stable); the partitions kept go on meanwhile.
            consumer.pause(partitions);
            awaitingRestore.addAll(partitions);
        }

        /** Revocation callbacks run before the consumer forgets the partitions: leave those out. */
        private void publishAssignment(Collection<TopicPartition> leaving) {
            Set<Integer> now = numbers(consumer.assignment());
            now.removeAll(numbers(leaving));
            assigned = Set.copyOf(now);
        }
    }

    /** The open transaction's bookkeeping: consumed offsets, outputs for the local sink, input timestamps. */
    private final class Transaction {
        /** Per input partition the next offset to consume (-1: none consumed in this transaction). */
        long[] next = new long[0];
        TopicPartition[] partitions = new TopicPartition[0];
        List<byte[]> outputs;
        long[] timestamps = new long[1024];
        int tokens;
        int records;
        long startedNanos;
        boolean open;
        long commits;

        void begin() {
            producer.beginTransaction();
            open = true;
            startedNanos = System.nanoTime();
            outputs = sink == OutputSink.NONE ? null : new ArrayList<>();
        }

        boolean due(SeqstreamConfig.Pipeline p) {
            return records >= p.maxTransactionRecords() || System.nanoTime() - startedNanos >= p.commitInterval().toNanos();
        }

        void consumed(int partition, long offset) {
            if (partition >= next.length) {
                int n = Math.max(partition + 1, next.length * 2);
                int from = next.length;
                next = Arrays.copyOf(next, n);
                Arrays.fill(next, from, n, -1L);
                partitions = Arrays.copyOf(partitions, n);
            }
            next[partition] = offset + 1;
            records++;
        }

        Map<TopicPartition, OffsetAndMetadata> offsets() {
            Map<TopicPartition, OffsetAndMetadata> m = new HashMap<>();
            for (int p = 0; p < next.length; p++) {
                if (next[p] < 0) continue;
                if (partitions[p] == null) partitions[p] = new TopicPartition(pipeline.inputTopic(), p);
                m.put(partitions[p], new OffsetAndMetadata(next[p]));
            }
            return m;
        }

        void output(byte[] key, byte[] json, long ts) {
            if (outputs != null) {
                outputs.add(key);
                outputs.add(json);
            }
            if (tokens == timestamps.length) timestamps = Arrays.copyOf(timestamps, tokens * 2);
            timestamps[tokens++] = ts;
        }

        void committed() {
            commits++;
            clear();
        }

        void clear() {
            Arrays.fill(next, -1L);
            outputs = null;
            tokens = 0;
            records = 0;
            open = false;
        }
    }

    /** This instance's id is held by another live process: the processor stops rather than fence it back. */
    private static final class FencedElsewhere extends RuntimeException {
        FencedElsewhere(String transactionalId) {
            super("producer " + transactionalId + " was fenced by another process running with the same app.instance-id; "
                    + "this processing thread stops (give each instance its own app.instance-id)");
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

    /** A changelog record sent for the stream in this row (rows do not move inside a transaction). */
    private record Sent(int slot, Future<RecordMetadata> future) {
    }
}
