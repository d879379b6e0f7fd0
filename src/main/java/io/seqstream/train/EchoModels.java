package io.seqstream.train;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.ModelTask;
import io.seqstream.model.TokenizerSpec;
import io.seqstream.train.report.TrainingLog;
import io.seqstream.train.task.EchoTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The echo models the product ships with: how they are shaped, tokenised and trained. */
public final class EchoModels {
    /** '_' is the blank the echo emits before d letters have arrived. */
    public static final String SYMBOLS = "_abcdefghijklmnopqrstuvwxyz";

    private EchoModels() {
    }

    /** Echo reads letters (any case; whitespace ignored) and answers the letter d steps back. */
    public static TokenizerSpec tokenizer() {
        List<String> symbols = new ArrayList<>();
        for (char c : SYMBOLS.toCharArray()) symbols.add(String.valueOf(c));
        return new TokenizerSpec("chars", symbols, null, true, " \t\r\n");
    }

    public static ModelSpec spec(EchoTask task, int hidden) {
        return ModelSpec.oneHot(CellType.GRU, hidden, task.vocab(), task.classes()).withParams(task.params());
    }

    public static ModelMetadata metadata(String name, ModelSpec spec) {
        return new ModelMetadata(name, 0, ModelTask.ECHO, spec, tokenizer(), tokenizer().symbols(), 0, 0, Map.of(), System.currentTimeMillis());
    }

    /**
     * Trains an echo model (fixed delay, or variable 0..8 as the stream parameter) through the task's curriculum until
     * held-out accuracy at its top level reaches the threshold (every level the same threshold, each pass confirmed on
     * 100,000 fresh tokens).
     */
    public static Trained train(String name, EchoTask task, int hidden, OptimizerConfig opt, TaskTrainer.Settings settings,
                                double threshold, TrainingLog log, Consumer<TaskTrainer.Progress> progress) {
        ModelSpec spec = spec(task, hidden);
        Curriculum curriculum = new Curriculum(task.levelCount(), threshold, Curriculum.DEFAULT_MIX);
        TaskTrainer.Result r = new TaskTrainer(task, spec, opt, settings).train(curriculum, log, progress);
        ModelMetadata meta = metadata(name, spec).withVersion(1, r.steps(), r.level(),
                Map.of("heldOutAccuracy", r.heldOutAccuracy(), "seconds", r.seconds(), "examples", (double) r.examples()));
        return new Trained(new ModelSnapshot(meta, r.parameters()), r);
    }

    /** A trained model and how its training went. */
    public record Trained(ModelSnapshot snapshot, TaskTrainer.Result result) {
    }
}
