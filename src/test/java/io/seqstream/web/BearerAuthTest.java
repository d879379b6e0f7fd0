package io.seqstream.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BearerAuthTest {
    @Test
    void shouldLetEverythingWriteWhenNoTokenIsSet() {
        assertTrue(new BearerAuth("").matches(null));
        assertTrue(new BearerAuth(null).matches("anything"));
    }

    @Test
    void shouldAcceptOnlyTheExactTokenWhenOneIsSet() {
        BearerAuth auth = new BearerAuth("s3cret");
        assertTrue(auth.matches("s3cret"));
        assertFalse(auth.matches(null));
        assertFalse(auth.matches(""));
        assertFalse(auth.matches("s3cre"));
        assertFalse(auth.matches("s3cret "));
        assertFalse(auth.matches("S3CRET"));
    }
}
