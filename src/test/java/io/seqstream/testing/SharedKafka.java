package io.seqstream.testing;

import io.seqstream.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded broker per test JVM, shared by every class that extends with it and closed after the last
 * test (it lives in the root context's store). Each test uses its own topics.
 */
public final class SharedKafka implements BeforeAllCallback {
    private static EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedKafka.class.getName(), k -> new Closer(start()), Closer.class);
    }

    private static synchronized EmbeddedKafka start() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "kafka-");
                broker = EmbeddedKafka.start(dir, 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return broker;
    }

    /** The running shared broker (start it by extending the test class with this extension). */
    public static synchronized EmbeddedKafka broker() {
        if (broker == null) throw new IllegalStateException("annotate the test class with @ExtendWith(SharedKafka.class)");
        return broker;
    }

    public static String bootstrap() { return broker().bootstrapServers(); }

    private record Closer(EmbeddedKafka kafka) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            synchronized (SharedKafka.class) {
                kafka.close();
                broker = null;
            }
        }
    }
}
