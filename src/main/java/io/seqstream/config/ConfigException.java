package io.seqstream.config;

/** A setting is missing or malformed; the message names the setting, where it came from, and what was expected. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
