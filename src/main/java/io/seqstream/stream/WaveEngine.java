package io.seqstream.stream;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.BatchedStep;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.serve.ServedModel;
import io.seqstream.state.StateTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processing of one poll's records, as Kafka Streams' StreamTask does it for its partitions: decoded tokens and
 * controls pending per stream in arrival order, run as waves, each ONE batched recurrent step over every stream that
 * still has a pending token, each token's output handed on as it is made and its stream's state advanced in the
 * table. It knows nothing of Kafka: the processing loop feeds it and sends what it emits inside the open transaction.
 */
final class WaveEngine {

    /** Receives each token's output in the order the waves make them (per stream: arrival order). */
    @FunctionalInterface
    interface Output {
        void output(byte[] key, byte[] json, long timestamp);
    }

    private final SeqstreamConfig.Pipeline pipeline;
    private final ServingMeters meters;
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    private ServedModel model;
    private BatchedStep step;
    /** Next-token models: a stream's state after the start token, where every new (or reset) stream begins. */
    private float[] startState;

    private int[] waveTokens = new int[64];
    private int[] waveRows = new int[64];
    private int[] waveParams = new int[64];
    private Pending[] wave = new Pending[64];
    private float[] probs = new float[64];

    WaveEngine(SeqstreamConfig.Pipeline pipeline, ServingMeters meters, ServedModel model) {
        this.pipeline = pipeline;
        this.meters = meters;
        install(model);
    }

    /** The model of the next wave on; only between two polls (never with tokens pending). */
    void install(ServedModel m) {
        this.model = m;
        this.step = new BatchedStep(m.spec(), 64);
        this.startState = m.task().startsFromStartToken() ? startState(m, step) : null;
    }

    ServedModel model() { return model; }

    /**
     * Next-token models learn every sequence from the start token, so a stream's first character is read from the
     * state the start token leads to, not from zeros: stepped once per model version, copied into new rows.
     */
    private static float[] startState(ServedModel m, BatchedStep step) {
        float[] state = new float[m.spec().stateWidth()];
        step.step(m.parameters(), 1, new int[]{NextVocabulary.START_ID}, null, state, new int[]{0}, new float[m.spec().classes()]);
        return state;
    }

    /** Queues a decoded record's controls and tokens behind what its stream already has pending. */
    void add(InputDecoder.Decoded d, int partition, long timestamp) {
        Pending ps = pending.computeIfAbsent(d.streamId(), id -> new Pending(id, partition));
        if (d.control() == InputDecoder.Control.RESET) ps.items.add(Item.control(Item.RESET, 0));
        if (d.param().isPresent()) ps.items.add(Item.control(Item.PARAM, d.param().getAsInt()));
        for (int i = 0; i < d.tokens().length; i++) {
            ps.items.add(new Item(Item.TOKEN, d.tokens()[i], d.tokenTexts()[i], timestamp));
        }
        if (d.control() == InputDecoder.Control.END) ps.items.add(Item.control(Item.END, 0));
    }

    /** Forgets what is pending (a replay starts from the committed offsets). */
    void clear() {
        pending.clear();
    }

    /**
     * Where the pending streams that the table evicted wait in the changelog (packed partition and offset per stream,
     * see {@link StateTable#coldLocation}), or null when none is cold: they come back before their next token.
     */
    Map<String, Long> coldLocations(StateTable table) {
        Map<String, Long> cold = null;
        for (Pending ps : pending.values()) {
            if (table.slot(ps.id) >= 0) continue;
            long loc = table.coldLocation(ps.id);
            if (loc < 0) continue;
            if (cold == null) cold = new HashMap<>();
            cold.put(ps.id, loc);
        }
        return cold;
    }

