package io.seqstream.web;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.stream.ProcessingView;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import io.seqstream.kafka.KafkaClients;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product's web face: the page at {@code /}, the WebSocket {@code /ws}, the REST API under {@code /api},
 * {@code /metrics} and {@code /health}, served by {@link GatewayRouter} from small handlers. This verticle owns the
 * lifecycle: the Kafka clients, the HTTP server, and the event-bus feed of committed outputs into the
 * {@link WebSocketHub}; all client state lives on its event loop.
 */
public final class GatewayVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
    private static final int RECENT_STREAMS = 1000;
    private static final int TRAINING_SAMPLES = 600;

    /**
     * What the gateway reads from the running product.
     *
     * @param processors pipeline name -> read-only views of its processing threads (streams, partitions, served models)
     */
    public record Sources(SeqstreamConfig config, String bootstrap, PrometheusMeterRegistry registry,
                          Function<String, List<? extends ProcessingView>> processors) {
    }

    private final Sources sources;
    private final SeqstreamConfig.Web web;
    private final PipelineViews views;
    private final RecentStreams recent = new RecentStreams(RECENT_STREAMS);
    private final TrainingHistory training;
    private final BearerAuth auth;
    private final List<MessageConsumer<String>> consumers = new ArrayList<>();
    private HttpServer server;
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;
    private OutputsTopicFollower follower;
    private WebSocketHub hub;
    private long sampler = -1;
    private volatile int port = -1;

    public GatewayVerticle(Sources sources) {
        this.sources = sources;
        this.web = sources.config().web();
        this.views = new PipelineViews(sources.config().pipelines(), sources.processors());
        this.training = new TrainingHistory(sources.registry(), TRAINING_SAMPLES);
        this.auth = new BearerAuth(web.token());
    }

    /** The bound port (useful with web.port 0); -1 before start. */
    public int port() { return port; }

    /** The page's address, e.g. http://127.0.0.1:8080/. */
    public String url() {
        String host = web.host().equals("0.0.0.0") ? "127.0.0.1" : web.host();
        return "http://" + host + ":" + port + "/";
    }

    @Override
    public Future<?> start() {
        // Kafka clients block while they connect and fetch metadata: build them off the event loop, and warm up
        // the input topics' metadata so a send on the event loop does not wait for it later.
        return vertx.executeBlocking(() -> {
            producer = newProducer();
            for (SeqstreamConfig.Pipeline p : views.all()) producer.partitionsFor(p.inputTopic());
            admin = newAdmin();
            if (web.readOutputsTopic()) follower = newFollower();
            return null;
        }).compose(v -> {
            Router router = router();
            for (String p : views.names()) {
                consumers.add(vertx.eventBus().<String>localConsumer(EventBusOutputSink.address(p),
                        m -> delivered(p, m.headers().get(EventBusOutputSink.STREAM_HEADER), m.body())));
            }
            if (follower != null) follower.start();
            sampler = vertx.setPeriodic(1000, id -> training.sample(System.currentTimeMillis()));
            server = vertx.createHttpServer(new HttpServerOptions().setHost(web.host()).setPort(web.port())
                    .setMaxWebSocketFrameSize(GatewayRouter.TRANSPORT_LIMIT_BYTES)
                    .setMaxWebSocketMessageSize(GatewayRouter.TRANSPORT_LIMIT_BYTES)
                    .setCompressionSupported(true));
            return server.requestHandler(router).listen();
        }).onSuccess(s -> {
            port = s.actualPort();
            LOG.info("web: listening on {}", url());
        });
    }

    @Override
    public Future<?> stop() {
        if (sampler >= 0) vertx.cancelTimer(sampler);
        if (hub != null) hub.closeAll();
        consumers.forEach(MessageConsumer::unregister);
        Future<?> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> vertx.executeBlocking(() -> {
            if (follower != null) follower.close();
            if (producer != null) producer.close(Duration.ofSeconds(5));
            if (admin != null) admin.close(Duration.ofSeconds(2));
            return null;
        }));
    }

    /** The parts, wired: they need the producer and admin, so they are built once those exist. */
    private Router router() {
        InputWriter input = new InputWriter(producer, context);
        Subscriptions subscriptions = new Subscriptions();
        WebSocketHub ws = new WebSocketHub(auth, web.allStreamsRate(), sources.registry(), subscriptions,
                new WsProtocol(views, subscriptions, input, auth));
        hub = ws;
        GatewayRouter.Api api = new GatewayRouter.Api(new PipelinesHandler(views, recent), new ModelsHandler(views),
                new TrainingHandler(training), new ClientsHandler(ws), new PostTextHandler(views, input),
                new SampleHandler(vertx, views));
        HealthHandler health = new HealthHandler(vertx, admin, views, () -> ws.clients().size());
        return GatewayRouter.create(vertx, ws, health, sources.registry(), auth, api);
    }

    /** An output committed by a processor here, or read from the outputs topics by the follower. */
    private void delivered(String pipeline, String stream, String json) {
        if (stream != null) recent.seen(pipeline, stream, System.currentTimeMillis());
        hub.deliver(pipeline, stream, json);
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        // send() runs on the event loop: never let it wait long for metadata or buffer space.
        return KafkaClients.of(sources.bootstrap()).idempotentProducer().clientId("seqstream-web").linger(Duration.ofMillis(1))
                .set(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000").build();
    }

    private Admin newAdmin() {
        return KafkaClients.of(sources.bootstrap()).admin("seqstream-web-admin");
    }

    private OutputsTopicFollower newFollower() {
        Map<String, String> topics = new LinkedHashMap<>();
        for (SeqstreamConfig.Pipeline p : views.all()) topics.put(p.outputTopic(), p.name());
        SeqstreamConfig.App app = sources.config().app();
        return new OutputsTopicFollower(vertx, sources.bootstrap(), app.name() + "-web-" + app.instanceId(), topics);
    }
}
