package io.seqstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Raw settings, layered: a properties file, then environment variables (SEQSTREAM_ + the key upper-cased with
 * dots and dashes as underscores, e.g. kafka.bootstrap = SEQSTREAM_KAFKA_BOOTSTRAP), then explicit overrides
 * (command line). Typed getters fail with a {@link ConfigException} that says which setting is wrong and why.
 */
public final class Settings {
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();
    private final Map<String, String> env;

    private Settings(Map<String, String> env) {
        this.env = env;
    }

    public static Settings load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Settings s = new Settings(env);
        if (file != null) {
            if (!Files.isRegularFile(file)) throw new ConfigException("config file " + file + " does not exist");
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) s.put(k, p.getProperty(k).trim(), "file " + file);
        }
        if (overrides != null) overrides.forEach((k, v) -> s.put(k, v, "command line"));
        return s;
    }

    public static Settings of(Map<String, String> values) {
        return load(null, Map.of(), values);
    }

    private void put(String key, String value, String origin) {
        values.put(key, value);
        origins.put(key, origin);
    }

    /** Environment variable name of a key. */
    public static String envName(String key) {
        return "SEQSTREAM_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The raw value: command line beats environment beats file; null when unset. */
    public String raw(String key) {
        String origin = origins.get(key);
        if ("command line".equals(origin)) return values.get(key);
        String e = env.get(envName(key));
        if (e != null) return e.trim();
        return values.get(key);
    }

    private String where(String key) {
        String origin = origins.get(key);
        if (origin != null && "command line".equals(origin)) return "command line";
        if (env.get(envName(key)) != null) return "environment " + envName(key);
        return origin == null ? "default" : origin;
    }

    public String string(String key, String def) {
        String v = raw(key);
        return v == null || v.isEmpty() ? def : v;
    }

    public int integer(String key, int def, int min, int max) {
        String v = raw(key);
        if (v == null || v.isEmpty()) return def;
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) throw fail(key, v, "an integer from " + min + " to " + max);
            return i;
        } catch (NumberFormatException e) {
            throw fail(key, v, "an integer from " + min + " to " + max);
        }
    }

    public double decimal(String key, double def, double min, double max) {
        String v = raw(key);
        if (v == null || v.isEmpty()) return def;
        try {
            double d = Double.parseDouble(v);
            if (!(d >= min && d <= max)) throw fail(key, v, "a number from " + min + " to " + max);
            return d;
        } catch (NumberFormatException e) {
            throw fail(key, v, "a number from " + min + " to " + max);
        }
    }

    public boolean bool(String key, boolean def) {
        String v = raw(key);
        if (v == null || v.isEmpty()) return def;
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw fail(key, v, "true or false");
        };
    }

    /** Durations as 250ms, 10s, 5m, 2h or a bare number of milliseconds. */
    public Duration duration(String key, Duration def) {
        String v = raw(key);
        if (v == null || v.isEmpty()) return def;
        try {
            String s = v.toLowerCase(Locale.ROOT).trim();
            if (s.endsWith("ms")) return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2).trim()));
            if (s.endsWith("s")) return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            if (s.endsWith("m")) return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            if (s.endsWith("h")) return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1).trim()));
            return Duration.ofMillis(Long.parseLong(s));
        } catch (NumberFormatException e) {
            throw fail(key, v, "a duration such as 250ms, 10s, 5m or 2h");
        }
    }

    public <E extends Enum<E>> E choice(String key, E def, Class<E> type) {
        String v = raw(key);
        if (v == null || v.isEmpty()) return def;
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            StringBuilder allowed = new StringBuilder();
            for (E c : type.getEnumConstants()) allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name().toLowerCase(Locale.ROOT));
            throw fail(key, v, "one of " + allowed);
        }
    }

    private ConfigException fail(String key, String value, String expected) {
        return new ConfigException("setting " + key + " (from " + where(key) + ") is '" + value + "', expected " + expected);
    }
}
