package io.seqstream.serve;

import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.ModelTask;
import io.seqstream.model.Parameters;
import io.seqstream.model.text.Tokenizer;
import io.seqstream.model.text.Tokenizers;

/**
 * One model version as a processor serves it: a private copy of the parameters (the trainer's arrays are
 * never shared), the tokenizer it was trained with, and its output symbols.
 */
public final class ServedModel {
    private final ModelMetadata metadata;
    private final Parameters parameters;
    private final Tokenizer tokenizer;
    private final String[] classes;

    private ServedModel(ModelMetadata metadata, Parameters parameters, Tokenizer tokenizer) {
        this.metadata = metadata;
        this.parameters = parameters;
        this.tokenizer = tokenizer;
        this.classes = metadata.classes().toArray(new String[0]);
    }

    public static ServedModel of(ModelSnapshot snapshot) {
        if (!snapshot.parameters().isFinite()) {
            throw new IllegalArgumentException("model " + snapshot.metadata().name() + " v" + snapshot.metadata().version()
                    + " has non-finite parameters");
        }
        return new ServedModel(snapshot.metadata(), snapshot.parameters().copy(),
                Tokenizers.from(snapshot.metadata().tokenizer()));
    }

    public String name() { return metadata.name(); }

    public long version() { return metadata.version(); }

    public ModelTask task() { return metadata.task(); }

    public ModelSpec spec() { return metadata.spec(); }

    public ModelMetadata metadata() { return metadata; }

    public Parameters parameters() { return parameters; }

    public Tokenizer tokenizer() { return tokenizer; }

    /** Output symbol of a class id. */
    public String classSymbol(int id) { return classes[id]; }
}
