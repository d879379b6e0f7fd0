package io.seqstream.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Loads topics/: one {@code .properties} file per topic with {@code name} (may use {@code ${app}}),
 * {@code partitions}, {@code replication}, and any other key as a topic config.
 */
public final class TopicSpecs {
    private TopicSpecs() {
    }

    public static List<TopicSpec> load(Path dir, String app) {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("topic declarations directory " + dir + " does not exist");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.toString().endsWith(".properties")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage());
        }
        List<TopicSpec> specs = new ArrayList<>();
        for (Path f : files) specs.add(parse(f, app));
        return specs;
    }

    static TopicSpec parse(Path file, String app) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        String name = required(p, "name", file).replace("${app}", app);
        int partitions = positive(p, "partitions", file);
        int replication = positive(p, "replication", file);
        Map<String, String> configs = new HashMap<>();
        for (String k : p.stringPropertyNames()) {
            if (!k.equals("name") && !k.equals("partitions") && !k.equals("replication")) configs.put(k, p.getProperty(k).trim());
        }
        return new TopicSpec(name, partitions, replication, configs);
    }

    private static String required(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) throw new IllegalArgumentException(file + ": '" + key + "' is missing");
        return v.trim();
    }

    private static int positive(Properties p, String key, Path file) {
        String v = required(p, key, file);
        try {
            int i = Integer.parseInt(v);
            if (i < 1) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ": '" + key + "' is '" + v + "', expected a positive integer");
        }
    }
}
