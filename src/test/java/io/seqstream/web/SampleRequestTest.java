package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class SampleRequestTest {
    @Test
    void shouldFillDefaultsForAnEmptyBody() {
        SampleRequest r = SampleRequest.from(new JsonObject());
        assertEquals("", r.seed());
        assertEquals(1.0, r.temperature());
        assertEquals(200, r.max());
        assertEquals(1, r.n());
    }

    @Test
    void shouldReadEveryField() {
        SampleRequest r = SampleRequest.from(new JsonObject("{\"seed\":\"ROMEO:\",\"temperature\":0,\"max\":5,\"n\":3,\"rng\":7}"));
        assertEquals(new SampleRequest("ROMEO:", 0, 5, 3, 7), r);
    }

    @Test
    void shouldNameTheBadField() {
        String[][] bad = {
                {"{\"seed\":1}", "seed"}, {"{\"temperature\":-1}", "temperature"}, {"{\"temperature\":\"hot\"}", "temperature"},
                {"{\"max\":2001}", "max"}, {"{\"max\":1.5}", "max"}, {"{\"n\":0}", "n"}, {"{\"n\":21}", "n"}, {"{\"rng\":0.5}", "rng"}};
        for (String[] b : bad) {
            var e = assertThrows(IllegalArgumentException.class, () -> SampleRequest.from(new JsonObject(b[0])), b[0]);
            assertTrue(e.getMessage().startsWith(b[1] + " "), b[0] + ": " + e.getMessage());
        }
    }
}
