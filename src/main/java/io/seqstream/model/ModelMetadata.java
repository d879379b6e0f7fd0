package io.seqstream.model;

import java.util.List;
import java.util.Map;

/**
 * What travels beside the parameters of a model version.
 *
 * @param name      model name (the key on the models topic)
 * @param version   monotonically increasing per name
 * @param task      what the outputs mean (written by its wire name: echo, next, sentiment or classify)
 * @param spec      the network shape
 * @param tokenizer how input text becomes ids
 * @param classes   the output symbol of every class id
 * @param step      training steps behind this version
 * @param level     curriculum level reached
 * @param metrics   held-out figures (accuracy, loss, ...)
 * @param createdMs when the version was made
 * @param trainedBy the {@code app.instance-id} of the instance whose trainer published it; empty for versions made
 *                  offline and for files written before the field existed (readers of either age ignore what they
 *                  do not know, so the file format stays 1)
 */
public record ModelMetadata(String name, long version, ModelTask task, ModelSpec spec, TokenizerSpec tokenizer,
                            List<String> classes, long step, int level, Map<String, Double> metrics, long createdMs,
                            String trainedBy) {
    public ModelMetadata {
        trainedBy = trainedBy == null ? "" : trainedBy;
        if (task == null) throw new IllegalArgumentException("model " + name + ": no task");
        if (classes.size() != spec.classes()) {
            throw new IllegalArgumentException("model " + name + ": " + classes.size() + " class symbols for "
                    + spec.classes() + " classes");
        }
        classes = List.copyOf(classes);
        metrics = Map.copyOf(metrics);
    }

    /** Metadata of a version made offline (no trainer instance behind it). */
    public ModelMetadata(String name, long version, ModelTask task, ModelSpec spec, TokenizerSpec tokenizer,
                         List<String> classes, long step, int level, Map<String, Double> metrics, long createdMs) {
        this(name, version, task, spec, tokenizer, classes, step, level, metrics, createdMs, "");
    }

    public ModelMetadata withVersion(long v, long atStep, int atLevel, Map<String, Double> m) {
        return withVersion(v, atStep, atLevel, m, "");
    }

    /** The next version, made by the trainer of instance {@code by}. */
    public ModelMetadata withVersion(long v, long atStep, int atLevel, Map<String, Double> m, String by) {
        return new ModelMetadata(name, v, task, spec, tokenizer, classes, atStep, atLevel, m, System.currentTimeMillis(), by);
    }
}
