package io.seqstream.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    private static final ModelSpec GRU = ModelSpec.oneHot(CellType.GRU, 3, 8, 8);
    private static final CheckpointFile.Shape SHAPE = CheckpointFile.Shape.of(GRU, 3);
    private static final CheckpointFile.Source SOURCE = new CheckpointFile.Source("app.p.state", "id-1", 2);

    @TempDir
    Path dir;

    /** Streams a..e in partition 2 (c and d evicted), x in partition 5; a tombstoned stream leaves nothing. */
    private static StateTable table() {
        StateTable t = new StateTable(3, 2);
        String[] ids = {"a", "b", "c", "d", "e"};
        for (int i = 0; i < ids.length; i++) {
            t.restore(ids[i], 2, new StreamState(i + 1, i - 1, 7, new float[]{i, -i, 0.5f * i}), 10 + i, 100);
        }
        t.restore("x", 5, new StreamState(9, -1, 7, new float[]{9, 9, 9}), 99, 100);
        for (String held : List.of("a", "b", "e", "x")) t.slotForUpdate(held, 2, 200);
        t.commit();
        t.evictIdleBefore(150);
        t.restore("ended", 2, new StreamState(1, -1, 7, new float[3]), 20, 300);
        t.forget("ended");
        return t;
    }

    private Path written(StateTable t) throws Exception {
        PartitionSnapshot s = t.copyPartitions(List.of(2)).get(2);
        Path file = dir.resolve("state-2.ckpt");
        CheckpointFile.write(file, SOURCE, SHAPE, s, System.currentTimeMillis());
        return file;
    }

    @Test
    void shouldCoverOnePastTheHighestCommittedOffsetOfHeldAndEvictedStreams() {
        StateTable t = table();
        assertEquals(Map.of(2, 15L, 5, 100L, 7, 0L), t.coveredOffsets(Set.of(2, 5, 7)));
    }

    @Test
    void shouldRoundTripHeldAndEvictedStreamsOfOnePartition() throws Exception {
        StateTable original = table();
        CheckpointFile.Read read = CheckpointFile.read(written(original), SOURCE, SHAPE);
        assertTrue(read.valid(), read.problem());
        PartitionSnapshot s = read.snapshot();
        assertEquals(15, s.offset());
        assertEquals(3, s.rows());
        assertEquals(2, s.coldRows());

        StateTable restored = new StateTable(3, 1);
        restored.load(s, 500);
        assertEquals(3, restored.size());
        assertEquals(2, restored.coldSize());
        assertEquals(-1, restored.slot("x"), "another partition's stream is not in the checkpoint");
        for (String id : List.of("a", "b", "e")) {
            int a = original.slot(id);
            int b = restored.slot(id);
            assertEquals(original.position(a), restored.position(b));
            assertEquals(original.param(a), restored.param(b));
            assertEquals(original.modelVersion(a), restored.modelVersion(b));
            assertEquals(2, restored.partition(b));
            assertArrayEquals(original.snapshot(a).values(), restored.snapshot(b).values());
        }
        assertEquals(original.coldLocation("c"), restored.coldLocation("c"));
        assertEquals(StateTable.pack(2, 13), restored.coldLocation("d"));
        assertEquals(Map.of(2, 15L), restored.coveredOffsets(Set.of(2)), "the rows keep their changelog offsets");
    }

    @Test
    void shouldRejectAFileWithAFlippedByte() throws Exception {
        Path file = written(table());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(file, bytes);
        CheckpointFile.Read read = CheckpointFile.read(file, SOURCE, SHAPE);
        assertFalse(read.valid());
        assertTrue(read.problem().contains("corrupt"), read.problem());
    }

    @Test
    void shouldRejectATruncatedOrMissingFile() throws Exception {
        Path file = written(table());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 7);
        }
        assertTrue(CheckpointFile.read(file, SOURCE, SHAPE).problem().contains("corrupt"));
        assertEquals("missing", CheckpointFile.read(dir.resolve("none.ckpt"), SOURCE, SHAPE).problem());
    }

    @Test
    void shouldRejectAnotherModelShape() throws Exception {
        Path file = written(table());
        CheckpointFile.Shape lstm = new CheckpointFile.Shape(CellType.LSTM.name(), 1, 3, 3);
        CheckpointFile.Shape wider = CheckpointFile.Shape.of(ModelSpec.oneHot(CellType.GRU, 4, 8, 8), 4);
        assertTrue(CheckpointFile.read(file, SOURCE, lstm).problem().contains("model shape"));
        assertTrue(CheckpointFile.read(file, SOURCE, wider).problem().contains("model shape"));
    }

    @Test
    void shouldRejectAnotherPartitionOrTopicIncarnation() throws Exception {
        Path file = written(table());
        assertTrue(CheckpointFile.read(file, new CheckpointFile.Source("app.p.state", "id-1", 3), SHAPE).problem().contains("belongs to"));
        assertTrue(CheckpointFile.read(file, new CheckpointFile.Source("app.p.state", "id-2", 2), SHAPE).problem().contains("earlier topic"));
        assertTrue(CheckpointFile.read(file, new CheckpointFile.Source("app.p.state", "", 2), SHAPE).valid(),
                "an unknown topic id leaves the offset checks to decide");
    }

    @Test
    void shouldReplaceTheOldFileWithoutLeavingTemporaryFiles() throws Exception {
        StateTable t = table();
        Path file = written(t);
        t.restore("f", 2, new StreamState(1, -1, 7, new float[]{1, 2, 3}), 40, 600);
        CheckpointFile.write(file, SOURCE, SHAPE, t.copyPartitions(List.of(2)).get(2), System.currentTimeMillis());
        assertEquals(41, CheckpointFile.read(file, SOURCE, SHAPE).snapshot().offset());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
