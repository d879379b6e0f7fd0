package io.seqstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving meters of one pipeline, named as docs/contracts.md ("Metrics") lists them (Prometheus adds the
 * _total and unit suffixes). Created once per pipeline and shared by its processing threads.
 */
public final class ServingMeters {
    private final MeterRegistry registry;
    private final String pipeline;
    private final Counter tokens;
    private final DistributionSummary batchSize;
    private final Timer stepTime;
    private final Timer e2eLatency;
    private final Timer restoreTime;
    private final AtomicLong activeStreams = new AtomicLong();
    private final AtomicLong modelVersion = new AtomicLong();
    private final Counter aborts;
    private final Counter restarts;
    private final Counter stateResets;
    private final Counter statesDropped;
    private final ConcurrentHashMap<String, Counter> deadLetters = new ConcurrentHashMap<>();

    public ServingMeters(MeterRegistry registry, String pipeline, String model) {
        this.registry = registry;
        this.pipeline = pipeline;
        tokens = Counter.builder("seqstream.tokens").description("Tokens processed").tag("pipeline", pipeline).register(registry);
        batchSize = DistributionSummary.builder("seqstream.step.batch.size").description("Streams stepped together in one wave")
                .tag("pipeline", pipeline).serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)
                .register(registry);
        stepTime = Timer.builder("seqstream.step").description("Time of one batched recurrent step")
                .tag("pipeline", pipeline).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(1000)).maximumExpectedValue(Duration.ofSeconds(1)).register(registry);
        e2eLatency = Timer.builder("seqstream.e2e.latency").description("Input record timestamp to output committed")
                .tag("pipeline", pipeline).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        restoreTime = Timer.builder("seqstream.state.restore").description("Restoring partitions' states from the changelog")
                .tag("pipeline", pipeline).register(registry);
        aborts = Counter.builder("seqstream.transactions.aborted").description("Transactions aborted and replayed")
                .tag("pipeline", pipeline).register(registry);
        restarts = Counter.builder("seqstream.processor.restarts").description("Processing restarted after an unexpected error")
                .tag("pipeline", pipeline).register(registry);
        stateResets = Counter.builder("seqstream.state.resets").description("Streams restarted from zero by a model of another state shape")
                .tag("pipeline", pipeline).register(registry);
        statesDropped = Counter.builder("seqstream.state.dropped").description("Changelog states of another model shape dropped on restore")
                .tag("pipeline", pipeline).register(registry);
        registry.gauge("seqstream.streams.active", io.micrometer.core.instrument.Tags.of("pipeline", pipeline), activeStreams);
        registry.gauge("seqstream.model.version", io.micrometer.core.instrument.Tags.of("model", model, "pipeline", pipeline), modelVersion);
    }

    public void tokens(long n) { tokens.increment(n); }

    public void wave(int k, long nanos) {
        batchSize.record(k);
        stepTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    public void endToEnd(long millis) { e2eLatency.record(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS); }

    public void restored(long nanos) { restoreTime.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS); }

    public void aborted() { aborts.increment(); }

    public void restarted() { restarts.increment(); }

    public double restartCount() { return restarts.count(); }

    public void stateResets(long streams) { stateResets.increment(streams); }

    public void statesDropped(long states) { statesDropped.increment(states); }

    public void activeStreamsDelta(long delta) { activeStreams.addAndGet(delta); }

    public void modelVersion(long v) { modelVersion.set(v); }

    public void deadLetter(String reason) {
        deadLetterCounter(reason).increment();
    }

    /**
     * Registers the dead-letter counters at zero, so that Prometheus has a series (and dashboards a 0) for every
     * reason before the first bad record rather than "no data".
     */
    public void expectDeadLetterReasons(Iterable<String> reasons) {
        for (String r : reasons) deadLetterCounter(r);
    }

    private Counter deadLetterCounter(String reason) {
        return deadLetters.computeIfAbsent(reason, r -> Counter.builder("seqstream.dlq").description("Records sent to the dead-letter topic")
                .tag("pipeline", pipeline).tag("reason", r).register(registry));
    }

    public double deadLetterCount(String reason) {
        Counter c = deadLetters.get(reason);
        return c == null ? 0 : c.count();
    }

    public double tokenCount() { return tokens.count(); }

    /** Mean streams per wave since these meters were made (NaN before the first wave). */
    public double meanBatchSize() { return batchSize.count() == 0 ? Double.NaN : batchSize.mean(); }
}
