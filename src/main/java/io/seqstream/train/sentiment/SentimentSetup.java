package io.seqstream.train.sentiment;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.ModelTask;
import io.seqstream.model.Parameters;
import io.seqstream.model.TokenizerSpec;
import io.seqstream.model.text.Tokenizer;
import io.seqstream.model.text.Tokenizers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The pieces a sentiment experiment is made of: the validation split carved from the training split, the
 * vocabulary (training part only), the model shapes, GloVe initialisation of an embedding, and model metadata.
 */
public final class SentimentSetup {
    public static final List<String> CLASSES = List.of("negative", "positive");

    private SentimentSetup() {
    }

    /** The training split shuffled with the seed and cut into training and validation parts. */
    public record Split(List<Review> train, List<Review> validation) {
    }

    public static Split split(List<Review> trainSplit, int validation, long seed) {
        List<Review> all = new ArrayList<>(trainSplit);
        Collections.shuffle(all, new Random(seed));
        int v = Math.min(validation, all.size() / 2);
        return new Split(List.copyOf(all.subList(v, all.size())), List.copyOf(all.subList(0, v)));
    }

    /**
     * The training split cut by blocks of {@code blockSize} consecutive review ids per label: IMDb numbers the reviews
     * of one movie next to each other, so whole blocks keep (nearly) every movie on one side, as the test split's
     * movies are apart from the training split's. Blocks are shuffled with the seed and taken until the validation
     * part holds at least {@code validation} reviews.
     */
    public static Split blockSplit(List<Review> trainSplit, int validation, long seed, int blockSize) {
        if (blockSize < 1) throw new IllegalArgumentException("block size must be >= 1, was " + blockSize);
        java.util.Map<Long, List<Review>> blocks = new java.util.TreeMap<>();
        for (Review r : trainSplit) blocks.computeIfAbsent(r.label() * 1_000_000L + r.id() / blockSize, k -> new ArrayList<>()).add(r);
        List<List<Review>> order = new ArrayList<>(blocks.values());
        Collections.shuffle(order, new Random(seed));
        List<Review> val = new ArrayList<>();
        List<Review> train = new ArrayList<>();
        int limit = Math.min(validation, trainSplit.size() / 2);
        for (List<Review> b : order) (val.size() < limit ? val : train).addAll(b);
        Collections.shuffle(train, new Random(seed + 1));
        return new Split(List.copyOf(train), List.copyOf(val));
    }

    public static TokenizerSpec vocabulary(List<Review> train, int size) {
        return Vocabulary.build(train.stream().map(Review::text).toList(), size);
    }

    public static Tokenizer tokenizer(TokenizerSpec spec) { return Tokenizers.from(spec); }

    /** An embedding-input network of rnn or lstm cells with a two-class head. */
    public static ModelSpec spec(CellType cell, int hidden, int vocab, int embed) {
        return ModelSpec.oneHot(cell, hidden, vocab, 2).withEmbedding(embed);
    }

    /**
     * Overwrites the rows of an embedding table [vocab, dim] at {@code offset} with the GloVe vectors of the
     * vocabulary's words; words GloVe lacks get random normal vectors of GloVe's own per-value spread.
     *
     * @return words found in GloVe
     */
    public static int initialiseFromGlove(float[] values, int offset, TokenizerSpec vocab, Glove glove, long seed) {
        int dim = glove.dimension();
        double sum = 0;
        double sq = 0;
        long count = 0;
        for (float[] v : glove.vectors().values()) {
            for (float x : v) {
                sum += x;
                sq += x * x;
                count++;
            }
        }
        double mean = sum / count;
        double std = Math.sqrt(Math.max(0, sq / count - mean * mean));
        SplittableRandom rng = new SplittableRandom(seed);
        int found = 0;
        for (int i = 0; i < vocab.symbols().size(); i++) {
            float[] v = glove.vector(vocab.symbols().get(i));
            int row = offset + i * dim;
            if (v != null) {
                System.arraycopy(v, 0, values, row, dim);
                found++;
            } else {
                for (int k = 0; k < dim; k++) values[row + k] = (float) (gaussian(rng) * std);
            }
        }
        return found;
    }

    /** Initial parameters of a recurrent sentiment model, its embedding from GloVe when one is given. */
    public static Parameters parameters(ModelSpec spec, TokenizerSpec vocab, Glove glove, long seed) {
        Parameters p = Parameters.xavier(spec, seed);
        if (glove != null) {
            if (glove.dimension() != spec.embed()) {
                throw new IllegalArgumentException("GloVe has " + glove.dimension() + " dimensions, the model's embedding " + spec.embed());
            }
            initialiseFromGlove(p.values(), p.layout().embedding(), vocab, glove, seed + 1);
        }
        return p;
    }

    public static ModelMetadata metadata(String name, ModelSpec spec, TokenizerSpec vocab, long steps, Map<String, Double> metrics) {
        return new ModelMetadata(name, 1, ModelTask.SENTIMENT, spec, vocab, CLASSES, steps, 0, metrics, System.currentTimeMillis());
    }

    private static double gaussian(SplittableRandom rng) {
        double u = 1 - rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
