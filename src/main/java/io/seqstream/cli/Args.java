package io.seqstream.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line arguments: {@code --name value}, {@code --name=value}, bare flags, repeated
 * {@code --set key=value} configuration overrides, and positional words.
 */
public final class Args {
    private final Map<String, String> options = new LinkedHashMap<>();
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    public static Args parse(String[] argv, java.util.Set<String> flags) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            if (s.startsWith("--") && s.length() > 2) {
                String name = s.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (flags.contains(name)) {
                    value = "true";
                } else if (i + 1 < argv.length) {
                    value = argv[++i];
                } else {
                    throw new UsageException("option --" + name + " needs a value");
                }
                if (name.equals("set")) {
                    int kv = value.indexOf('=');
                    if (kv <= 0) throw new UsageException("--set takes key=value, got '" + value + "'");
                    a.overrides.put(value.substring(0, kv).trim(), value.substring(kv + 1).trim());
                } else {
                    a.options.put(name, value);
                }
            } else {
                a.positional.add(s);
            }
        }
        return a;
    }

    public String get(String name, String def) { return options.getOrDefault(name, def); }

    public boolean has(String name) { return options.containsKey(name); }

    public boolean flag(String name) { return "true".equals(options.get(name)); }

    public int integer(String name, int def) {
        String v = options.get(name);
        if (v == null) return def;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a whole number, got '" + v + "'");
        }
    }

    public double decimal(String name, double def) {
        String v = options.get(name);
        if (v == null) return def;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " takes a number, got '" + v + "'");
        }
    }

    public List<String> positional() { return positional; }

    /** --set overrides plus the shorthand options that map onto settings. */
    public Map<String, String> configOverrides() {
        Map<String, String> m = new LinkedHashMap<>(overrides);
        if (has("bootstrap")) m.put("kafka.bootstrap", get("bootstrap", ""));
        if (has("data-dir")) m.put("app.data-dir", get("data-dir", ""));
        if (has("instance-id")) m.put("app.instance-id", get("instance-id", ""));
        if (has("port")) m.put("web.port", get("port", ""));
        return m;
    }

    /** A wrong command line; the message is printed with the usage. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
