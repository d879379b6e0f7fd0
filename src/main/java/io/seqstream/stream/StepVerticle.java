package io.seqstream.stream;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The verticle face of a pipeline's processing threads. Kafka's clients block, so each
 * {@link PipelineProcessor} runs on a thread of its own; the verticle starts them (its start future completes
 * when every transactional producer is initialised) and stops them on undeploy, closing their clients so the
 * consumer group moves on at once.
 */
public final class StepVerticle extends VerticleBase {
    private final List<PipelineProcessor> processors;

    public StepVerticle(List<PipelineProcessor> processors) {
        this.processors = List.copyOf(processors);
    }

    @Override
    public Future<?> start() {
        CompletableFuture<?>[] started = processors.stream().map(PipelineProcessor::start).toArray(CompletableFuture[]::new);
        return Future.fromCompletionStage(CompletableFuture.allOf(started), context);
    }

    @Override
    public Future<?> stop() {
        return vertx.executeBlocking(() -> {
            processors.parallelStream().forEach(PipelineProcessor::close);
            return null;
        });
    }

    public List<PipelineProcessor> processors() { return processors; }
}
