package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.app.Product;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.Network;
import io.seqstream.model.Sampler;
import io.seqstream.model.SequenceBatch;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.testing.TestModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A next-token pipeline against the real embedded broker: each character's output is the model's own offline
 * forward pass over the start token and the stream so far (most likely next character, its probability, the
 * top 5), in order per stream; unknown characters are dead-lettered. And the sampling endpoint of the gateway.
 */
@ExtendWith(SharedKafka.class)
class NextPipelineIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldAnswerEveryCharacterWithTheOfflineForwardPassAndDeadLetterUnknownOnes() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        ModelSnapshot model = TestModels.next();
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("pipelines", "next-it", "pipeline.next-it.model",
                TestModels.nextFile().toString(), "app.instance-id", "it"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        // Streams written in several records each, interleaved, one with an unknown character in between.
        Map<String, List<String>> chunks = new LinkedHashMap<>();
        chunks.put("a", List.of("sabc", "!abc!", "s"));
        chunks.put("b", List.of("s", "uvw!u", "vw!", "klm!s"));
        chunks.put("c", List.of("sklm!", "klm", "!klm!s ss"));
        ServingMeters meters = Pipelines.meters(p.name());
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 1, meters, model);
        Map<String, StringBuilder> sent = new LinkedHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            for (int i = 0; i < 4; i++) {
                for (var e : chunks.entrySet()) {
                    if (i >= e.getValue().size()) continue;
                    producer.send(Pipelines.record(p.inputTopic(), e.getKey(), e.getValue().get(i)));
                    sent.computeIfAbsent(e.getKey(), k -> new StringBuilder()).append(e.getValue().get(i));
                    if (i == 1 && e.getKey().equals("a")) producer.send(Pipelines.record(p.inputTopic(), "a", "sxs"));
                }
                producer.flush();
            }
        }
        int total = sent.values().stream().mapToInt(sb -> sb.toString().replace(" ", "").length()).sum();
        List<ConsumerRecord<byte[], byte[]>> out;
        List<ConsumerRecord<byte[], byte[]>> dead;
        try (OutputCollector o = new OutputCollector(bootstrap, p.outputTopic());
             OutputCollector d = new OutputCollector(bootstrap, config.app().dlqTopic())) {
            o.atLeast(total, Duration.ofMinutes(1));
            dead = d.until(r -> r.stream().anyMatch(x -> p.inputTopic().equals(OutputCollector.header(x, "seq.dlq.topic"))),
                    Duration.ofMinutes(1));
            out = o.drain(Duration.ofSeconds(1));
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        assertEquals(total, out.size(), "one output per character (whitespace skipped), the unknown record none");
        ConsumerRecord<byte[], byte[]> letter = dead.stream().filter(x -> p.inputTopic().equals(OutputCollector.header(x, "seq.dlq.topic")))
                .findFirst().orElseThrow();
        assertEquals("unknown-token", OutputCollector.header(letter, "seq.dlq.reason"));
        assertEquals("sxs", new String(letter.value(), StandardCharsets.UTF_8));

        Map<String, List<OutputRecord>> byStream = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            OutputRecord n = OutputCollector.output(r);
            byStream.computeIfAbsent(n.stream(), k -> new ArrayList<>()).add(n);
        }
        NextVocabulary vocabulary = NextVocabulary.of(model.metadata());
        Network net = new Network(model.metadata().spec());
        for (var e : sent.entrySet()) {
            String text = e.getValue().toString().replace(" ", "");
            List<OutputRecord> got = byStream.get(e.getKey());
            assertEquals(text.length(), got.size(), "stream " + e.getKey());
            int[] ids = vocabulary.startThen(text);
            float[][] offline = net.predict(model.parameters(), new SequenceBatch(new int[][]{ids}, new int[]{ids.length}, null,
                    new int[][]{new int[ids.length]}))[0];
            for (int t = 0; t < text.length(); t++) {
                OutputRecord n = got.get(t);
                String where = "stream " + e.getKey() + " pos " + t + ": " + n;
                assertEquals(t, (int) n.pos(), where);
                assertEquals(String.valueOf(text.charAt(t)), n.in(), where);
                // The output after character t is the forward pass's step t+1 (step 0 reads the start token).
                float[] expected = offline[t + 1];
                int best = 0;
                for (int j = 1; j < expected.length; j++) if (expected[j] > expected[best]) best = j;
                assertEquals(vocabulary.symbols().get(best), n.out(), where);
                assertEquals(expected[best], n.p(), 1e-5, where);
                List<OutputRecord.Top> top = n.top();
                assertEquals(5, top.size(), where);
                double sum = 0;
                double previous = 1;
                for (OutputRecord.Top pair : top) {
                    double q = pair.p();
                    assertTrue(q <= previous + 1e-9, "top 5 in falling order: " + where);
                    assertEquals(expected[vocabulary.symbols().indexOf(pair.symbol())], q, 1e-5, where);
                    previous = q;
                    sum += q;
                }
                assertTrue(sum <= 1 + 1e-5, "top-5 probabilities sum to at most 1: " + where);
                assertEquals(n.out(), top.get(0).symbol(), where);
                assertEquals("next-ndfa", n.model());
            }
        }
        assertEquals(1.0, meters.deadLetterCount("unknown-token"));
    }

    @Test
    void shouldStartAResetStreamFromTheStartTokenAgain() throws Exception {
        String bootstrap = SharedKafka.bootstrap();
        ModelSnapshot model = TestModels.next();
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("pipelines", "next-reset", "pipeline.next-reset.model",
                TestModels.nextFile().toString(), "app.instance-id", "it"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 1);
        List<PipelineProcessor> processors = Pipelines.start(bootstrap, config, 1, Pipelines.meters(p.name()), model);
        try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
            producer.send(Pipelines.record(p.inputTopic(), "r", "sklm!"));
            var reset = Pipelines.record(p.inputTopic(), "r", "suv");
            reset.headers().add(InputDecoder.CONTROL_HEADER, "reset".getBytes(StandardCharsets.UTF_8));
            producer.send(reset);
            producer.flush();
        }
        List<ConsumerRecord<byte[], byte[]>> out;
        try (OutputCollector o = new OutputCollector(bootstrap, p.outputTopic())) {
            o.atLeast(8, Duration.ofMinutes(1));
            out = o.drain(Duration.ofSeconds(1));
        } finally {
            processors.forEach(PipelineProcessor::close);
        }
        assertEquals(8, out.size());
        NextVocabulary vocabulary = NextVocabulary.of(model.metadata());
        Network net = new Network(model.metadata().spec());
        String[] parts = {"sklm!", "suv"};
        int i = 0;
        for (String part : parts) {
            int[] ids = vocabulary.startThen(part);
            float[][] offline = net.predict(model.parameters(), new SequenceBatch(new int[][]{ids}, new int[]{ids.length}, null,
                    new int[][]{new int[ids.length]}))[0];
            for (int t = 0; t < part.length(); t++, i++) {
                OutputRecord n = OutputCollector.output(out.get(i));
                assertEquals(t, (int) n.pos(), "positions restart after the reset: " + n);
                int best = 0;
                for (int j = 1; j < offline[t + 1].length; j++) if (offline[t + 1][j] > offline[t + 1][best]) best = j;
                assertEquals(vocabulary.symbols().get(best), n.out(), n.toString());
                assertEquals(offline[t + 1][best], n.p(), 1e-5, n.toString());
            }
        }
    }

    @Test
    void shouldSampleFromTheServedModelOverHttpAndRefuseBadRequests() throws Exception {
        ModelSnapshot model = TestModels.next();
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("kafka.bootstrap", SharedKafka.bootstrap(), "web.port", "0",
                "pipelines", "next-web", "pipeline.next-web.model", TestModels.nextFile().toString(), "trainer.models", "none",
                "app.instance-id", "next-web"));
        Pipelines.createTopics(SharedKafka.bootstrap(), config, 2);
        try (Product product = Product.start(config, Map.of("next-web", model), new PrintStream(OutputStream.nullOutputStream()))) {
            int port = product.gateway().port();
            HttpResponse<String> r = post(port, "next-ndfa", "{\"seed\":\"sab\",\"temperature\":0,\"max\":30,\"n\":2}");
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = JSON.readTree(r.body());
            NextVocabulary vocabulary = NextVocabulary.of(model.metadata());
            Sampler.Sample greedy = new Sampler(model.parameters()).sample(vocabulary.startThen("sab"), 1, 0, 30,
                    NextVocabulary.END_ID, new Random(1)).get(0);
            assertEquals(2, body.get("samples").size());
            for (JsonNode s : body.get("samples")) {
                assertEquals("sab" + vocabulary.decode(greedy.ids()), s.get("text").asText(), "temperature 0 is the argmax path");
                assertEquals(greedy.ended(), s.get("ended").asBoolean());
            }
            String sameRng = "{\"seed\":\"\",\"temperature\":1.0,\"max\":40,\"rng\":7}";
            assertEquals(JSON.readTree(post(port, "next-ndfa", sameRng).body()).get("samples"),
                    JSON.readTree(post(port, "next-ndfa", sameRng).body()).get("samples"), "the same rng draws the same text");

            assertError(post(port, "next-ndfa", "{\"temperature\":-1}"), 400, "temperature");
            assertError(post(port, "next-ndfa", "{\"temperature\":\"hot\"}"), 400, "temperature");
            assertError(post(port, "next-ndfa", "{\"max\":100000}"), 400, "max");
            assertError(post(port, "next-ndfa", "{\"max\":2.5}"), 400, "max");
            assertError(post(port, "next-ndfa", "{\"seed\":\"sxq\"}"), 400, "unknown token");
            assertError(post(port, "next-ndfa", "{\"seed\":5}"), 400, "seed");
            assertError(post(port, "next-ndfa", "not json"), 400, "JSON object");
            assertError(post(port, "nope", "{}"), 404, "unknown model");
        }
    }

    private static HttpResponse<String> post(int port, String model, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/models/" + model + "/sample"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> r, int status, String contains) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        String error = JSON.readTree(r.body()).get("error").asText();
        assertTrue(error.contains(contains), "error '" + error + "' should mention " + contains);
    }
}
