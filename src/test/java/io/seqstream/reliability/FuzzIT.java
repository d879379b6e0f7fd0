package io.seqstream.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.seqstream.app.Product;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.serve.ServedModel;
import io.seqstream.stream.DeadLetters;
import io.seqstream.stream.OutputRecord;
import io.seqstream.testing.EchoReference;
import io.seqstream.testing.ErrorLogCapture;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.TestModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * 10,000 bad inputs mixed into good streams: 9,000 Kafka records (random key and value bytes, empty and null keys,
 * oversized keys, huge values, garbage control and delay headers, random JSON as text), 700 WebSocket messages and
 * 300 HTTP requests that are wrong by construction. The good streams' outputs equal the reference run's; every
 * record the rules reject is in the dead-letter topic with the reason the test's own classification expects (and
 * counted by seqstream_dlq_total); records that turn out legal get their outputs; every WebSocket message gets an
 * error frame and every request a 4xx, on connections that stay usable; nothing is logged at ERROR by the product or
 * its Kafka clients; /health answers 200.
 * The test classifies its inputs itself from the contract (README: bad input), not with the product's decoder.
 */
class FuzzIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int GOOD_STREAMS = 200;
    private static final int GOOD_LENGTH = 20;
    private static final int KAFKA_BAD = 9_000;
    private static final int WS_BAD = 700;
    private static final int HTTP_BAD = 300;
    private static final int MAX_VALUE = 65_536;
    private static final String VOCAB = "_abcdefghijklmnopqrstuvwxyz";

    /** A fuzz record and what the contract says must happen to it: a dead-letter reason, or that many outputs. */
    private record Case(ProducerRecord<byte[], byte[]> record, String reason, int outputs) {
    }

    @Test
    void shouldDeadLetterOrAnswerEveryBadInputAndKeepGoodStreamsExact() throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "fuzz-");
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("app.data-dir", dataDir.toString(), "kafka.embedded-port", "0",
                "web.port", "0", "pipeline.echo.model", TestModels.echoFile().toString(), "trainer.models", "none",
                "app.instance-id", "fuzz"));
        Random rng = new Random(20261124);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < KAFKA_BAD; i++) cases.add(badRecord(i, rng));
        String[] good = new String[GOOD_STREAMS];
        List<ProducerRecord<byte[], byte[]>> goodRecords = new ArrayList<>();
        for (int s = 0; s < GOOD_STREAMS; s++) {
            StringBuilder sb = new StringBuilder();
            for (int t = 0; t < GOOD_LENGTH; t++) sb.append((char) ('a' + rng.nextInt(26)));
            good[s] = sb.toString();
        }
        for (int t = 0; t < GOOD_LENGTH; t++) {
            for (int s = 0; s < GOOD_STREAMS; s++) goodRecords.add(record("good-" + s, String.valueOf(good[s].charAt(t))));
        }

        try (ErrorLogCapture errors = ErrorLogCapture.open();
             Product product = Product.start(config, Map.of("echo", TestModels.echo()), new PrintStream(OutputStream.nullOutputStream()))) {
            String bootstrap = product.bootstrap();
            // Bad records are spread at random between the good ones; the good ones keep their order.
            List<ProducerRecord<byte[], byte[]>> mixed = new ArrayList<>(goodRecords);
            List<Case> shuffled = new ArrayList<>(cases);
            Collections.shuffle(shuffled, rng);
            for (Case c : shuffled) mixed.add(rng.nextInt(mixed.size() + 1), c.record);
            mixed = keepGoodOrder(mixed, goodRecords);
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
                for (ProducerRecord<byte[], byte[]> r : mixed) acks.add(producer.send(r));
                producer.flush();
                for (java.util.concurrent.Future<?> f : acks) f.get(30, TimeUnit.SECONDS);
            }

            String base = product.gateway().url();
            int wsErrors = webSocketFuzz(base, rng);
            int httpErrors = httpFuzz(base, rng);

            Map<String, Integer> expectedReasons = new TreeMap<>();
            int legalOutputs = 0;
            for (Case c : cases) {
                if (c.reason != null) expectedReasons.merge(c.reason, 1, Integer::sum);
                else legalOutputs += c.outputs;
            }
            int expectedDead = expectedReasons.values().stream().mapToInt(Integer::intValue).sum();
            int expectedOutputs = GOOD_STREAMS * GOOD_LENGTH + legalOutputs + 5; // + 5 from the WebSocket check

            Map<String, Integer> deadReasons = new TreeMap<>();
            try (OutputCollector dlq = new OutputCollector(bootstrap, config.app().dlqTopic())) {
                for (ConsumerRecord<byte[], byte[]> r : dlq.atLeast(expectedDead, Duration.ofMinutes(2))) {
                    deadReasons.merge(OutputCollector.header(r, DeadLetters.REASON), 1, Integer::sum);
                }
                dlq.drain(Duration.ofSeconds(2));
            }
            Map<String, List<String>> goodOut = new HashMap<>();
            int outputs;
            try (OutputCollector out = new OutputCollector(bootstrap, "outputs.echo")) {
                List<ConsumerRecord<byte[], byte[]>> all = out.atLeast(expectedOutputs, Duration.ofMinutes(2));
                all = out.drain(Duration.ofSeconds(2));
                outputs = all.size();
                for (ConsumerRecord<byte[], byte[]> r : all) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith("good-")) goodOut.computeIfAbsent(key, k -> new ArrayList<>()).add(EchoReference.blankTimestamp(r.value()));
                }
            }
            EchoReference reference = new EchoReference(ServedModel.of(TestModels.echo()), "echo");
            int wrong = 0;
            for (int s = 0; s < GOOD_STREAMS; s++) {
                List<String> texts = new ArrayList<>();
                for (char ch : good[s].toCharArray()) texts.add(String.valueOf(ch));
                if (!reference.outputs("good-" + s, texts).equals(goodOut.get("good-" + s))) wrong++;
            }
            Map<String, Integer> counted = new TreeMap<>();
            for (Counter c : product.registry().find("seqstream.dlq").counters()) {
                if (c.count() > 0) counted.put(c.getId().getTag("reason"), (int) c.count());
            }
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(0, wrong, wrong + " good streams' outputs differ from the reference run");
            assertEquals(expectedReasons, deadReasons, "dead letters per reason (" + expectedDead + " expected of " + KAFKA_BAD + " bad records)");
            assertEquals(expectedReasons, counted, "seqstream_dlq_total per reason");
            assertEquals(expectedOutputs, outputs, "outputs: good tokens + tokens of bad-looking records that are legal + the WebSocket check's");
            assertEquals(WS_BAD, wsErrors, "an error frame for every bad WebSocket message");
            assertEquals(HTTP_BAD, httpErrors, "a 4xx JSON error for every bad request");
            assertEquals(200, health.statusCode(), health.body());
            // The broker's own server-side loggers are left out: in the full suite the shared broker of other test
            // classes lives in this JVM too, and what it logs is not the product's. Printed, not asserted.
            List<String> productErrors = errors.events().stream().filter(e -> !isBrokerSide(e)).toList();
            errors.events().stream().filter(FuzzIT::isBrokerSide).forEach(e -> System.out.println("broker-side ERROR (not asserted): " + e));
            assertEquals(List.of(), productErrors, "nothing logged as ERROR by the product or its Kafka clients");
            System.out.printf(Locale.ROOT, "fuzz: %d Kafka records -> dead letters %s, %d legal tokens; %d WS errors, %d HTTP 4xx%n",
                    KAFKA_BAD, deadReasons, legalOutputs, wsErrors, httpErrors);
        }
    }

    /** An event of the broker's server code (kafka.*, org.apache.kafka.* other than the clients). */
    private static boolean isBrokerSide(String event) {
        String logger = event.substring(event.indexOf(' ') + 1, event.indexOf(" - "));
        return logger.startsWith("kafka.") || logger.startsWith("state.change")
                || (logger.startsWith("org.apache.kafka.") && !logger.startsWith("org.apache.kafka.clients."));
    }

    /** Puts the good records back in their original relative order, leaving the bad ones where they fell. */
    private static List<ProducerRecord<byte[], byte[]>> keepGoodOrder(List<ProducerRecord<byte[], byte[]>> mixed,
                                                                     List<ProducerRecord<byte[], byte[]>> good) {
        java.util.Set<ProducerRecord<byte[], byte[]>> goodSet = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        goodSet.addAll(good);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(mixed.size());
        int g = 0;
        for (ProducerRecord<byte[], byte[]> r : mixed) out.add(goodSet.contains(r) ? good.get(g++) : r);
        return out;
    }

    private static Case badRecord(int i, Random rng) {
        String key = "fz-" + i;
        switch (i % 9) {
            case 0, 1 -> { // random bytes, key and value
                byte[] k = bytes(rng, rng.nextInt(8) == 0 ? 257 + rng.nextInt(100) : rng.nextInt(12));
                byte[] v = bytes(rng, rng.nextInt(40));
                if (new String(k, StandardCharsets.ISO_8859_1).startsWith("good-")) k = new byte[0];
                return classify(new ProducerRecord<>("tokens.echo", k, v));
            }
            case 2 -> { // empty or missing key
                return classify(new ProducerRecord<>("tokens.echo", rng.nextBoolean() ? new byte[0] : null, utf8("abc")));
            }
            case 3 -> { // huge value: over the limit, or just under it with letters (legal: every letter an output)
                byte[] v = new byte[i % 90 == 3 ? MAX_VALUE + 1 + rng.nextInt(100_000) : 1 + rng.nextInt(3)];
                java.util.Arrays.fill(v, (byte) 'q');
                if (v.length > 3 && rng.nextBoolean()) v[rng.nextInt(v.length)] = (byte) 0xff;
                return classify(new ProducerRecord<>("tokens.echo", utf8(key), v));
            }
            case 4 -> { // garbage control header
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("tokens.echo", utf8(key), utf8("abc"));
                byte[] h = rng.nextInt(10) == 0 ? utf8(rng.nextBoolean() ? " reset" : "end\n") : bytes(rng, rng.nextInt(16));
                r.headers().add("seq.control", h);
                return classify(r);
            }
            case 5 -> { // garbage delay header (this model takes no parameter: any delay is bad)
                ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("tokens.echo", utf8(key), utf8("abc"));
                r.headers().add("seq.delay", rng.nextBoolean() ? utf8(String.valueOf(rng.nextInt(20) - 5)) : bytes(rng, rng.nextInt(8)));
                return classify(r);
            }
            case 6 -> { // random JSON as the text
                return classify(new ProducerRecord<>("tokens.echo", utf8(key), utf8(randomJson(rng, 3))));
            }
            case 7 -> { // random text: letters (legal), whitespace, upper case, digits, other scripts
                String alphabet = "abcXYZ \t\n_09é中\u212A";
                StringBuilder sb = new StringBuilder();
                int n = rng.nextInt(12);
                for (int j = 0; j < n; j++) sb.append(alphabet.charAt(rng.nextInt(alphabet.length())));
                return classify(new ProducerRecord<>("tokens.echo", utf8(key), utf8(sb.toString())));
            }
            default -> { // oversized key, or a key of control characters (legal: a key is any UTF-8 id)
                String k = rng.nextBoolean() ? "k".repeat(257 + rng.nextInt(50)) : "\u0001\u0002" + i;
                return classify(new ProducerRecord<>("tokens.echo", utf8(k), utf8("ab")));
            }
        }
    }

    /** The contract's rules, in the README's order: key, value size, control, delay, value text and tokens. */
    private static Case classify(ProducerRecord<byte[], byte[]> r) {
        byte[] k = r.key();
        if (k == null || k.length == 0) return new Case(r, "missing-key", 0);
        if (k.length > 256) return new Case(r, "oversized-key", 0);
        if (!isUtf8(k)) return new Case(r, "undecodable", 0);
        byte[] v = r.value();
        if (v != null && v.length > MAX_VALUE) return new Case(r, "oversized-value", 0);
        var control = r.headers().lastHeader("seq.control");
        if (control != null) {
            String c = new String(control.value(), StandardCharsets.UTF_8).trim();
            if (!c.equals("reset") && !c.equals("end")) return new Case(r, "bad-control", 0);
        }
        if (r.headers().lastHeader("seq.delay") != null) return new Case(r, "bad-parameter", 0);
        if (v == null || v.length == 0) return new Case(r, null, 0);
        if (!isUtf8(v)) return new Case(r, "undecodable", 0);
        String text = new String(v, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        int tokens = 0;
        for (int cp : text.codePoints().toArray()) {
            if (" \t\r\n".indexOf(cp) >= 0) continue;
            if (cp > 0xffff || VOCAB.indexOf(cp) < 0) return new Case(r, "unknown-token", 0);
            tokens++;
        }
        return new Case(r, null, tokens);
    }

    private static int webSocketFuzz(String base, Random rng) throws Exception {
        LinkedBlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "ws"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            frames.add(partial.toString());
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < WS_BAD; i++) ws.sendText(badWsMessage(i, rng), true).get(10, TimeUnit.SECONDS);
        int errors = 0;
        for (int i = 0; i < WS_BAD; i++) {
            String f = frames.poll(30, TimeUnit.SECONDS);
            if (f == null) break;
            if (JSON.readTree(f).has("error")) errors++;
        }
        // Still usable: subscribe to a stream, send to it, and see its outputs.
        ws.sendText("{\"subscribe\":{\"pipeline\":\"echo\",\"stream\":\"ws-ok\"}}", true).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"send\":{\"pipeline\":\"echo\",\"stream\":\"ws-ok\",\"text\":\"abcde\"}}", true).get(10, TimeUnit.SECONDS);
        int outputs = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (outputs < 5 && System.nanoTime() < deadline) {
            String f = frames.poll(1, TimeUnit.SECONDS);
            if (f == null) continue;
            if (JSON.readTree(f).has("error")) errors++;
            else if (OutputRecord.parse(f).stream().equals("ws-ok")) outputs++;
        }
        assertEquals(5, outputs, "the connection still works after the garbage");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        return errors;
    }

    /** A WebSocket message that is wrong by construction (each kind the protocol answers with an error). */
    private static String badWsMessage(int i, Random rng) {
        return switch (i % 10) {
            case 0 -> new String(bytes(rng, 1 + rng.nextInt(30)), StandardCharsets.ISO_8859_1).replace('{', '(');
            case 1 -> "[" + randomJson(rng, 2) + "]";
            case 2 -> "{}";
            case 3 -> "{\"subscribe\":{\"pipeline\":\"echo\"},\"send\":" + randomJson(rng, 2) + "}";
            case 4 -> "{\"x" + rng.nextInt(1000) + "\":{}}";
            case 5 -> "{\"subscribe\":" + (rng.nextBoolean() ? "42" : "\"echo\"") + "}";
            case 6 -> "{\"subscribe\":{\"pipeline\":\"nope-" + rng.nextInt(100) + "\"}}";
            case 7 -> "{\"send\":{\"pipeline\":\"echo\",\"stream\":\"x\"}}";
            case 8 -> "{\"send\":{\"pipeline\":\"echo\",\"stream\":\"\",\"text\":\"abc\"}}";
            default -> "{\"send\":{\"pipeline\":\"echo\",\"stream\":\"x\",\"text\":\"" + "a".repeat(MAX_VALUE + 1) + "\"}}";
        };
    }

    private static int httpFuzz(String base, Random rng) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        int errors = 0;
        for (int i = 0; i < HTTP_BAD; i++) {
            HttpRequest.Builder b = switch (i % 6) {
                case 0 -> post(base + "api/pipelines/nope" + rng.nextInt(100) + "/streams/s", randomJson(rng, 2));
                case 1 -> post(base + "api/pipelines/echo/streams/s" + i, "");
                case 2 -> post(base + "api/pipelines/echo/streams/" + "k".repeat(300), "abc");
                case 3 -> HttpRequest.newBuilder(URI.create(base + "api/x" + rng.nextInt(1000))).GET();
                case 4 -> post(base + "api/models/m" + rng.nextInt(100) + "/sample", randomJson(rng, 2));
                default -> post(base + "api/pipelines/echo/streams/s" + i, "a".repeat(MAX_VALUE + 1));
            };
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 400 && r.statusCode() < 500 && JSON.readTree(r.body()).has("error")) errors++;
        }
        return errors;
    }

    private static HttpRequest.Builder post(String uri, String body) {
        return HttpRequest.newBuilder(URI.create(uri)).POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static String randomJson(Random rng, int depth) {
        int kind = depth == 0 ? rng.nextInt(4) : rng.nextInt(6);
        return switch (kind) {
            case 0 -> String.valueOf(rng.nextInt());
            case 1 -> "\"" + Integer.toString(rng.nextInt(1 << 20), 36) + "\"";
            case 2 -> rng.nextBoolean() ? "true" : "null";
            case 3 -> String.valueOf(rng.nextDouble());
            case 4 -> "[" + randomJson(rng, depth - 1) + "," + randomJson(rng, depth - 1) + "]";
            default -> "{\"" + Integer.toString(rng.nextInt(1000), 36) + "\":" + randomJson(rng, depth - 1) + "}";
        };
    }

    private static boolean isUtf8(byte[] b) {
        try {
            CharBuffer ignored = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static byte[] bytes(Random rng, int n) {
        byte[] b = new byte[n];
        rng.nextBytes(b);
        return b;
    }

    private static byte[] utf8(String s) { return s.getBytes(StandardCharsets.UTF_8); }

    private static ProducerRecord<byte[], byte[]> record(String key, String value) {
        return new ProducerRecord<>("tokens.echo", utf8(key), utf8(value));
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(1 << 20));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
