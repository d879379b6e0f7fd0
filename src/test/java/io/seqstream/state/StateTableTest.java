package io.seqstream.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateTableTest {

    @Test
    void shouldCreateZeroStateAtPositionZero() {
        StateTable t = new StateTable(3, 1);
        int s = t.slotForUpdate("a", 0, 1);
        assertEquals(0, t.position(s));
        assertEquals(-1, t.param(s));
        assertArrayEquals(new float[3], t.snapshot(s).values());
    }

    @Test
    void shouldGrowKeepingEveryStreamsRow() {
        StateTable t = new StateTable(2, 1);
        for (int i = 0; i < 100; i++) {
            int s = t.slotForUpdate("s" + i, 0, 1);
            t.matrix()[s * 2] = i;
        }
        t.commit();
        for (int i = 0; i < 100; i++) assertEquals(i, t.matrix()[t.slot("s" + i) * 2]);
    }

    @Test
    void shouldRollBackEveryChangeOnAbort() {
        StateTable t = new StateTable(2, 4);
        int a = t.slotForUpdate("a", 1, 1);
        t.matrix()[a * 2] = 5f;
        t.setPosition(a, 7);
        t.commit();

        a = t.slotForUpdate("a", 1, 2);
        t.matrix()[a * 2] = 9f;
        t.setPosition(a, 8);
        t.slotForUpdate("new", 1, 2);
        t.end("a", 1);
        t.abort();

        int back = t.slot("a");
        assertEquals(5f, t.matrix()[back * 2]);
        assertEquals(7, t.position(back));
        assertEquals(-1, t.slot("new"));
        assertEquals(1, t.size());
    }

    @Test
    void shouldReportTouchedStreamsAndEndedOnesAsAbsent() {
        StateTable t = new StateTable(1, 4);
        t.slotForUpdate("a", 0, 1);
        t.slotForUpdate("b", 0, 1);
        t.commit();
        t.slotForUpdate("b", 0, 2);
        t.end("a", 0);
        assertEquals(List.of("b", "a"), t.touched());
        assertEquals(-1, t.slot("a"));
    }

    @Test
    void shouldKeepEvictedStreamsLocationInTheColdIndex() {
        StateTable t = new StateTable(1, 4);
        t.slotForUpdate("old", 3, 1);
        t.slotForUpdate("fresh", 2, 100);
        t.setChangelogOffset("old", 42);
        t.commit();
        assertEquals(1, t.evictIdleBefore(50));
        assertEquals(-1, t.slot("old"));
        long loc = t.coldLocation("old");
        assertEquals(3, StateTable.packedPartition(loc));
        assertEquals(42, StateTable.packedOffset(loc));
        t.restore("old", 3, new StreamState(4, -1, 1, new float[]{2f}), 43, 200);
        assertEquals(-1, t.coldLocation("old"));
        assertEquals(4, t.position(t.slot("old")));
    }

    @Test
    void shouldDropRevokedPartitionsIncludingColdEntries() {
        StateTable t = new StateTable(1, 4);
        t.slotForUpdate("p0", 0, 1);
        t.slotForUpdate("p1", 1, 1);
        t.setChangelogOffset("p1", 3);
        t.commit();
        t.evictIdleBefore(2);
        t.slotForUpdate("p1b", 1, 5);
        t.commit();
        t.dropPartitions(Set.of(1));
        assertEquals(-1, t.slot("p1b"));
        assertEquals(-1, t.coldLocation("p1"));
    }

    @Test
    void shouldRoundTripStateRecordsBitForBit() {
        float[] v = {1.5f, -0f, Float.MIN_VALUE, 0.1f};
        StreamState back = StateRecordCodec.decode(StateRecordCodec.encode(new StreamState(12, 3, 7, v)));
        assertEquals(12, back.position());
        assertEquals(3, back.param());
        assertEquals(7, back.modelVersion());
        for (int i = 0; i < v.length; i++) assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back.values()[i]));
    }

    @Test
    void shouldRejectForeignStateRecords() {
        assertThrows(IllegalArgumentException.class, () -> StateRecordCodec.decode(new byte[]{9, 9}));
        assertThrows(IllegalArgumentException.class, () -> StateRecordCodec.decode(new byte[30]));
    }

    @Test
    void shouldGiveMemoryBackAfterEvictingMostStreamsKeepingTheRest() {
        StateTable t = new StateTable(2, 16);
        for (int i = 0; i < 1000; i++) {
            int s = t.slotForUpdate("s" + i, i % 3, i < 10 ? 100 : 1);
            t.matrix()[s * 2 + 1] = i;
            t.setPosition(s, i);
            t.setChangelogOffset("s" + i, i);
        }
        t.commit();
        assertEquals(1024, t.capacity());
        assertEquals(990, t.evictIdleBefore(50));
        assertEquals(32, t.capacity(), "10 live rows of 1024: the arrays shrink");
        assertEquals(990, t.coldSize());
        for (int i = 0; i < 10; i++) {
            int s = t.slot("s" + i);
            assertEquals(i, t.matrix()[s * 2 + 1]);
            assertEquals(i, t.position(s));
            assertEquals(i % 3, t.partition(s));
        }
        for (int i = 10; i < 100; i++) t.slotForUpdate("n" + i, 0, 200);
        t.commit();
        assertEquals(100, t.size());
        for (int i = 0; i < 10; i++) assertEquals(i, t.matrix()[t.slot("s" + i) * 2 + 1], "survivors keep their rows' values after growing again");
    }
}
