package io.seqstream.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.concurrent.atomic.AtomicReference;

/** The training meters of one model, named as docs/contracts.md ("Metrics") lists them. */
public final class TrainingMeters {
    private final AtomicReference<Double> loss = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> accuracy = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> rawNorm = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> clippedNorm = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> level = new AtomicReference<>(0.0);
    private final AtomicReference<Double> learningRate = new AtomicReference<>(Double.NaN);
    private final AtomicReference<Double> version = new AtomicReference<>(0.0);
    private final AtomicReference<Double> leader = new AtomicReference<>(0.0);
    private final Counter examples;
    private final Counter clipped;
    private final Counter nonFinite;
    private final Counter published;
    private final Counter rejected;
    private final MeterRegistry registry;

    public TrainingMeters(MeterRegistry registry, String model) {
        this.registry = registry;
        Tags t = Tags.of("model", model);
        registry.gauge("seqstream.train.loss", t, loss, AtomicReference::get);
        registry.gauge("seqstream.train.accuracy", t, accuracy, AtomicReference::get);
        registry.gauge("seqstream.train.grad.norm", t.and("stage", "raw"), rawNorm, AtomicReference::get);
        registry.gauge("seqstream.train.grad.norm", t.and("stage", "clipped"), clippedNorm, AtomicReference::get);
        registry.gauge("seqstream.curriculum.level", t, level, AtomicReference::get);
        registry.gauge("seqstream.train.learning.rate", t, learningRate, AtomicReference::get);
        registry.gauge("seqstream.train.model.version", t, version, AtomicReference::get);
        // 1 on the one instance that trains the model now (it leads the model's lineage), 0 on the others.
        registry.gauge("seqstream.train.leader", t, leader, AtomicReference::get);
        examples = Counter.builder("seqstream.train.examples").description("Training sequences seen").tags(t).register(registry);
        clipped = Counter.builder("seqstream.train.clipped").description("Updates whose gradient was clipped").tags(t).register(registry);
        nonFinite = Counter.builder("seqstream.train.nonfinite").description("Updates skipped for a NaN or infinite loss or gradient")
                .tags(t).register(registry);
        published = Counter.builder("seqstream.train.published").description("Model versions published").tags(t).register(registry);
        rejected = Counter.builder("seqstream.train.rejected").description("Candidate versions not published (non-finite or worse)")
                .tags(t).register(registry);
    }

    public void step(double loss, double rawNorm, double clippedNorm, boolean wasClipped, boolean skipped, int examples, double lr) {
        this.loss.set(loss);
        this.rawNorm.set(rawNorm);
        this.clippedNorm.set(clippedNorm);
        this.learningRate.set(lr);
        this.examples.increment(examples);
        if (wasClipped) clipped.increment();
        if (skipped) nonFinite.increment();
    }

    public void evaluated(double heldOutAccuracy, int curriculumLevel) {
        accuracy.set(heldOutAccuracy);
        level.set((double) curriculumLevel);
    }

    public void published(long v) {
        version.set((double) v);
        published.increment();
    }

    public void rejected() { rejected.increment(); }

    /** Whether this instance trains the model now. */
    public void leading(boolean leads) { leader.set(leads ? 1.0 : 0.0); }

    /**
     * Counts a training record sent to the dead-letter topic, under the same meter (and so the same dashboard
     * panel) as the processors' dead letters of that pipeline.
     */
    public void deadLettered(String pipeline, String reason) {
        Counter.builder("seqstream.dlq").description("Records sent to the dead-letter topic")
                .tag("pipeline", pipeline).tag("reason", reason).register(registry).increment();
    }

    public double nonFiniteCount() { return nonFinite.count(); }

    public double rejectedCount() { return rejected.count(); }

    public double publishedCount() { return published.count(); }
}
