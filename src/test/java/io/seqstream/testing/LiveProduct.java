package io.seqstream.testing;

import io.seqstream.app.Product;
import io.seqstream.config.SeqstreamConfig;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/** The whole product (processors, gateway) on the shared test broker, serving the test echo model on pipeline echo. */
public final class LiveProduct {
    private LiveProduct() {
    }

    /**
     * Starts it with the web gateway on a free port. The instance id stays the same across test classes, so a
     * class's processors take over the previous class's static group membership at once instead of waiting for
     * its session to time out.
     */
    public static Product start(Map<String, String> extra) throws Exception {
        return start(config(extra));
    }

    public static Product start(SeqstreamConfig config) throws Exception {
        return Product.start(config, Map.of("echo", TestModels.echo()), new PrintStream(OutputStream.nullOutputStream()));
    }

    /** The configuration {@link #start(Map)} uses: shared broker, web on a free port, pipeline echo, no trainer. */
    public static SeqstreamConfig config(Map<String, String> extra) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap", SharedKafka.bootstrap());
        m.put("web.port", "0");
        m.put("web.read-outputs-topic", "false");
        m.put("pipelines", "echo");
        m.put("pipeline.echo.model", TestModels.echoFile().toString());
        m.put("trainer.models", "none");
        m.put("app.instance-id", "web");
        m.putAll(extra);
        return SeqstreamConfig.of(m);
    }
}