    /**
     * Runs everything pending as waves over the table's rows: controls apply at their place in their stream, every
     * token gets exactly one output, in its stream's order. Nothing is pending afterwards.
     */
    void run(StateTable table, Output out) {
        Pending[] active = pending.values().toArray(new Pending[0]);
        int live = active.length;
        long now = System.currentTimeMillis();
        int classes = model.spec().classes();
        boolean withParams = model.spec().params() > 0;
        while (true) {
            int k = 0;
            int keep = 0;
            for (int s = 0; s < live; s++) {
                Pending ps = active[s];
                while (ps.next < ps.items.size() && ps.items.get(ps.next).kind != Item.TOKEN) {
                    applyControl(table, ps, ps.items.get(ps.next), now);
                    ps.next++;
                }
                if (ps.next < ps.items.size()) {
                    active[keep++] = ps;
                    ensureWave(k + 1);
                    wave[k++] = ps;
                }
            }
            live = keep;
            if (k == 0) break;
            for (int i = 0; i < k; i++) {
                Pending ps = wave[i];
                int slot = table.slotForUpdate(ps.id, ps.partition, now);
                if (pipeline.swapPolicy() == SeqstreamConfig.SwapPolicy.RESET && table.position(slot) > 0
                        && table.modelVersion(slot) != model.version()) {
                    table.reset(slot);
                }
                if (startState != null && table.position(slot) == 0 && startState.length == table.width()) {
                    System.arraycopy(startState, 0, table.matrix(), slot * startState.length, startState.length);
                }
                waveRows[i] = slot;
                waveTokens[i] = ps.items.get(ps.next).token;
                int p = table.param(slot);
                waveParams[i] = p >= 0 ? p : Math.max(0, pipeline.defaultParam());
            }
            if (probs.length < k * classes) probs = new float[k * classes * 2];
            long t0 = System.nanoTime();
            step.step(model.parameters(), k, waveTokens, withParams ? waveParams : null, table.matrix(), waveRows, probs);
            meters.wave(k, System.nanoTime() - t0);
            for (int i = 0; i < k; i++) {
                Pending ps = wave[i];
                Item it = ps.items.get(ps.next++);
                int slot = waveRows[i];
                long pos = table.position(slot);
                byte[] json = OutputFormat.format(model, pipeline.name(), ps.id, pos, it.text, probs, i * classes, classes, it.ts);
                out.output(ps.key, json, it.ts);
                table.setPosition(slot, pos + 1);
                table.setModelVersion(slot, model.version());
            }
        }
        pending.clear();
    }

    private static void applyControl(StateTable table, Pending ps, Item it, long now) {
        switch (it.kind) {
            case Item.RESET -> table.reset(table.slotForUpdate(ps.id, ps.partition, now));
            case Item.PARAM -> table.setParam(table.slotForUpdate(ps.id, ps.partition, now), it.token);
            case Item.END -> table.end(ps.id, ps.partition);
            default -> throw new IllegalStateException("not a control: " + it.kind);
        }
    }

    private void ensureWave(int k) {
        if (k <= wave.length) return;
        int n = Math.max(k, wave.length * 2);
        wave = Arrays.copyOf(wave, n);
        waveTokens = Arrays.copyOf(waveTokens, n);
        waveRows = Arrays.copyOf(waveRows, n);
        waveParams = Arrays.copyOf(waveParams, n);
    }

    /** A stream's pending work within one poll, in arrival order. */
    private static final class Pending {
        final String id;
        final byte[] key;
        final int partition;
        final List<Item> items = new ArrayList<>(4);
        int next;

        Pending(String id, int partition) {
            this.id = id;
            this.key = id.getBytes(StandardCharsets.UTF_8);
            this.partition = partition;
        }
    }

    /** A token, or a control that applies at its place in the stream. */
    private record Item(int kind, int token, String text, long ts) {
        static final int TOKEN = 0;
        static final int RESET = 1;
        static final int PARAM = 2;
        static final int END = 3;

        static Item control(int kind, int value) {
            return new Item(kind, value, null, 0);
        }
    }
}
