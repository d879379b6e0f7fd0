package io.seqstream.train.online;

import io.seqstream.kafka.KafkaClients;
import io.seqstream.model.SequenceBatch;
import io.seqstream.stream.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Labelled examples from a topic ({@code train.<model>}). The topic is a data set that keeps growing: the feed
 * reads it from the beginning at every start (it commits no offsets), keeps the newest {@code buffer} training
 * examples and samples minibatches from them, so a small topic is trained over for many epochs. An example whose
 * text hashes into the held-out share is never trained on, and duplicates of a text fall on the same side. Records
 * that are no example go to the dead-letter topic with the reason.
 */
public final class LabelledTopicFeed implements ExampleFeed {
    private static final int MAX_HELD_OUT = 1000;
    private static final int EVAL_BATCH = 100;

    private final String topic;
    private final String dlqTopic;
    private final LabelledExamples examples;
    private final int heldOutEvery;
    private final Consumer<String> deadLetterCounter;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> dlq;
    private final SequenceBatch.Example[] ring;
    private int filled;
    private int next;
    private final List<SequenceBatch.Example> heldOut = new ArrayList<>();
    /** Padded batches of the held-out examples, cut when evaluation asks for them (null: to be cut again). */
    /** The held-out examples in padded batches, cut when evaluation asks (null: to be cut again, they changed). */
    private List<SequenceBatch> heldOutBatches = List.of();
    private long received;
    private long rejected;

    /**
     * @param deadLetterCounter counts a dead-lettered record by its reason's wire name
     */
    public LabelledTopicFeed(String bootstrap, String topic, String groupId, String dlqTopic, LabelledExamples examples,
                             int buffer, int heldOutEvery, Consumer<String> deadLetterCounter) {
        this.topic = topic;
        this.dlqTopic = dlqTopic;
        this.examples = examples;
        this.heldOutEvery = heldOutEvery;
        this.deadLetterCounter = deadLetterCounter;
        this.ring = new SequenceBatch.Example[buffer];
        KafkaClients clients = KafkaClients.of(bootstrap);
        this.consumer = clients.consumer().group(groupId).clientId(groupId).fromEarliest().build();
        this.dlq = clients.idempotentProducer().clientId(groupId + "-dlq").build();
        consumer.subscribe(List.of(topic));
    }

    @Override
    public String describe() {
        return "labelled topic " + topic + " (" + received + " records: " + filled + " in the replay buffer, "
                + heldOut.size() + " held out, " + rejected + " dead-lettered)";
    }

    @Override
    public void pull(Duration wait) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
            received++;
            LabelledExamples.Parsed parsed;
            try {
                parsed = examples.parse(r.value());
            } catch (LabelledExamples.BadExample e) {
                rejected++;
                dlq.send(DeadLetters.record(dlqTopic, r, e.reason(), e.getMessage()));
                deadLetterCounter.accept(e.reason().wireName());
                continue;
            }
            if (isHeldOut(parsed.text(), heldOutEvery)) {
                if (heldOut.size() < MAX_HELD_OUT) {
                    heldOut.add(parsed.example());
                    heldOutBatches = null;
                }
            } else {
                ring[next] = parsed.example();
                next = (next + 1) % ring.length;
                filled = Math.min(filled + 1, ring.length);
            }
        }
    }

    /** Whether a text belongs to the held-out share (one in {@code every}), the same at every start. */
    static boolean isHeldOut(String text, int every) {
        int h = 0;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) h = 31 * h + b;
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        h ^= h >>> 16;
        return Math.floorMod(h, every) == 0;
    }

    @Override
    public Batch next(int size, Random rng) {
        if (filled == 0) return null;
        List<SequenceBatch.Example> pick = new ArrayList<>(size);
        for (int i = 0; i < size; i++) pick.add(ring[rng.nextInt(filled)]);
        return new Batch(SequenceBatch.of(pick), null);
    }

    @Override
    public List<SequenceBatch> heldOut() {
        if (heldOutBatches == null) heldOutBatches = ExampleFeed.inBatches(heldOut, EVAL_BATCH);
        return heldOutBatches;
    }

    @Override
    public int heldOutSize() { return heldOut.size(); }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
        dlq.close(Duration.ofSeconds(5));
    }
}
