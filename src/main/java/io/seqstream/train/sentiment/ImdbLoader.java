package io.seqstream.train.sentiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IMDb splits of {@code shared/data/imdb} ({@code imdb_train.csv.gz}, {@code imdb_test.csv.gz}):
 * RFC-4180 CSV with the header {@code id,rating,label,review}. The files are sorted by label; callers shuffle.
 */
public final class ImdbLoader {
    public static final String TRAIN = "imdb_train.csv.gz";
    public static final String TEST = "imdb_test.csv.gz";

    private ImdbLoader() {
    }

    public static List<Review> train(Path dir) throws IOException { return load(dir.resolve(TRAIN)); }

    public static List<Review> test(Path dir) throws IOException { return load(dir.resolve(TEST)); }

    /** All reviews of one file (gzip when the name ends in .gz). */
    public static List<Review> load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("IMDb file " + file + " not found (see shared/data/imdb/README.txt)");
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             Reader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            return parse(r, file.toString());
        }
    }

    static List<Review> parse(Reader r, String source) throws IOException {
        List<Review> out = new ArrayList<>(25_000);
        List<String> header = record(r);
        if (header == null || !header.equals(List.of("id", "rating", "label", "review"))) {
            throw new IOException(source + ": expected header id,rating,label,review, found " + header);
        }
        long line = 1;
        for (List<String> f; (f = record(r)) != null; ) {
            line++;
            if (f.size() != 4) throw new IOException(source + ": record " + line + " has " + f.size() + " fields, expected 4");
            try {
                out.add(new Review(Integer.parseInt(f.get(0)), Integer.parseInt(f.get(1)), Integer.parseInt(f.get(2)), f.get(3)));
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": record " + line + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** One CSV record (quoted fields may hold commas, doubled quotes and line breaks), or null at the end. */
    private static List<String> record(Reader r) throws IOException {
        int c = r.read();
        if (c < 0) return null;
        List<String> fields = new ArrayList<>(4);
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        boolean fieldStart = true;
        while (true) {
            if (c < 0) {
                fields.add(sb.toString());
                return fields;
            }
            if (quoted) {
                if (c == '"') {
                    int n = r.read();
                    if (n == '"') {
                        sb.append('"');
                    } else {
                        quoted = false;
                        c = n;
                        continue;
                    }
                } else {
                    sb.append((char) c);
                }
            } else if (c == '"' && fieldStart) {
                quoted = true;
            } else if (c == ',') {
                fields.add(sb.toString());
                sb.setLength(0);
                fieldStart = true;
                c = r.read();
                continue;
            } else if (c == '\n') {
                fields.add(sb.toString());
                return fields;
            } else if (c != '\r') {
                sb.append((char) c);
            }
            fieldStart = false;
            c = r.read();
        }
    }
}
