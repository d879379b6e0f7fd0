package io.seqstream.train.next;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NdfaAcceptorTest {

    @Test
    void shouldAcceptTheLanguage() {
        for (String s : new String[]{"ss", "sabc!s", "suvw!s", "sklm!s", "sabc!abc!abc!s", "sklm!klm!s"}) {
            assertTrue(NdfaAcceptor.accepts(s), s);
            assertTrue(NdfaAcceptor.acceptsAnyWords(s), s);
        }
    }

    @Test
    void shouldRejectEverythingElse() {
        String[] bad = {
            "", "s", "sss", "abc!", "sabc!", "abc!s", "sabc!ss", "ssabc!s",
            "sabcs", "sab!s", "sabc!abs", "sabc!ab", "sabd!s", "sacb!s", "sabc?s", "sabc!abc!abc!",
            "s abc! s", "Sabc!s", "sabc!abc!abc", "suvw!uvws", "sxyz!s", "sabc!abc!klms", "sabc!abc!s ",
        };
        for (String s : bad) {
            assertFalse(NdfaAcceptor.accepts(s), "'" + s + "'");
            assertFalse(NdfaAcceptor.acceptsAnyWords(s), "'" + s + "'");
        }
    }

    @Test
    void shouldRequireTheSameWordEveryTimeButTheLooseCheckShouldNot() {
        for (String s : new String[]{"sabc!uvw!s", "sklm!klm!abc!s", "suvw!abc!uvw!s"}) {
            assertFalse(NdfaAcceptor.accepts(s), s);
            assertTrue(NdfaAcceptor.acceptsAnyWords(s), s);
        }
    }

    @Test
    void shouldAcceptEveryGeneratedStringWithGeometricRepetitions() {
        Language ndfa = Language.named("ndfa");
        Random rng = new Random(2);
        int n = 20_000;
        long zero = 0, words = 0;
        for (int i = 0; i < n; i++) {
            String s = ndfa.generate(rng);
            assertTrue(ndfa.accepts(s), s);
            int k = (s.length() - 2) / 4;
            if (k == 0) zero++;
            words += k;
        }
        assertEquals(0.25, (double) zero / n, 0.015, "P(k = 0) = stop probability 1/4");
        assertEquals(3.0, (double) words / n, 0.1, "mean k = (3/4) / (1/4)");
    }
}
