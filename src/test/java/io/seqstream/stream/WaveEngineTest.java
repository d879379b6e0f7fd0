package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.StateTable;
import io.seqstream.train.EchoModels;
import io.seqstream.train.task.EchoTask;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The wave engine on its own: no broker, an untrained (seeded) GRU, a state table, outputs collected in order. */
class WaveEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ModelSpec SPEC = EchoModels.spec(new EchoTask(4), 16);
    private static final ServedModel V1 = model(1, 7);
    private static final ServedModel V2 = model(2, 8);

    private final SeqstreamConfig.Pipeline carry = pipeline("carry");
    private final ServingMeters meters = new ServingMeters(new SimpleMeterRegistry(), "echo", "echo-gru");

    private static ServedModel model(long version, long seed) {
        return ServedModel.of(new ModelSnapshot(EchoModels.metadata("echo-gru", SPEC).withVersion(version, 0, 0, Map.of()),
                Parameters.xavier(SPEC, seed)));
    }

    private static SeqstreamConfig.Pipeline pipeline(String swapPolicy) {
        return SeqstreamConfig.of(Map.of("pipelines", "echo", "pipeline.echo.swap-policy", swapPolicy)).pipeline("echo");
    }

    private static StateTable table() {
        return new StateTable(SPEC.stateWidth(), 4, SPEC.stateShapeId());
    }

    private static ConsumerRecord<byte[], byte[]> record(String stream, String text, String control) {
        RecordHeaders headers = new RecordHeaders();
        if (control != null) headers.add(new RecordHeader("seq.control", control.getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>("tokens.echo", 0, 0, 1_700_000_000_000L, TimestampType.CREATE_TIME, -1, -1,
                stream.getBytes(StandardCharsets.UTF_8), text.getBytes(StandardCharsets.UTF_8), headers, Optional.empty());
    }

    private static void add(WaveEngine engine, String stream, String text) {
        add(engine, stream, text, null);
    }

    private static void add(WaveEngine engine, String stream, String text, String control) {
        InputDecoder decoder = new InputDecoder(engine.model().tokenizer(), 1 << 16, SPEC.params());
        ConsumerRecord<byte[], byte[]> r = record(stream, text, control);
        engine.add((InputDecoder.Decoded) decoder.decode(r), 0, r.timestamp());
    }

    /** Runs what is pending; returns the outputs in the order the engine emitted them. */
    private static List<byte[]> run(WaveEngine engine, StateTable table) {
        List<byte[]> out = new ArrayList<>();
        engine.run(table, (key, json, ts) -> {
            assertEquals(field(json, "stream"), new String(key, StandardCharsets.UTF_8), "the key is the stream id");
            out.add(json);
        });
        return out;
    }

    private static String field(byte[] json, String name) {
        try {
            JsonNode n = JSON.readTree(json);
            return n.get(name).asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> summary(List<byte[]> outputs) {
        List<String> s = new ArrayList<>();
        for (byte[] o : outputs) s.add(field(o, "stream") + field(o, "pos") + field(o, "in"));
        return s;
    }

    @Test
    void shouldStepEveryStreamWithATokenPendingInOneWave() {
        WaveEngine engine = new WaveEngine(carry, meters, V1);
        add(engine, "a", "abc");
        add(engine, "b", "de");
        add(engine, "c", "f");
        add(engine, "a", "gh");
        // Wave 1 steps a, b and c; wave 2 a and b; then a alone, in each stream's arrival order.
        assertEquals(List.of("a0a", "b0d", "c0f", "a1b", "b1e", "a2c", "a3g", "a4h"), summary(run(engine, table())));
    }

    @Test
    void shouldGiveEachStreamTheOutputsItGetsAlone() {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put("alice", "kafkastream");
        texts.put("bob", "echo");
        texts.put("carol", "recurrenthiddenstate");
        WaveEngine together = new WaveEngine(carry, meters, V1);
        texts.forEach((s, t) -> add(together, s, t));
        Map<String, List<String>> byStream = new LinkedHashMap<>();
        for (byte[] o : run(together, table())) {
            byStream.computeIfAbsent(field(o, "stream"), k -> new ArrayList<>()).add(new String(o, StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, String> e : texts.entrySet()) {
            WaveEngine alone = new WaveEngine(carry, meters, V1);
            add(alone, e.getKey(), e.getValue());
            List<String> expected = new ArrayList<>();
            for (byte[] o : run(alone, table())) expected.add(new String(o, StandardCharsets.UTF_8));
            assertEquals(e.getValue().length(), expected.size(), "one output per token");
            assertEquals(expected, byStream.get(e.getKey()), e.getKey() + ": the same bytes alone and in a wave of three");
        }
    }

    @Test
    void shouldCarryStatesIntoTheModelInstalledBetweenWaves() {
        WaveEngine engine = new WaveEngine(carry, meters, V1);
        StateTable table = table();
        add(engine, "a", "abc");
        run(engine, table);
        table.commit();
        engine.install(V2);
        add(engine, "a", "d");
        byte[] swapped = run(engine, table).get(0);
        assertEquals("2", field(swapped, "version"));
        assertEquals("3", field(swapped, "pos"), "the stream goes on where it was");

        // The same token from v1's state differs from a fresh v2 stream's: the state was carried, not reset.
        WaveEngine fresh = new WaveEngine(carry, meters, V2);
        add(fresh, "a", "d");
        assertNotEquals(field(run(fresh, table()).get(0), "p"), field(swapped, "p"));
    }

    @Test
    void shouldRestartStreamsOnANewModelWhenThePolicyIsReset() {
        WaveEngine engine = new WaveEngine(pipeline("reset"), meters, V1);
        StateTable table = table();
        add(engine, "a", "abc");
        run(engine, table);
        table.commit();
        engine.install(V2);
        add(engine, "a", "d");
        byte[] swapped = run(engine, table).get(0);
        WaveEngine fresh = new WaveEngine(carry, meters, V2);
        add(fresh, "a", "d");
        assertEquals(new String(run(fresh, table()).get(0), StandardCharsets.UTF_8), new String(swapped, StandardCharsets.UTF_8),
                "a stream of an older version starts from zero");
    }

    @Test
    void shouldApplyControlsAtTheirPlaceInTheStream() {
        WaveEngine engine = new WaveEngine(carry, meters, V1);
        StateTable table = table();
        add(engine, "a", "abc");
        add(engine, "a", "de", "reset");
        add(engine, "b", "xy", "end");
        assertEquals(List.of("a0a", "b0x", "a1b", "b1y", "a2c", "a0d", "a1e"), summary(run(engine, table)));
        assertTrue(table.slot("a") >= 0);
        assertTrue(table.slot("b") < 0, "a stream is dropped after its end control");
    }

    @Test
    void shouldReplayTheSameOutputsAfterTheTableRollsBack() {
        WaveEngine engine = new WaveEngine(carry, meters, V1);
        StateTable table = table();
        add(engine, "a", "abc");
        add(engine, "b", "de");
        run(engine, table);
        table.commit();
        float[] committed = table.matrix().clone();
        int w = table.width();

        add(engine, "a", "fgh");
        add(engine, "c", "ij");
        List<byte[]> first = run(engine, table);
        table.abort();
        for (String s : List.of("a", "b")) {
            int row = table.slot(s);
            assertArrayEquals(Arrays.copyOfRange(committed, row * w, row * w + w), Arrays.copyOfRange(table.matrix(), row * w, row * w + w),
                    s + ": the abort restores the committed state");
        }
        assertEquals(3, table.position(table.slot("a")));
        assertTrue(table.slot("c") < 0, "a stream new in the aborted transaction is gone");

        add(engine, "a", "fgh");
        add(engine, "c", "ij");
        List<byte[]> replay = run(engine, table);
        assertEquals(first.size(), replay.size());
        for (int i = 0; i < first.size(); i++) assertArrayEquals(first.get(i), replay.get(i), "output " + i + " replays bit for bit");
    }

    @Test
    void shouldNameTheEvictedStreamsThatMustComeBackBeforeTheirTokens() {
        WaveEngine engine = new WaveEngine(carry, meters, V1);
        StateTable table = table();
        add(engine, "a", "ab");
        add(engine, "b", "c");
        run(engine, table);
        table.setChangelogOffsetAt(table.slot("a"), 41);
        table.commit();
        table.evictIdleBefore(Long.MAX_VALUE);

        add(engine, "a", "d");
        add(engine, "new", "e");
        assertEquals(Map.of("a", StateTable.pack(0, 41)), engine.coldLocations(table),
                "only the evicted stream with a changelog record comes back; a new one starts from zero");
    }

    @Test
    void shouldForgetPendingTokensWhenCleared() {
        WaveEngine engine = new WaveEngine(carry, meters, V1);
        StateTable table = table();
        add(engine, "a", "abc");
        engine.clear();
        assertEquals(List.of(), run(engine, table));
        assertNull(engine.coldLocations(table));
    }
}
