package io.seqstream.train.online;

import io.seqstream.kafka.KafkaClients;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.SequenceBatch;
import io.seqstream.stream.InputDecoder;
import io.seqstream.train.NextTokenExamples;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A next-token model's own live input, read by a consumer group of its own (read_committed) beside the processors:
 * each stream's tokens are cut into windows of {@code window} steps whose targets are the following tokens, and
 * the hidden state at the end of a stream's window is carried into its next one (truncated BPTT per stream). A
 * minibatch holds at most one window per stream so that carry is exact. Streams whose id hashes into the held-out
 * share are never trained on: their newest windows are the held-out set, each scored after the stream's three
 * windows before it have run from zero state (so it is judged with context, as serving runs it, not cold). Records the processor would
 * dead-letter are skipped here (the processor already counts them); {@code reset} and {@code end} controls drop the
 * stream's pending tokens and carried state, as the processor does.
 */
public final class LiveStreamFeed implements ExampleFeed {
    private static final int MAX_STREAMS = 10_000;
    private static final int MAX_READY = 10_000;
    private static final int MAX_HELD_OUT = 300;
    private static final int EVAL_BATCH = 100;
    /** Windows that run before a held-out window is scored, standing in for the state serving would carry. */
    private static final int BURN_IN_WINDOWS = 3;

