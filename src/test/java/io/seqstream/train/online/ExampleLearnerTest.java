package io.seqstream.train.online;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.train.OptimizerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExampleLearnerTest {

    /** Windows of letters that step through the alphabet by a stride of 1-3, from zero state. */
    private static final class StrideFeed implements ExampleFeed {
        private final Random rng = new Random(1);
        private final List<SequenceBatch> heldOut = new ArrayList<>();
        boolean empty;

        StrideFeed() {
            List<SequenceBatch.Example> h = new ArrayList<>();
            for (int i = 0; i < 200; i++) h.add(window(rng));
            heldOut.add(SequenceBatch.of(h));
        }

        static SequenceBatch.Example window(Random r) {
            int stride = 1 + r.nextInt(3);
            int at = r.nextInt(26);
            int[] in = new int[12];
            int[] tg = new int[12];
            for (int t = 0; t < 12; t++) {
                in[t] = at;
                at = (at + stride) % 26;
                tg[t] = at;
            }
            return new SequenceBatch.Example(in, tg, -1);
        }

        @Override public String describe() { return "stride windows"; }
        @Override public void pull(Duration wait) { }
        @Override public Batch next(int size, Random r) {
            if (empty) return null;
            List<SequenceBatch.Example> b = new ArrayList<>();
            for (int i = 0; i < size; i++) b.add(window(rng));
            return new Batch(SequenceBatch.of(b), null);
        }
        @Override public List<SequenceBatch> heldOut() { return heldOut; }
        @Override public int heldOutSize() { return 200; }
        @Override public void close() { }
    }

    @Test
    void shouldLearnFromAFeedAndWaitWhenItIsEmpty() {
        ModelSpec spec = ModelSpec.oneHot(CellType.LSTM, 32, 26, 26);
        StrideFeed feed = new StrideFeed();
        ExampleLearner learner = new ExampleLearner(feed, Parameters.xavier(spec, 4), new OptimizerConfig(0.01, 1.0, 0), 32, 1);
        double before = learner.evaluate().accuracy();
        for (int i = 0; i < 300; i++) learner.step();
        double after = learner.evaluate().accuracy();
        // 10 of 12 steps are determined by the two letters before them.
        assertTrue(before < 0.15 && after > 0.8, "held-out accuracy " + before + " -> " + after);
        feed.empty = true;
        assertNull(learner.step());
    }
}
