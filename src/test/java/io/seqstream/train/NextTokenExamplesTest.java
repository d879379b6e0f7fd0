package io.seqstream.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.seqstream.model.SequenceBatch;
import org.junit.jupiter.api.Test;

class NextTokenExamplesTest {

    @Test
    void shouldShiftAWindowByOne() {
        SequenceBatch.Example e = NextTokenExamples.fromWindow(new int[]{0, 5, 6, 7, 1});
        assertArrayEquals(new int[]{0, 5, 6, 7}, e.inputs());
        assertArrayEquals(new int[]{5, 6, 7, 1}, e.targets());
        assertEquals(-1, e.param());
        assertArrayEquals(new int[]{3}, NextTokenExamples.fromWindow(new int[]{2, 3}).targets());
        assertThrows(IllegalArgumentException.class, () -> NextTokenExamples.fromWindow(new int[]{4}));
    }
}