    private final String topic;
    private final int startToken;
    private final int window;
    private final int heldOutEvery;
    private final int stateWidth;
    private final InputDecoder decoder;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Stream> streams = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Stream> eldest) { return size() > MAX_STREAMS; }
    };
    private final ArrayDeque<Window> ready = new ArrayDeque<>();
    private final ArrayDeque<SequenceBatch.Example> heldOut = new ArrayDeque<>();
    /** Padded batches of the held-out examples, cut when evaluation asks for them (null: to be cut again). */
    /** The held-out examples in padded batches, cut when evaluation asks (null: to be cut again, they changed). */
    private List<SequenceBatch> heldOutBatches = List.of();
    private List<Window> inFlight = List.of();
    private long tokens;
    private long skipped;
    private long dropped;

    /**
     * @param startToken the id every stream begins with (a next-token model's start token, as serving steps it
     *                   before a new stream's first token), or -1 for none
     */
    public LiveStreamFeed(String bootstrap, String topic, String groupId, InputDecoder decoder, ModelSpec spec,
                          int window, int heldOutEvery, int startToken) {
        if (spec.params() > 0) {
            throw new IllegalArgumentException("the live-stream source trains next-token models; this model takes a per-stream parameter");
        }
        this.topic = topic;
        this.startToken = startToken;
        this.window = window;
        this.heldOutEvery = heldOutEvery;
        this.stateWidth = spec.stateWidth();
        this.decoder = decoder;
        this.consumer = KafkaClients.of(bootstrap).consumer().group(groupId).clientId(groupId).fromEarliest().autoCommit().build();
        consumer.subscribe(List.of(topic));
    }

    @Override
    public String describe() {
        return "live stream " + topic + " (" + tokens + " tokens from " + streams.size() + " streams, " + ready.size()
                + " windows of " + window + " ready, " + heldOut.size() + " held out, " + skipped + " records skipped, "
                + dropped + " windows dropped behind)";
    }

    @Override
    public void pull(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            if (!(decoder.decode(r) instanceof InputDecoder.Decoded d)) {
                skipped++;
                continue;
            }
            Stream s = streams.get(d.streamId());
            if (s == null) {
                s = new Stream(isHeldOut(d.streamId(), heldOutEvery));
                streams.put(d.streamId(), s);
                s.begin();
            }
            if (d.control() != InputDecoder.Control.NONE) {
                s.reset();
                s.begin();
            }
            tokens += d.tokens().length;
            for (int t : d.tokens()) {
                s.take(t);
                if (s.length == window + 1) {
                    SequenceBatch.Example next = NextTokenExamples.fromWindow(s.pending.clone());
                    s.pending[0] = s.pending[window];
                    s.length = 1;
                    if (s.heldOut) {
                        heldOut.addLast(s.heldOutExample());
                        if (heldOut.size() > MAX_HELD_OUT) heldOut.removeFirst();
                        heldOutBatches = null;
                    } else {
                        ready.addLast(new Window(s, s.generation, next));
                        if (ready.size() > MAX_READY) {
                            // Behind the stream: the oldest window goes, and its stream restarts from zero state.
                            Window old = ready.removeFirst();
                            old.stream.state = null;
                            dropped++;
                        }
                    }
                }
            }
        }
    }

    static boolean isHeldOut(String streamId, int every) {
        return LabelledTopicFeed.isHeldOut(streamId + "\u0000stream", every);
    }

    @Override
    public Batch next(int size, Random rng) {
        List<Window> pick = new ArrayList<>(size);
        java.util.IdentityHashMap<Stream, Boolean> seen = new java.util.IdentityHashMap<>();
        for (Iterator<Window> it = ready.iterator(); it.hasNext() && pick.size() < size; ) {
            Window w = it.next();
            if (w.generation != w.stream.generation) {
                it.remove();
                continue;
            }
            if (seen.put(w.stream, Boolean.TRUE) != null) continue;
            it.remove();
            pick.add(w);
        }
        if (pick.isEmpty()) return null;
        List<SequenceBatch.Example> examples = new ArrayList<>(pick.size());
        float[] state = new float[pick.size() * stateWidth];
        for (int i = 0; i < pick.size(); i++) {
            Window w = pick.get(i);
            examples.add(w.example);
            if (w.stream.state != null) System.arraycopy(w.stream.state, 0, state, i * stateWidth, stateWidth);
        }
        inFlight = pick;
        return new Batch(SequenceBatch.of(examples), state);
    }

    @Override
    public void completed(Batch batch) {
        float[] state = batch.state();
        for (int i = 0; i < inFlight.size(); i++) {
            Window w = inFlight.get(i);
            if (w.generation != w.stream.generation) continue;
            if (w.stream.state == null) w.stream.state = new float[stateWidth];
            System.arraycopy(state, i * stateWidth, w.stream.state, 0, stateWidth);
        }
        inFlight = List.of();
    }

    @Override
    public List<SequenceBatch> heldOut() {
        if (heldOutBatches == null) heldOutBatches = ExampleFeed.inBatches(new ArrayList<>(heldOut), EVAL_BATCH);
        return heldOutBatches;
    }

    @Override
    public int heldOutSize() { return heldOut.size(); }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    /** One stream as the trainer sees it: tokens not yet in a window, and the state carried from its last window. */
    private final class Stream {
        final boolean heldOut;
        int[] pending = new int[window + 1];
        int length;
        float[] state;
        int[] history;
        int remembered;
        /** Bumped by reset: windows cut before it no longer continue this stream's state. */
        int generation;

        Stream(boolean heldOut) {
            this.heldOut = heldOut;
        }

        void append(int token) { pending[length++] = token; }

        void take(int token) {
            append(token);
            if (heldOut) remember(token);
        }

        /** A stream begins with the start token where the model has one, as serving steps it first. */
        void begin() {
            if (startToken >= 0) take(startToken);
        }

        /** Held-out streams keep their last few windows of tokens: the newest is scored after the others warm it up. */
        void remember(int token) {
            if (history == null) history = new int[BURN_IN_WINDOWS * window + window + 1];
            if (remembered == history.length) {
                System.arraycopy(history, 1, history, 0, history.length - 1);
                remembered--;
            }
            history[remembered++] = token;
        }

        SequenceBatch.Example heldOutExample() {
            SequenceBatch.Example e = NextTokenExamples.fromWindow(Arrays.copyOf(history, remembered));
            Arrays.fill(e.targets(), 0, Math.max(0, remembered - 1 - window), -1);
            return e;
        }

        void reset() {
            remembered = 0;
            length = 0;
            state = null;
            generation++;
        }
    }

    private record Window(Stream stream, int generation, SequenceBatch.Example example) {
    }

}
