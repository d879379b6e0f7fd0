package io.seqstream.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.Sampler;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.PipelineProcessor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product's web face: the page at {@code /}, the WebSocket {@code /ws} (subscribe to outputs, send text),
 * the REST API under {@code /api}, {@code /metrics} (Prometheus) and {@code /health}. All client state lives on
 * this verticle's event loop; outputs arrive on the event bus and a client whose write queue is full loses them
 * (counted) instead of slowing anything down.
 */
public final class GatewayVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
    /** Largest WebSocket message accepted; anything bigger gets an error frame (the connection stays up). */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    /** Vert.x closes a connection whose frame or message exceeds its limits: keep those well above ours. */
    private static final int TRANSPORT_LIMIT_BYTES = 4 * 1024 * 1024;
    private static final int MAX_STREAM_ID_BYTES = 256;
    private static final int RECENT_STREAMS = 1000;

    /**
     * What the gateway reads from the running product.
     *
     * @param processors pipeline name -> its processing threads (for streams, partitions and served models)
     */
    public record Sources(SeqstreamConfig config, String bootstrap, PrometheusMeterRegistry registry,
                          Function<String, List<PipelineProcessor>> processors) {
    }

    private final Sources sources;
    private final SeqstreamConfig.Web web;
    private final Map<String, SeqstreamConfig.Pipeline> pipelines = new LinkedHashMap<>();
    private final Map<String, PipelineSubscribers> subscribers = new HashMap<>();
    private final Map<Long, Client> clients = new LinkedHashMap<>();
    private final Map<String, LinkedHashMap<String, Long>> recentStreams = new HashMap<>();
    private final AtomicInteger clientCount = new AtomicInteger();
    private final TrainingHistory training;
    private final int allStreamsRate;
    private final Counter dropped;
    private final Counter delivered;
    private final List<MessageConsumer<String>> consumers = new ArrayList<>();
    private HttpServer server;
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;
    private OutputsTopicFollower follower;
    private long sampler = -1;
    private long nextClientId = 1;
    private volatile int port = -1;

    public GatewayVerticle(Sources sources) {
        this.sources = sources;
        this.web = sources.config().web();
        this.allStreamsRate = web.allStreamsRate();
        for (SeqstreamConfig.Pipeline p : sources.config().pipelines()) pipelines.put(p.name(), p);
        PrometheusMeterRegistry r = sources.registry();
        this.training = new TrainingHistory(r, 600);
        this.dropped = Counter.builder("seqstream.ws.dropped").description("Outputs not sent to a WebSocket client whose write queue was full")
                .register(r);
        this.delivered = Counter.builder("seqstream.ws.sent").description("Outputs sent to WebSocket clients").register(r);
        Gauge.builder("seqstream.ws.clients", clientCount, AtomicInteger::get).description("Open WebSocket connections").register(r);
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
        for (String p : pipelines.keySet()) {
            MessageConsumer<String> c = vertx.eventBus().localConsumer(EventBusOutputSink.address(p),
                    m -> deliver(p, m.headers().get(EventBusOutputSink.STREAM_HEADER), m.body()));
            consumers.add(c);
        }
        sampler = vertx.setPeriodic(1000, id -> training.sample(System.currentTimeMillis()));
        Router router = router();
        server = vertx.createHttpServer(new HttpServerOptions().setHost(web.host()).setPort(web.port())
                .setMaxWebSocketFrameSize(TRANSPORT_LIMIT_BYTES).setMaxWebSocketMessageSize(TRANSPORT_LIMIT_BYTES)
                .setCompressionSupported(true));
        server.requestHandler(router);
        // Kafka clients block while they connect and fetch metadata: build them off the event loop, and warm up
        // the input topics' metadata so a send on the event loop does not wait for it later.
        return vertx.executeBlocking(() -> {
            producer = newProducer();
            for (SeqstreamConfig.Pipeline p : pipelines.values()) producer.partitionsFor(p.inputTopic());
            Properties ap = new Properties();
            ap.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sources.bootstrap());
            ap.put(AdminClientConfig.CLIENT_ID_CONFIG, "seqstream-web-admin");
            admin = Admin.create(ap);
            if (web.readOutputsTopic()) {
                Map<String, String> topics = new LinkedHashMap<>();
                for (SeqstreamConfig.Pipeline p : pipelines.values()) topics.put(p.outputTopic(), p.name());
                SeqstreamConfig.App app = sources.config().app();
                follower = new OutputsTopicFollower(vertx, sources.bootstrap(), app.name() + "-web-" + app.instanceId(), topics).start();
            }
            return null;
        }).compose(v -> server.listen()).onSuccess(s -> {
            port = s.actualPort();
            LOG.info("web: listening on {}", url());
        });
    }

    @Override
    public Future<?> stop() {
        if (sampler >= 0) vertx.cancelTimer(sampler);
        for (Client c : new ArrayList<>(clients.values())) c.ws.close();
        consumers.forEach(MessageConsumer::unregister);
        Future<?> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> vertx.executeBlocking(() -> {
            if (follower != null) follower.close();
            if (producer != null) producer.close(Duration.ofSeconds(5));
            if (admin != null) admin.close(Duration.ofSeconds(2));
            return null;
        }));
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sources.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "seqstream-web");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        // send() runs on the event loop: never let it wait long for metadata or buffer space.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    // ---------------------------------------------------------------- routes

    private Router router() {
        Router router = Router.router(vertx);
        router.get("/ws").handler(this::upgrade);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(sources.registry()));
        router.get("/health").handler(this::health);
        router.get("/api/pipelines").handler(ctx -> json(ctx, 200, pipelinesJson()));
        router.get("/api/models").handler(ctx -> json(ctx, 200, modelsJson()));
        router.get("/api/training").handler(this::trainingJson);
        router.get("/api/clients").handler(ctx -> json(ctx, 200, clientsJson()));
        // The body limit is generous; the pipeline's own limit is checked below, so the answer is a JSON 400.
        BodyHandler body = BodyHandler.create(false).setBodyLimit(TRANSPORT_LIMIT_BYTES);
        router.post("/api/pipelines/:pipeline/streams/:stream").handler(body).handler(this::requireToken).handler(this::postText);
        router.post("/api/models/:model/sample").handler(body).handler(this::requireToken).handler(this::sample);
        router.route("/api/*").handler(ctx -> error(ctx, 404, "no such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
        router.route().handler(StaticHandler.create("webroot").setCachingEnabled(false).setIndexPage("index.html"));
        router.route().failureHandler(ctx -> {
            int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
            if (status >= 500 && ctx.failure() != null) LOG.warn("web: {} {} failed", ctx.request().method(), ctx.request().path(), ctx.failure());
            String why = switch (status) {
                case 413 -> "request body too large";
                case 404 -> "not found: " + ctx.request().path();
                case 405 -> "method not allowed";
                default -> ctx.failure() != null && ctx.failure().getMessage() != null ? ctx.failure().getMessage() : "request failed";
            };
            if (!ctx.response().ended()) error(ctx, status, why);
        });
        return router;
    }

    private static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                .putHeader("cache-control", "no-store")
                .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
    }

    private static void error(RoutingContext ctx, int status, String message) {
        json(ctx, status, new JsonObject().put("error", message));
    }

    // ---------------------------------------------------------------- bearer token

    private boolean tokenMatches(String presented) {
        if (!web.tokenRequired()) return true;
        if (presented == null) return false;
        return MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), web.token().getBytes(StandardCharsets.UTF_8));
    }

    private static String bearer(String authorization) {
        if (authorization == null) return null;
        String a = authorization.trim();
        return a.regionMatches(true, 0, "Bearer ", 0, 7) ? a.substring(7).trim() : null;
    }

    private void requireToken(RoutingContext ctx) {
        if (tokenMatches(bearer(ctx.request().getHeader("Authorization")))) {
            ctx.next();
        } else {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"seqstream\"");
            error(ctx, 401, "this endpoint needs the bearer token (header Authorization: Bearer TOKEN)");
        }
    }

    // ---------------------------------------------------------------- REST

    private void postText(RoutingContext ctx) {
        String pipeline = ctx.pathParam("pipeline");
        String stream = ctx.pathParam("stream");
        String text = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString("UTF-8");
        SeqstreamConfig.Pipeline p = pipelines.get(pipeline);
        if (p == null) {
            error(ctx, 404, unknownPipeline(pipeline));
            return;
        }
        String problem = checkSend(p, stream, text);
        if (problem != null) {
            error(ctx, 400, problem);
            return;
        }
        produce(p, stream, text).onComplete(ar -> {
            if (ar.failed()) {
                error(ctx, 503, "could not write to " + p.inputTopic() + ": " + ar.cause().getMessage());
            } else {
                RecordMetadata md = ar.result();
                json(ctx, 202, new JsonObject().put("pipeline", pipeline).put("stream", stream).put("topic", md.topic())
                        .put("partition", md.partition()).put("offset", md.offset()));
            }
        });
    }

    /** Most characters one sample request may generate, and most samples per request. */
    static final int MAX_SAMPLE_LENGTH = 2000;
    static final int MAX_SAMPLES = 20;

    /**
     * Generates from a served next-token model: body {@code {"seed":"text","temperature":0.5,"max":200}} (all
     * optional; "n" samples, "rng" a seed for repeatable draws). Runs off the event loop on the model version
     * served now, with the batched step the processors use.
     */
    private void sample(RoutingContext ctx) {
        String model = ctx.pathParam("model");
        ServedModel served = servedModels().get(model);
        if (served == null) {
            error(ctx, 404, "unknown model '" + model + "' (served: " + servedModels().keySet() + ")");
            return;
        }
        String task = served.task();
        if (!"next".equals(task)) {
            json(ctx, 400, new JsonObject().put("error", "model '" + model + "' is a " + task
                    + " model, not a next-token model: only next-token models can sample text").put("model", model).put("task", task));
            return;
        }
        JsonObject body;
        try {
            String text = ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString("UTF-8").trim();
            body = text.isEmpty() ? new JsonObject() : new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            error(ctx, 400, "the body must be a JSON object like {\"seed\":\"text\",\"temperature\":0.5,\"max\":200}");
            return;
        }
        SampleRequest req;
        NextVocabulary vocabulary;
        int[] prefix;
        try {
            req = SampleRequest.from(body);
            vocabulary = NextVocabulary.of(served.metadata());
            prefix = vocabulary.startThen(req.seed());
        } catch (IllegalArgumentException e) {
            error(ctx, 400, e.getMessage());
            return;
        }
        vertx.executeBlocking(() -> new Sampler(served.parameters()).sample(prefix, req.n(), req.temperature(), req.max(),
                NextVocabulary.END_ID, new java.util.Random(req.rng()))).onComplete(ar -> {
            if (ar.failed()) {
                error(ctx, 500, "sampling failed: " + ar.cause().getMessage());
                return;
            }
            JsonArray samples = new JsonArray();
            for (Sampler.Sample s : ar.result()) {
                samples.add(new JsonObject().put("text", req.seed() + vocabulary.decode(s.ids())).put("generated", vocabulary.decode(s.ids()))
                        .put("ended", s.ended()));
            }
            json(ctx, 200, new JsonObject().put("model", model).put("version", served.version()).put("seed", req.seed())
                    .put("temperature", req.temperature()).put("max", req.max()).put("rng", req.rng()).put("samples", samples));
        });
    }

    /** A checked sample request; a bad field is an IllegalArgumentException naming it. */
    record SampleRequest(String seed, double temperature, int max, int n, long rng) {
        static SampleRequest from(JsonObject b) {
            Object seed = b.getValue("seed", "");
            if (!(seed instanceof String)) throw new IllegalArgumentException("seed must be a string");
            double t = number(b, "temperature", 1.0);
            if (!(t >= 0) || t > 100) throw new IllegalArgumentException("temperature must be a number from 0 (argmax) to 100, was " + b.getValue("temperature"));
            double max = number(b, "max", 200);
            if (max != Math.rint(max) || max < 0 || max > MAX_SAMPLE_LENGTH) {
                throw new IllegalArgumentException("max must be a whole number from 0 to " + MAX_SAMPLE_LENGTH + ", was " + b.getValue("max"));
            }
            double n = number(b, "n", 1);
            if (n != Math.rint(n) || n < 1 || n > MAX_SAMPLES) {
                throw new IllegalArgumentException("n must be a whole number from 1 to " + MAX_SAMPLES + ", was " + b.getValue("n"));
            }
            double rng = b.containsKey("rng") ? number(b, "rng", 0) : System.nanoTime();
            if (rng != Math.rint(rng)) throw new IllegalArgumentException("rng must be a whole number, was " + b.getValue("rng"));
            return new SampleRequest((String) seed, t, (int) max, (int) n, (long) rng);
        }

        private static double number(JsonObject b, String key, double def) {
            Object v = b.getValue(key);
            if (v == null) return def;
            if (!(v instanceof Number num)) throw new IllegalArgumentException(key + " must be a number, was " + v);
            return num.doubleValue();
        }
    }

    /** Null when the text may be sent to the stream, else what is wrong with it. */
    private static String checkSend(SeqstreamConfig.Pipeline p, String stream, String text) {
        if (stream == null || stream.isEmpty()) return "missing stream id";
        if (stream.getBytes(StandardCharsets.UTF_8).length > MAX_STREAM_ID_BYTES) {
            return "stream id longer than " + MAX_STREAM_ID_BYTES + " bytes";
        }
        for (int i = 0; i < stream.length(); i++) {
            if (Character.isISOControl(stream.charAt(i))) return "stream id contains a control character";
        }
        if (text == null || text.isEmpty()) return "empty text";
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > p.maxValueBytes()) {
            return "text too large: " + bytes + " bytes (pipeline " + p.name() + " takes at most " + p.maxValueBytes() + ")";
        }
        return null;
    }

    private String unknownPipeline(String name) {
        return "unknown pipeline '" + name + "' (configured: " + String.join(", ", pipelines.keySet()) + ")";
    }

    /** Writes a record to the pipeline's input topic; the future completes on this verticle's context. */
    private Future<RecordMetadata> produce(SeqstreamConfig.Pipeline p, String stream, String text) {
        Promise<RecordMetadata> promise = Promise.promise();
        var ctx = context;
        try {
            producer.send(new ProducerRecord<>(p.inputTopic(), stream.getBytes(StandardCharsets.UTF_8),
                    text.getBytes(StandardCharsets.UTF_8)), (md, e) -> ctx.runOnContext(v -> {
                if (e != null) promise.fail(e);
                else promise.complete(md);
            }));
        } catch (RuntimeException e) {
            promise.fail(e);
        }
        return promise.future();
    }

    private Map<String, ServedModel> servedModels() {
        Map<String, ServedModel> out = new LinkedHashMap<>();
        for (String p : pipelines.keySet()) {
            for (PipelineProcessor pp : sources.processors().apply(p)) {
                ServedModel m = pp.model();
                ServedModel before = out.get(m.name());
                if (before == null || before.version() < m.version()) out.put(m.name(), m);
            }
        }
        return out;
    }

    private JsonArray pipelinesJson() {
        JsonArray out = new JsonArray();
        for (SeqstreamConfig.Pipeline p : pipelines.values()) {
            List<PipelineProcessor> list = sources.processors().apply(p.name());
            long hot = 0;
            long cold = 0;
            ServedModel model = null;
            for (PipelineProcessor pp : list) {
                hot += pp.hotStreams();
                cold += pp.coldStreams();
                if (model == null || pp.model().version() > model.version()) model = pp.model();
            }
            JsonObject o = new JsonObject().put("name", p.name())
                    .put("topics", new JsonObject().put("input", p.inputTopic()).put("output", p.outputTopic()).put("state", p.stateTopic()))
                    .put("threads", list.size())
                    .put("activeStreams", hot).put("coldStreams", cold)
                    .put("maxValueBytes", p.maxValueBytes());
            if (model != null) o.put("model", new JsonObject().put("name", model.name()).put("version", model.version()).put("task", model.task()));
            JsonArray recent = new JsonArray();
            LinkedHashMap<String, Long> seen = recentStreams.get(p.name());
            if (seen != null) {
                List<String> ids = new ArrayList<>(seen.keySet());
                for (int i = ids.size() - 1; i >= 0; i--) recent.add(ids.get(i));
            }
            o.put("recentStreams", recent);
            out.add(o);
        }
        return out;
    }

    private JsonArray modelsJson() {
        JsonArray out = new JsonArray();
        Map<String, Set<String>> servedBy = new LinkedHashMap<>();
        for (String p : pipelines.keySet()) {
            for (PipelineProcessor pp : sources.processors().apply(p)) servedBy.computeIfAbsent(pp.model().name(), k -> new TreeSet<>()).add(p);
        }
        for (ServedModel m : servedModels().values()) {
            ModelMetadata md = m.metadata();
            JsonObject metrics = new JsonObject();
            md.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> metrics.put(e.getKey(), Double.isFinite(e.getValue()) ? e.getValue() : null));
            out.add(new JsonObject().put("name", md.name()).put("version", md.version()).put("task", md.task())
                    .put("cell", md.spec().cell().toString().toLowerCase()).put("layers", md.spec().layers())
                    .put("hidden", md.spec().hidden()).put("vocab", md.spec().vocab()).put("classes", md.spec().classes())
                    .put("trainingSteps", md.step()).put("curriculumLevel", md.level())
                    .put("heldOutAccuracy", metrics.getValue("heldOutAccuracy"))
                    .put("metrics", metrics).put("createdMs", md.createdMs())
                    .put("pipelines", new JsonArray(new ArrayList<>(servedBy.getOrDefault(md.name(), Set.of())))));
        }
        return out;
    }

    private void trainingJson(RoutingContext ctx) {
        long since = 0;
        String s = ctx.request().getParam("since");
        if (s != null) {
            try {
                since = Long.parseLong(s);
            } catch (NumberFormatException e) {
                error(ctx, 400, "since must be a time in milliseconds");
                return;
            }
        }
        json(ctx, 200, training.toJson(since));
    }

    private JsonObject clientsJson() {
        JsonArray list = new JsonArray();
        long totalDropped = 0;
        for (Client c : clients.values()) {
            totalDropped += c.dropped;
            list.add(new JsonObject().put("id", c.id).put("remote", String.valueOf(c.ws.remoteAddress()))
                    .put("subscriptions", new JsonArray(new ArrayList<>(c.subscriptions))).put("sent", c.sent).put("dropped", c.dropped)
                    .put("sampledOut", c.sampledOut));
        }
        return new JsonObject().put("clients", list).put("open", clients.size()).put("droppedOpen", totalDropped)
                .put("droppedTotal", dropped.count());
    }

    private void health(RoutingContext ctx) {
        vertx.executeBlocking(() -> {
            JsonObject broker = new JsonObject();
            boolean brokerOk;
            try {
                var d = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000));
                int nodes = d.nodes().get(3, TimeUnit.SECONDS).size();
                broker.put("ok", true).put("nodes", nodes).put("clusterId", d.clusterId().get(3, TimeUnit.SECONDS));
                brokerOk = nodes > 0;
            } catch (Exception e) {
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
                broker.put("ok", false).put("error", cause.toString());
                brokerOk = false;
            }
            return new Object[]{broker, brokerOk};
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                error(ctx, 503, "health check failed: " + ar.cause());
                return;
            }
            JsonObject broker = (JsonObject) ar.result()[0];
            boolean ok = (Boolean) ar.result()[1];
            JsonArray procs = new JsonArray();
            JsonObject versions = new JsonObject();
            boolean degraded = false;
            for (String p : pipelines.keySet()) {
                List<PipelineProcessor> list = sources.processors().apply(p);
                for (int i = 0; i < list.size(); i++) {
                    PipelineProcessor pp = list.get(i);
                    boolean alive = pp.alive();
                    ok &= alive;
                    degraded |= pp.status() == PipelineProcessor.Status.RESTARTING;
                    JsonObject proc = new JsonObject().put("pipeline", p).put("thread", i).put("alive", alive)
                            .put("status", pp.status().name().toLowerCase(java.util.Locale.ROOT))
                            .put("partitions", new JsonArray(new ArrayList<>(new TreeSet<>(pp.assignedPartitions()))))
                            .put("model", pp.model().name()).put("version", pp.modelVersion());
                    if (pp.lastError() != null) proc.put("lastError", pp.lastError());
                    procs.add(proc);
                    versions.put(pp.model().name(), Math.max(pp.modelVersion(), versions.getLong(pp.model().name(), 0L)));
                }
            }
            // A thread restarting after an error is not processing its partitions: degraded answers 503 too.
            String status = !ok ? "down" : degraded ? "degraded" : "up";
            json(ctx, ok && !degraded ? 200 : 503, new JsonObject().put("status", status).put("broker", broker)
                    .put("processors", procs).put("models", versions).put("webSocketClients", clients.size()));
        });
    }

    // ---------------------------------------------------------------- WebSocket

    private void upgrade(RoutingContext ctx) {
        String presented = bearer(ctx.request().getHeader("Authorization"));
        if (presented == null) presented = ctx.request().getParam("access_token");
        boolean mayWrite = tokenMatches(presented);
        ctx.request().toWebSocket().onSuccess(ws -> open(ws, mayWrite)).onFailure(e -> {
            if (!ctx.response().ended()) error(ctx, 400, "WebSocket upgrade failed: " + e.getMessage());
        });
    }

    private void open(ServerWebSocket ws, boolean mayWrite) {
        Client c = new Client(nextClientId++, ws, mayWrite);
        clients.put(c.id, c);
        clientCount.set(clients.size());
        ws.textMessageHandler(text -> onMessage(c, text));
        ws.binaryMessageHandler(b -> c.error("binary messages are not supported: send JSON text"));
        ws.exceptionHandler(e -> LOG.debug("web: client {}: {}", c.id, e.toString()));
        ws.closeHandler(v -> closed(c));
    }

    private void closed(Client c) {
        if (clients.remove(c.id) == null) return;
        clientCount.set(clients.size());
        for (String key : c.subscriptions) {
            int slash = key.indexOf('/');
            PipelineSubscribers ps = subscribers.get(key.substring(0, slash));
            if (ps != null) ps.remove(c, slash == key.length() - 1 ? null : key.substring(slash + 1));
        }
        c.subscriptions.clear();
    }

    private void onMessage(Client c, String text) {
        if (text.length() > MAX_MESSAGE_BYTES || text.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            c.error("message too large: at most " + MAX_MESSAGE_BYTES + " bytes");
            return;
        }
        JsonObject msg;
        try {
            msg = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            c.error("not a JSON object");
            return;
        }
        if (msg.size() != 1) {
            c.error("expected exactly one of subscribe, unsubscribe, send; got " + msg.fieldNames());
            return;
        }
        String type = msg.fieldNames().iterator().next();
        if (!(msg.getValue(type) instanceof JsonObject args)) {
            c.error(type + ": expected an object, e.g. {\"" + type + "\":{\"pipeline\":\"echo\",\"stream\":\"s1\"}}");
            return;
        }
        switch (type) {
            case "subscribe", "unsubscribe" -> subscription(c, type, args);
            case "send" -> send(c, args);
            default -> c.error("unknown message type '" + type + "': expected subscribe, unsubscribe or send");
        }
    }

    private String string(Client c, String type, JsonObject args, String field, boolean required) {
        Object v = args.getValue(field);
        if (v == null) {
            if (required) c.error(type + ": missing field '" + field + "'");
            return null;
        }
        if (!(v instanceof String s)) {
            c.error(type + ": field '" + field + "' must be a string");
            return null;
        }
        return s;
    }

    private void subscription(Client c, String type, JsonObject args) {
        String pipeline = string(c, type, args, "pipeline", true);
        if (pipeline == null) return;
        if (!pipelines.containsKey(pipeline)) {
            c.error(type + ": " + unknownPipeline(pipeline));
            return;
        }
        String stream = null;
        if (args.containsKey("stream")) {
            stream = string(c, type, args, "stream", true);
            if (stream == null) return;
        }
        String key = pipeline + "/" + (stream == null ? "" : stream);
        PipelineSubscribers ps = subscribers.computeIfAbsent(pipeline, k -> new PipelineSubscribers());
        if (type.equals("subscribe")) {
            if (c.subscriptions.add(key)) ps.add(c, stream);
        } else if (c.subscriptions.remove(key)) {
            ps.remove(c, stream);
        }
    }

    private void send(Client c, JsonObject args) {
        String pipeline = string(c, "send", args, "pipeline", true);
        if (pipeline == null) return;
        String stream = string(c, "send", args, "stream", true);
        if (stream == null) return;
        String text = string(c, "send", args, "text", true);
        if (text == null) return;
        SeqstreamConfig.Pipeline p = pipelines.get(pipeline);
        if (p == null) {
            c.error("send: " + unknownPipeline(pipeline));
            return;
        }
        if (!c.mayWrite) {
            Object t = args.getValue("token");
            if (!(t instanceof String s) || !tokenMatches(s)) {
                c.error("send: needs the bearer token (Authorization header or ?access_token= on the upgrade, or a \"token\" field)");
                return;
            }
        }
        String problem = checkSend(p, stream, text);
        if (problem != null) {
            c.error("send: " + problem);
            return;
        }
        produce(p, stream, text).onFailure(e -> c.error("send: could not write to " + p.inputTopic() + ": " + e.getMessage()));
    }

    /** Fans one output out to the pipeline's all-streams subscribers and the stream's own, each client once. */
    private void deliver(String pipeline, String stream, String json) {
        if (stream != null) {
            LinkedHashMap<String, Long> seen = recentStreams.computeIfAbsent(pipeline, k -> new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                    return size() > RECENT_STREAMS;
                }
            });
            seen.put(stream, System.currentTimeMillis());
        }
        PipelineSubscribers ps = subscribers.get(pipeline);
        if (ps == null) return;
        for (Client c : ps.all) {
            if (c.admitSample()) c.push(json);
        }
        Set<Client> own = stream == null ? null : ps.byStream.get(stream);
        if (own != null) {
            for (Client c : own) if (!ps.all.contains(c)) c.push(json);
        }
    }

    /** Who listens to a pipeline: to all its streams, or to single streams. */
    private static final class PipelineSubscribers {
        final Set<Client> all = new LinkedHashSet<>();
        final Map<String, Set<Client>> byStream = new HashMap<>();

        void add(Client c, String stream) {
            if (stream == null) all.add(c);
            else byStream.computeIfAbsent(stream, k -> new LinkedHashSet<>()).add(c);
        }

        void remove(Client c, String stream) {
            if (stream == null) {
                all.remove(c);
                return;
            }
            Set<Client> s = byStream.get(stream);
            if (s != null && s.remove(c) && s.isEmpty()) byStream.remove(stream);
        }
    }

    /** One WebSocket connection; touched only on the event loop. */
    private final class Client {
        final long id;
        final ServerWebSocket ws;
        final boolean mayWrite;
        final Set<String> subscriptions = new HashSet<>();
        long sent;
        long dropped;
        long sampledOut;
        private double allowance = allStreamsRate;
        private long lastRefill = System.nanoTime();

        Client(long id, ServerWebSocket ws, boolean mayWrite) {
            this.id = id;
            this.ws = ws;
            this.mayWrite = mayWrite;
        }

        /**
         * All-streams subscriptions are sampled (a token bucket of web.all-streams-rate outputs per second): a
         * dashboard watching everything must not cost the gateway the whole pipeline's output rate per client.
         */
        boolean admitSample() {
            long now = System.nanoTime();
            allowance = Math.min(allStreamsRate, allowance + (now - lastRefill) * 1e-9 * allStreamsRate);
            lastRefill = now;
            if (allowance < 1) {
                sampledOut++;
                return false;
            }
            allowance -= 1;
            return true;
        }

        /** A full write queue means the client does not keep up: drop, count, and never wait for it. */
        void push(String json) {
            if (ws.isClosed()) return;
            if (ws.writeQueueFull()) {
                dropped++;
                GatewayVerticle.this.dropped.increment();
                return;
            }
            ws.writeTextMessage(json);
            sent++;
            delivered.increment();
        }

        void error(String message) {
            if (!ws.isClosed()) ws.writeTextMessage(new JsonObject().put("error", message).encode());
        }
    }
}
