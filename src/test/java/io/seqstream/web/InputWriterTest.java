package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.seqstream.config.SeqstreamConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks that REST POST and WebSocket send share before anything is written. */
class InputWriterTest {
    private final SeqstreamConfig.Pipeline echo = SeqstreamConfig.of(Map.of("pipeline.echo.max-value-bytes", "8")).pipeline("echo");

    @Test
    void shouldAcceptAStreamIdAndTextWithinTheLimits() {
        assertNull(InputWriter.check(echo, "me", "hello"));
        assertNull(InputWriter.check(echo, "x".repeat(256), "12345678"));
    }

    @Test
    void shouldSayWhatIsWrong() {
        assertEquals("missing stream id", InputWriter.check(echo, "", "a"));
        assertEquals("missing stream id", InputWriter.check(echo, null, "a"));
        assertEquals("stream id longer than 256 bytes", InputWriter.check(echo, "x".repeat(257), "a"));
        assertEquals("stream id contains a control character", InputWriter.check(echo, "a\nb", "a"));
        assertEquals("empty text", InputWriter.check(echo, "me", ""));
        assertEquals("text too large: 9 bytes (pipeline echo takes at most 8)", InputWriter.check(echo, "me", "123456789"));
        assertEquals("text too large: 10 bytes (pipeline echo takes at most 8)", InputWriter.check(echo, "me", "\u00e9\u00e9\u00e9\u00e9\u00e9"));
    }
}
