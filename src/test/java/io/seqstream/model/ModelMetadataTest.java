package io.seqstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.train.EchoModels;
import io.seqstream.train.task.EchoTask;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trainedBy field and the readout travel in the metadata JSON without changing the model format (1) either way. */
class ModelMetadataTest {

    private static ModelSnapshot model() {
        ModelMetadata m = EchoModels.metadata("echo-gru", EchoModels.spec(new EchoTask(4), 8));
        return new ModelSnapshot(m, Parameters.xavier(m.spec(), 1));
    }

    @Test
    void shouldCarryTheTrainingInstanceThroughTheBytes() {
        ModelSnapshot s = model();
        ModelSnapshot next = new ModelSnapshot(s.metadata().withVersion(7, 100, 2, Map.of("heldOutAccuracy", 0.5), "node-2"),
                s.parameters());
        ModelSnapshot back = ModelSnapshot.fromBytes(next.toBytes());
        assertEquals("node-2", back.metadata().trainedBy());
        assertEquals(7, back.metadata().version());
        assertArrayEquals(next.parameters().values(), back.parameters().values());
    }

    @Test
    void shouldReadAModelWrittenBeforeTheFieldExisted() {
        ModelSnapshot s = model();
        String json = s.metadataJson();
        assertTrue(json.contains("\"trainedBy\":\"\""), json);
        byte[] old = bytes(json.replace(",\"trainedBy\":\"\"", ""), s.parameters().values());
        ModelSnapshot back = ModelSnapshot.fromBytes(old);
        assertEquals("", back.metadata().trainedBy());
        assertEquals(s.metadata().version(), back.metadata().version());
        assertEquals(s.metadata().name(), back.metadata().name());
    }

    @Test
    void shouldReadAModelWithoutAReadoutAsTheLastStateReadoutWithItsOldStateShape() {
        ModelSnapshot s = model();
        String json = s.metadataJson();
        assertTrue(json.contains(",\"readout\":\"LAST\""), json);
        ModelSnapshot back = ModelSnapshot.fromBytes(bytes(json.replace(",\"readout\":\"LAST\"", ""), s.parameters().values()));
        assertEquals(Readout.LAST, back.metadata().spec().readout());
        assertEquals(s.metadata().spec(), back.metadata().spec());
        ModelSpec spec = back.metadata().spec();
        assertEquals(java.util.Objects.hash(spec.cell().name(), spec.layers(), spec.hidden()), spec.stateShapeId());
    }

    @Test
    void shouldKeepTheMeanReadoutAndGiveItsStateAnotherShape() {
        ModelSnapshot s = model();
        ModelSpec mean = s.metadata().spec().withReadout(Readout.MEAN);
        ModelSnapshot m = new ModelSnapshot(EchoModels.metadata("echo-gru", mean), Parameters.xavier(mean, 1));
        ModelSnapshot back = ModelSnapshot.fromBytes(m.toBytes());
        assertEquals(Readout.MEAN, back.metadata().spec().readout());
        assertEquals(s.metadata().spec().stateWidth() + mean.hidden() + 1, mean.stateWidth());
        assertTrue(mean.stateShapeId() != s.metadata().spec().stateShapeId());
    }

    @Test
    void shouldWriteEachTaskByItsWireNameAndReadItBack() {
        ModelSnapshot s = model();
        for (ModelTask task : ModelTask.values()) {
            ModelMetadata md = s.metadata();
            ModelSnapshot t = new ModelSnapshot(new ModelMetadata(md.name(), 1, task, md.spec(), md.tokenizer(),
                    md.classes(), 0, 0, Map.of(), 0), s.parameters());
            assertTrue(t.metadataJson().contains("\"task\":\"" + task.wireName() + "\""), t.metadataJson());
            assertEquals(task, ModelSnapshot.fromBytes(t.toBytes()).metadata().task());
        }
        assertEquals(List.of("echo", "next", "classify", "sentiment"),
                Arrays.stream(ModelTask.values()).map(ModelTask::wireName).toList());
    }

    @Test
    void shouldRefuseAModelOfAnUnknownTaskNamingIt() {
        ModelSnapshot s = model();
        String json = s.metadataJson().replace("\"task\":\"echo\"", "\"task\":\"translate\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSnapshot.fromBytes(bytes(json, s.parameters().values())));
        assertTrue(e.getMessage().contains("unknown model task 'translate'"), e.getMessage());
    }

    /** The format-1 layout, as an older writer produced it. */
    private static byte[] bytes(String json, float[] v) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + 1 + 4 + j.length + 4 + 4 * v.length);
        buf.put(new byte[] {'S', 'E', 'Q', 'M'}).put((byte) 1).putInt(j.length).put(j).putInt(v.length);
        buf.asFloatBuffer().put(v);
        return buf.array();
    }
}
