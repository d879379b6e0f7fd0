package io.seqstream.train.sentiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * GloVe word vectors in their text format (a word and its floats per line, space separated), gzip or plain.
 * {@code shared/data/glove} holds the 10,000 most frequent words of glove.6B, 50 dimensions.
 */
public record Glove(int dimension, Map<String, float[]> vectors) {

    public static Glove load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("GloVe file " + file + " not found (see shared/data/glove/README.txt)");
        Map<String, float[]> vectors = new HashMap<>();
        int dim = -1;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            long n = 0;
            for (String line; (line = r.readLine()) != null; ) {
                n++;
                if (line.isBlank()) continue;
                String[] f = line.split(" ");
                if (dim < 0) dim = f.length - 1;
                if (f.length - 1 != dim || dim < 1) {
                    throw new IOException(file + ": line " + n + " has " + (f.length - 1) + " numbers, expected " + dim);
                }
                float[] v = new float[dim];
                for (int i = 0; i < dim; i++) v[i] = Float.parseFloat(f[i + 1]);
                vectors.putIfAbsent(f[0], v);
            }
        }
        if (dim < 0) throw new IOException(file + ": no vectors");
        return new Glove(dim, Map.copyOf(vectors));
    }

    public float[] vector(String word) { return vectors.get(word); }
}
