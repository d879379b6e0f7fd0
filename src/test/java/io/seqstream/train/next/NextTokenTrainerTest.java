package io.seqstream.train.next;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelTask;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.model.text.NextVocabulary;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NextTokenTrainerTest {

    @Test
    void shouldLowerHeldOutBitsAndSaveANextModelWithItsTokenizer() {
        NextTokenTrainer.Settings s = new NextTokenTrainer.Settings(16, 1, 1e-2, 1.0, 32, 300, Duration.ofMinutes(2), 100, 3,
                true, 0, 2000, 200, 2.0);
        Language ndfa = Language.named("ndfa");
        NextTokenTrainer.Outcome o = new NextTokenTrainer(s).trainLanguage(ndfa, "t", null);
        ModelMetadata m = o.snapshot().metadata();
        assertEquals(ModelTask.NEXT, m.task());
        assertEquals("chars", m.tokenizer().kind());
        assertEquals(NextVocabulary.START, m.tokenizer().symbols().get(0));
        assertEquals(NextVocabulary.END, m.tokenizer().symbols().get(1));
        assertEquals(m.tokenizer().symbols(), m.classes());
        assertEquals(13, m.spec().vocab());
        // Untrained, every one of 13 symbols is about equally likely: log2(13) = 3.7 bits.
        List<SequenceBatch.Example> held = NextTokenTrainer.heldOut(ndfa, 200, 3);
        double before = NextTokenEvaluation.onExamples(new Network(m.spec()), Parameters.xavier(m.spec(), 44), held).bitsPerToken();
        assertTrue(before > 3.0, "untrained " + before);
        assertTrue(o.heldOut().bitsPerToken() < 1.5, "trained " + o.heldOut().bitsPerToken());
        assertEquals(300, o.steps());
        ModelSnapshot back = ModelSnapshot.fromBytes(o.snapshot().toBytes());
        assertEquals(m.tokenizer(), back.metadata().tokenizer());
    }

    @Test
    void shouldMaskPaddingSoThatABatchLossIsTheMeanOverItsRealTokens() {
        Language brackets = Language.named("brackets");
        List<SequenceBatch.Example> ex = NextTokenTrainer.generate(brackets, 6, new Random(8));
        var spec = NextTokenTrainer.spec(brackets.vocabulary(), 8, 1);
        Parameters p = Parameters.xavier(spec, 1);
        Network net = new Network(spec);
        float[] grad = new float[p.values().length];
        double sum = 0;
        int tokens = 0;
        for (SequenceBatch.Example e : ex) {
            Network.Loss l = net.lossAndGradient(p, SequenceBatch.of(List.of(e)), null, grad);
            sum += l.value() * l.scored();
            tokens += l.scored();
        }
        Network.Loss all = net.lossAndGradient(p, SequenceBatch.of(ex), null, grad);
        assertEquals(tokens, all.scored());
        assertEquals(sum / tokens, all.value(), 1e-5);
    }

    @Test
    void shouldMakeExamplesFromStartThroughEnd() {
        NextVocabulary v = Language.named("brackets").vocabulary();
        SequenceBatch.Example e = NextTokenTrainer.example(v, "(())");
        int open = v.symbols().indexOf("("), close = v.symbols().indexOf(")");
        assertEquals(List.of(NextVocabulary.START_ID, open, open, close, close), java.util.Arrays.stream(e.inputs()).boxed().toList());
        assertEquals(List.of(open, open, close, close, NextVocabulary.END_ID), java.util.Arrays.stream(e.targets()).boxed().toList());
    }
}
