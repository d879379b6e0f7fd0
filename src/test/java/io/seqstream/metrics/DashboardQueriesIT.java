package io.seqstream.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seqstream.app.DemoFeed;
import io.seqstream.app.Product;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpec;
import io.seqstream.testing.LiveProduct;
import io.seqstream.testing.SharedKafka;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every PromQL expression of the Grafana dashboards, evaluated by a real Prometheus (Debian's) scraping the running
 * product while the demo feed and the trainer run: each must be valid and return at least one series. Skipped when
 * the prometheus binary is missing ({@code ./seqstream test} installs it).
 */
@ExtendWith(SharedKafka.class)
class DashboardQueriesIT {
    private static final Path DASHBOARDS = Path.of("grafana", "dashboards");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldAnswerEveryDashboardQueryWithSeriesWhileTheProductServesAndTrains() throws Exception {
        String prometheus = onPath("prometheus");
        assumeTrue(prometheus != null, "dashboard query test skipped: install Debian package prometheus (./seqstream test installs it)");
        Map<String, String> queries = dashboardQueries();
        assertTrue(queries.size() >= 30, "the dashboards hold their queries: " + queries.size());

        SeqstreamConfig config = LiveProduct.config(Map.of("app.name", "dash", "app.instance-id", "dash",
                "pipeline.echo.input-topic", "tokens.echo-dash", "pipeline.echo.output-topic", "outputs.echo-dash",
                "trainer.models", "echo", "trainer.echo.publish-every", "20"));
        SeqstreamConfig.Pipeline p = config.pipeline("echo");
        TopicAdmin.ensure(SharedKafka.bootstrap(), List.of(new TopicSpec(p.inputTopic(), 4, 1, Map.of()),
                new TopicSpec(p.outputTopic(), 4, 1, Map.of())));
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "prometheus-");
        try (Product product = LiveProduct.start(config);
             DemoFeed demo = new DemoFeed(product.bootstrap(), p.inputTopic(), List.of("alice", "bob", "carol"), 20).start()) {
            int port = freePort();
            Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: seqstream
                        metrics_path: /metrics
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(product.gateway().port()));
            Process server = new ProcessBuilder(prometheus, "--config.file=" + dir.resolve("prometheus.yml"),
                    "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("tsdb"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + port;
                Map<String, String> problems = new LinkedHashMap<>();
                // Rates need two scrapes with traffic, GC pauses a collection, training meters a published version:
                // evaluate until every query answers, or report the ones that never did.
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                do {
                    Thread.sleep(2000);
                    problems.clear();
                    for (Map.Entry<String, String> q : queries.entrySet()) {
                        String problem = evaluate(api, q.getValue());
                        if (problem != null) problems.put(q.getKey(), problem);
                    }
                } while (!problems.isEmpty() && System.nanoTime() < deadline && server.isAlive());
                StringBuilder report = new StringBuilder();
                problems.forEach((where, problem) -> report.append("\n  ").append(where).append(": ").append(problem));
                assertTrue(problems.isEmpty(), problems.size() + " of " + queries.size() + " dashboard queries failed:" + report);
            } finally {
                server.destroy();
                server.waitFor();
            }
        }
    }

    /** Null when the query is valid and returns at least one series; otherwise what went wrong. */
    private String evaluate(String api, String promql) throws IOException, InterruptedException {
        URI uri = URI.create(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return "Prometheus not answering (" + e.getMessage() + ")";
        }
        JsonNode body = JSON.readTree(r.body());
        if (!"success".equals(body.path("status").asText())) return "invalid: " + body.path("error").asText(r.body());
        if (body.path("data").path("result").isEmpty()) return "no series";
        return null;
    }

    /**
     * Each panel target's expression and each template variable's label_values() query (as the count of the
     * metric by that label), with Grafana's variables replaced by what Grafana would send: match-all for the
     * template variables, a 30 s window for $__rate_interval.
     */
    static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(DASHBOARDS)) {
            files = s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        for (Path f : files) {
            JsonNode d = JSON.readTree(f.toFile());
            for (JsonNode v : d.path("templating").path("list")) {
                String q = v.path("query").isTextual() ? v.path("query").asText() : v.path("query").path("query").asText();
                Matcher m = LABEL_VALUES.matcher(q);
                if (m.matches()) out.put(f.getFileName() + " variable " + v.path("name").asText(), "count by (" + m.group(2) + ") (" + grafana(m.group(1)) + ")");
            }
            List<JsonNode> panels = new ArrayList<>();
            d.path("panels").forEach(panels::add);
            for (int i = 0; i < panels.size(); i++) {
                JsonNode panel = panels.get(i);
                panel.path("panels").forEach(panels::add);
                for (JsonNode t : panel.path("targets")) {
                    if (t.hasNonNull("expr")) {
                        out.put(f.getFileName() + " '" + panel.path("title").asText() + "' " + t.path("refId").asText(), grafana(t.get("expr").asText()));
                    }
                }
            }
        }
        return out;
    }

    private static String grafana(String expr) {
        return expr.replaceAll("\\$\\{?__rate_interval}?", "30s").replaceAll("\\$\\{?__interval}?", "15s")
                .replaceAll("\\$\\{?(pipeline|model|instance)}?", ".*");
    }

    private static String onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
