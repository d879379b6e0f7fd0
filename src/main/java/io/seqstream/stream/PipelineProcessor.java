package io.seqstream.stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.InstanceOwnership;
import io.seqstream.kafka.KafkaClients;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.KafkaChangelogReader;
import io.seqstream.state.StateTable;
import io.seqstream.util.BackgroundLoop;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One processing thread of a pipeline, the exactly-once loop as Kafka Streams' StreamThread runs its own: its own
 * consumer (in the pipeline's group), transactional producer ({@link TransactionalOutput}), state table, wave engine
 * ({@link WaveEngine}) and changelog restore ({@link StateRestorer}). Records are decoded (bad ones dead-lettered) and
 * handed to the wave engine, whose outputs go out inside the open transaction. A transaction spans polls: it commits
 * when {@code commit-interval} has passed since it began, when the input is drained (a poll finds nothing more), when
 * it holds {@code max-transaction-records}, and before a revocation, a model swap or shutdown; the outputs, the
 * touched streams' states (once per transaction) and the consumed offsets commit together. On an abortable error the
 * transaction is aborted, the table rolled back and the consumer rewound to the committed offsets, so the replay
 * produces the same outputs again.
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
    private static final long LAG_EVERY_NANOS = 1_000_000_000L;
    /** Failures in a row after which records are processed one per transaction to find the one that fails. */
    static final int ISOLATE_AFTER = 3;

    private final SeqstreamConfig.Pipeline pipeline;
    private final KafkaClients clients;
    private final String transactionalId;
    private final String groupId;
    private final String groupInstanceId;
    private final Duration transactionTimeout;
    private final Duration sessionTimeout;
    private final String dlqTopic;
    private final ServingMeters meters;
    private final OutputSink sink;
    private final byte[] poison;
    private final Path checkpointDir;
    private final AtomicReference<ServedModel> offered = new AtomicReference<>();
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final OpenTransaction txn;
    private final WaveEngine waves;
    /** The wave engine's outputs go out inside the open transaction (one instance: no allocation per token). */
    private final WaveEngine.Output send = this::send;
    /**
     * Newly assigned partitions, paused until their committed offsets are stable (the previous owner's last
     * transaction settled) and their states restored: the wait never holds up the partitions this thread keeps.
     */
    private final Set<TopicPartition> awaitingRestore = new HashSet<>();

    private InputDecoder decoder;
    private StateTable table;
    private KafkaConsumer<byte[], byte[]> consumer;
    private TransactionalOutput output;
    private StateRestorer restorer;
    private volatile BackgroundLoop thread;
    private volatile Status status = Status.STARTING;
    private volatile String lastError;
    private InstanceOwnership ownership = InstanceOwnership.SOLE;
    private long lastEviction = System.currentTimeMillis();
    private long lastLag;
    private long reportedStreams;
    private volatile int hot;
    private volatile int cold;
    private volatile long lag = -1;
    private volatile ServedModel current;
    private volatile Set<Integer> assigned = Set.of();
    private volatile MeterRegistry clientMeterRegistry;
    private KafkaClientMetrics consumerMeters;

    public PipelineProcessor(SeqstreamConfig config, SeqstreamConfig.Pipeline pipeline, String bootstrap, int index,
                             ServedModel model, ServingMeters meters, OutputSink sink) {
        this.pipeline = pipeline;
        this.clients = KafkaClients.of(bootstrap);
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
        this.txn = new OpenTransaction(pipeline.inputTopic(), sink != OutputSink.NONE);
        this.waves = new WaveEngine(pipeline, meters, model);
        meters.expectDeadLetterReasons(Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::wireName).toList());
        serve(model);
    }

    private static StateTable newTable(ServedModel m) {
        return new StateTable(m.spec().stateWidth(), 1024, m.spec().stateShapeId());
    }

    /** A new model version between two transactions: the waves step with it from now on. */
    private void install(ServedModel m) {
        waves.install(m);
        serve(m);
    }

    private void serve(ServedModel m) {
        this.current = m;
        this.decoder = new InputDecoder(m.tokenizer(), pipeline.maxValueBytes(), m.spec().params());
        meters.modelVersion(m.version());
    }

    /** Starts the processing thread; the future completes once the transactional producer is initialised. */
    public CompletableFuture<Void> start() {
        thread = BackgroundLoop.named("seqstream-" + pipeline.name() + "-" + transactionalId)
                .wakeup(this::wakeConsumer).joinTimeout(Duration.ofSeconds(30)).start(this::run);
        return started;
    }

    /** Offers a new model version; it is applied between two transactions, never inside one. */
    public void offer(ServedModel next) {
        offered.set(next);
    }

    @Override
    public String pipeline() { return pipeline.name(); }

    @Override
    public int hotStreams() { return hot; }

    @Override
    public int coldStreams() { return cold; }

    @Override
    public long modelVersion() { return current.version(); }

    @Override
    public ServedModel model() { return current; }

    @Override
    public Set<Integer> assignedPartitions() { return assigned; }

    @Override
    public long lag() { return lag; }

    @Override
    public boolean alive() {
        BackgroundLoop t = thread;
        return t != null && t.alive() && started.isDone() && !started.isCompletedExceptionally()
                && status != Status.FENCED;
    }

    @Override
    public Status status() { return status; }

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

    private void run(BackgroundLoop loop) {
        try {
            consumer = newConsumer();
            restorer = new StateRestorer(pipeline.name(),
                    new KafkaChangelogReader(clients.bootstrap(), pipeline.stateTopic(), transactionalId + "-restore"),
                    checkpointDir, pipeline.checkpointInterval(), () -> waves.model().spec(), meters);
            output = new TransactionalOutput(clients, transactionalId, transactionTimeout, pipeline, dlqTopic, meters,
                    ownership, clientMeterRegistry);
            bindConsumerMeters();
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
            supervise(loop);
        } finally {
            if (status != Status.FENCED) status = Status.STOPPED;
            closeClients();
        }
    }

    /** The processing loop under supervision: unexpected errors restart it from the committed offsets. */
    private void supervise(BackgroundLoop loop) {
        int failures = 0;
        while (loop.running()) {
            try {
                boolean isolate = failures >= ISOLATE_AFTER;
                long commitsBefore = txn.commits();
                loop(loop, isolate);
                if (!loop.running()) break;
                if (txn.commits() > commitsBefore) failures = 0;
            } catch (WakeupException e) {
                if (!loop.running()) break;
            } catch (RuntimeException e) {
                if (fenced(loop, e)) return;
                if (!loop.running()) break;
                failures++;
                meters.restarted();
                status = Status.RESTARTING;
                lastError = e.toString();
                LOG.error("pipeline {}: processing failed ({} in a row); restarting from the committed offsets",
                        pipeline.name(), failures, e);
                try {
                    restartProcessing();
                } catch (WakeupException w) {
                    if (!loop.running()) break;
                } catch (RuntimeException again) {
                    if (fenced(loop, again)) return;
                    LOG.warn("pipeline {}: restart failed, trying again ({})", pipeline.name(), again.toString());
                }
                sleep(Math.min(5_000L, 100L << Math.min(6, failures - 1)));
            }
        }
        if (txn.open()) {
            try {
                commit();
            } catch (RuntimeException e) {
                LOG.warn("pipeline {}: the last transaction did not commit at shutdown ({}); it is replayed by the next owner",
                        pipeline.name(), e.toString());
            }
        }
    }

    /** True (and the thread marked fenced) when the error says another process holds this instance's id. */
    private boolean fenced(BackgroundLoop loop, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransactionalOutput.FencedElsewhere) {
                status = Status.FENCED;
                lastError = t.getMessage();
                txn.clear();
                loop.requestStop();
                LOG.error("pipeline {}: {}", pipeline.name(), t.getMessage());
                return true;
            }
        }
        return false;
    }

    /**
     * Polls and processes until stopped, returning normally after one isolated batch (so the supervisor can count
     * it as a success). Unexpected errors propagate to {@link #supervise}.
     */
    private void loop(BackgroundLoop loop, boolean isolate) {
        while (loop.running()) {
            if (!txn.open()) {
                applyOfferedModel();
                restoreSettledPartitions();
                maybeEvict();
                maybeMeasureLag();
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(txn.open() ? Duration.ZERO : POLL);
            if (!records.isEmpty()) {
                if (isolate) {
                    processIsolated(records);
                    return;
                }
                if (!txn.open()) beginTransaction();
                if (!process(records)) continue;
            }
            if (txn.open() && (records.isEmpty() || txn.due(pipeline.maxTransactionRecords(), pipeline.commitInterval().toNanos())
                    || offered.get() != null)) {
                if (commit()) {
                    if (status == Status.RESTARTING) status = Status.RUNNING;
                    if (isolate) return;
                }
            }
        }
    }

    private void beginTransaction() {
        output.begin();
        txn.begin();
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
        restorer.restore(numbers(settled), table);
        seekTo(settled, committed);
        awaitingRestore.removeAll(settled);
        consumer.resume(settled);
    }

    private void applyOfferedModel() {
        ServedModel next = offered.getAndSet(null);
        ServedModel model = waves.model();
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
        Map<String, Long> coldStreams = waves.coldLocations(table);
        if (coldStreams != null) restorer.fetchCold(coldStreams, table);
        waves.run(table, send);
    }

    private void send(byte[] key, byte[] json, long timestamp) {
        output.output(key, json);
        txn.output(key, json, timestamp);
    }

    private void decode(Iterable<ConsumerRecord<byte[], byte[]>> records) {
        waves.clear();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            txn.consumed(r.partition(), r.offset());
            if (poison != null && Arrays.equals(poison, r.value())) {
                throw new IllegalStateException("fault drill: poison record at " + r.topic() + "-" + r.partition() + "@" + r.offset());
            }
            InputDecoder.Result result = decoder.decode(r);
            if (result instanceof InputDecoder.Rejected rej) {
                output.deadLetter(r, rej.reason(), rej.detail());
                continue;
            }
            waves.add((InputDecoder.Decoded) result, r.partition(), r.timestamp());
        }
    }

    /** Commits the open transaction; false when it failed (then it was aborted or settled, and replayed). */
    private boolean commit() {
        List<Sent> changelogSends = new ArrayList<>();
        try {
            writeChangelog(changelogSends);
            output.commit(txn.offsets(), consumer.groupMetadata());
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
        restorer.committed(table);
        meters.tokens(txn.tokens());
        long now = System.currentTimeMillis();
        for (int i = 0; i < txn.tokens(); i++) meters.endToEnd(now - txn.timestamp(i));
        List<byte[]> outputs = txn.outputs();
        if (outputs != null) {
            for (int i = 0; i < outputs.size(); i += 2) {
                sink.committed(pipeline.name(), new String(outputs.get(i), StandardCharsets.UTF_8), outputs.get(i + 1));
            }
        }
        txn.committed();
        return true;
    }

    /** Each stream touched by the transaction goes to the changelog once, with its state at the commit. */
    private void writeChangelog(List<Sent> sends) {
        List<String> touched = table.touched();
        for (int i = 0; i < touched.size(); i++) {
            String id = touched.get(i);
            int slot = table.slot(id);
            byte[] value = slot < 0 ? null : table.encode(slot);
            Future<RecordMetadata> f = output.changelog(table.touchedPartition(i), id.getBytes(StandardCharsets.UTF_8), value);
            if (slot >= 0) sends.add(new Sent(slot, f));
        }
    }

    /** A Kafka error inside the transaction: abort (or settle) it, roll the table back and replay. */
    private void failed(KafkaException e) {
        if (TransactionalOutput.cannotContinue(e)) {
            output.stopIfFencedElsewhere(e);
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
        output.abort();
        table.abort();
        txn.clear();
    }

    /**
     * Processes records one per transaction, to find a record that fails every time: it goes to the dead-letter topic
     * with reason {@code processing-error} (its offset committed with it) and the others are processed as usual.
     */
    private void processIsolated(ConsumerRecords<byte[], byte[]> records) {
        if (txn.open()) throw new IllegalStateException("isolated processing needs no open transaction");
        for (ConsumerRecord<byte[], byte[]> r : records) {
            beginTransaction();
            try {
                step(List.of(r));
            } catch (KafkaException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("pipeline {}: record {}-{}@{} fails on its own ({}); dead-lettered as processing-error", pipeline.name(),
                        r.topic(), r.partition(), r.offset(), e.toString());
                abortOpen();
                waves.clear();
                beginTransaction();
                txn.consumed(r.partition(), r.offset());
                output.deadLetter(r, DeadLetterReason.PROCESSING_ERROR, abbreviate(e.toString()));
            }
            if (!commit()) throw new IllegalStateException("isolated transaction failed to commit");
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
        output.replace();
        Set<TopicPartition> owned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = owned.isEmpty() ? Map.of() : consumer.committed(owned);
        restorer.restore(numbers(owned), table);
        seekTo(owned, committed);
        consumer.resume(awaitingRestore);
        awaitingRestore.clear();
    }

    /**
     * Restart after an unexpected error: whatever the open transaction did is aborted (or settled by a new producer)
     * and every assigned partition's state is rebuilt, since the error may have struck half-way through a change.
     */
    private void restartProcessing() {
        if (txn.open()) {
            try {
                abortOpen();
            } catch (RuntimeException e) {
                output.stopIfFencedElsewhere(e);
                LOG.debug("abort after an unexpected error failed; settling with a new producer", e);
            }
        }
        recoverUncertain();
    }

    private void rewind(Collection<TopicPartition> partitions) {
        waves.clear();
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

    /** Records behind on the assigned partitions, from the consumer's last fetch (no request), once a second. */
    private void maybeMeasureLag() {
        long now = System.nanoTime();
        if (now - lastLag < LAG_EVERY_NANOS) return;
        lastLag = now;
        long total = 0;
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong l = consumer.currentLag(tp);
            if (l.isEmpty()) {
                total = -1;
                break;
            }
            total += l.getAsLong();
        }
        lag = total;
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

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        // Incremental rebalancing: a member keeps (and keeps processing) the partitions that stay with it; only the
        // partitions that move are revoked, committed for and restored.
        return clients.consumer().group(groupId).staticMember(groupInstanceId).clientId(transactionalId).fromEarliest()
                .maxPollRecords(pipeline.maxPollRecords()).sessionTimeout(sessionTimeout).cooperative().build();
    }

    /** Stops the thread (committing its open transaction) and closes the clients (the group moves on at once). */
    @Override
    public void close() {
        BackgroundLoop t = thread;
        if (t != null) t.stop();
    }

    private void wakeConsumer() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) c.wakeup();
    }

    private void closeClients() {
        assigned = Set.of();
        lag = -1;
        if (restorer != null) restorer.close(table);
        closeQuietly("consumer meters", consumerMeters);
        closeQuietly("consumer", consumer == null ? null : () -> consumer.close(Duration.ofSeconds(5)));
        closeQuietly("producer", output);
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
            if (txn.open()) commit();
            awaitingRestore.removeAll(partitions);
            restorer.revoked(numbers(partitions), table);
            table.dropPartitions(numbers(partitions));
            publishAssignment(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (txn.open()) {
                meters.aborted();
                try {
                    abortOpen();
                } catch (RuntimeException e) {
                    // A producer fenced or timed out while this member was away: a new one settles what is open.
                    LOG.warn("pipeline {}: aborting after losing partitions failed ({}); settling with a new producer",
                            pipeline.name(), e.toString());
                    table.abort();
                    txn.clear();
                    output.stopIfFencedElsewhere(e);
                    output.replace();
                }
                Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
                kept.removeAll(partitions);
                rewind(kept);
            }
            awaitingRestore.removeAll(partitions);
            restorer.lost(numbers(partitions));
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

    /** A changelog record sent for the stream in this row (rows do not move inside a transaction). */
    private record Sent(int slot, Future<RecordMetadata> future) {
    }
}
