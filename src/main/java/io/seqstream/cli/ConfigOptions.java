package io.seqstream.cli;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.config.Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of the commands that talk to the cluster: where the settings come from, and --bootstrap as a shorthand. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (properties).")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A setting, over the file and the environment; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka cluster (kafka.bootstrap); default: the embedded broker.")
    String bootstrap;

    /** The typed configuration: defaults, then --config FILE, the environment, --set and the shorthands, in that order. */
    SeqstreamConfig load(Map<String, String> shorthands) {
        Map<String, String> all = new LinkedHashMap<>();
        overrides.forEach((k, v) -> all.put(k.trim(), v.trim()));
        if (bootstrap != null) all.put("kafka.bootstrap", bootstrap);
        all.putAll(shorthands);
        return SeqstreamConfig.from(Settings.load(file, System.getenv(), all));
    }

    SeqstreamConfig load() {
        return load(Map.of());
    }
}
