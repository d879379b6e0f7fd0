package io.seqstream.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/** Collects every log event at ERROR or above (any logger) while it is open: a test can then say there were none. */
public final class ErrorLogCapture extends AbstractAppender implements AutoCloseable {
    private final List<String> events = new ArrayList<>();

    private ErrorLogCapture() {
        super("error-capture", null, null, true, Property.EMPTY_ARRAY);
    }

    public static ErrorLogCapture open() {
        ErrorLogCapture c = new ErrorLogCapture();
        c.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        config.getRootLogger().addAppender(c, Level.ERROR, null);
        // Loggers with their own configuration and additivity still pass events to the root's appenders.
        for (LoggerConfig lc : config.getLoggers().values()) {
            if (lc != config.getRootLogger() && !lc.isAdditive()) lc.addAppender(c, Level.ERROR, null);
        }
        ctx.updateLoggers();
        return c;
    }

    @Override
    public void append(LogEvent event) {
        if (!event.getLevel().isMoreSpecificThan(Level.ERROR)) return;
        Throwable t = event.getThrown();
        synchronized (events) {
            events.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getMessage().getFormattedMessage()
                    + (t == null ? "" : " (" + t + ")"));
        }
    }

    /** The ERROR (and FATAL) events seen so far. */
    public List<String> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    @Override
    public void close() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration config = ctx.getConfiguration();
        config.getRootLogger().removeAppender(getName());
        for (LoggerConfig lc : config.getLoggers().values()) lc.removeAppender(getName());
        ctx.updateLoggers();
        stop();
    }
}
