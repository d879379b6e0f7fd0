package io.seqstream.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.testing.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away for 10 s in the middle of a run and comes back on the same port and data: two processor
 * instances (JVMs of their own) recover by themselves, nothing is lost or doubled, outputs equal the reference
 * run's, and both instances' /health answer 503 (broker not reachable) during the outage and 200 again after. Sizes: 1000 streams x 20 letters, a round every 1.25 s.
 */
class BrokerRestartIT {
    private static final int STREAMS = 1000;
    private static final int LENGTH = 20;

    @Test
    void shouldRecoverByItselfFromABrokerRestartWithNothingLostOrDoubled() throws Exception {
        try (FaultHarness h = new FaultHarness("broker-restart")) {
            ChildJvm a = h.instance("br-a");
            ChildJvm b = h.instance("br-b");
            for (ChildJvm i : List.of(a, b)) i.start();
            for (ChildJvm i : List.of(a, b)) i.awaitReady(Duration.ofMinutes(2));
            int port = h.kafka.port();
            try (FaultHarness.Feed feed = new FaultHarness.Feed(h.kafka.bootstrapServers(), STREAMS, LENGTH,
                    Duration.ofMillis(1250), 9).start()) {
                feed.awaitRounds(5);
                h.kafka.stop();
                long stopped = System.nanoTime();
                // While the broker is away, health says so (503, broker not ok) instead of pretending.
                HttpResponse<String> down = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(a.webUrl() + "health"))
                        .timeout(Duration.ofSeconds(8)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, down.statusCode(), down.body());
                assertTrue(down.body().contains("\"ok\":false"), down.body());
                Thread.sleep(Math.max(0, 10_000 - (System.nanoTime() - stopped) / 1_000_000));
                h.kafka.restart();
                assertEquals(port, h.kafka.port(), "the broker came back on the same port");
                assertTrue(feed.rounds.get() < LENGTH, "the broker came back while the feed was still going");
                feed.await(Duration.ofMinutes(3));
                h.verify(feed, Duration.ofMinutes(4));
            }
            assertTrue(a.alive() && b.alive(), "both instances survived the outage without a restart");
            h.assertNoErrorsLogged();
            HttpClient http = HttpClient.newHttpClient();
            for (ChildJvm i : List.of(a, b)) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(i.webUrl() + "health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), "health of " + i.webUrl() + ": " + r.body());
                assertTrue(r.body().contains("\"ok\":true"), r.body());
            }
        }
    }
}
