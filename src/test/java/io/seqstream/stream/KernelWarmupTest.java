package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seqstream.model.BatchedStep;
import io.seqstream.model.ModelSpec;
import io.seqstream.serve.ServedModel;
import io.seqstream.testing.TestModels;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KernelWarmupTest {

    @Test
    void shouldRunTheStepsAndLeaveTheModelAndLaterStepsUnchanged() throws Exception {
        for (ServedModel model : new ServedModel[]{ServedModel.of(TestModels.echo()), ServedModel.of(TestModels.next())}) {
            float[] weights = model.parameters().values().clone();
            Probe before = Probe.run(model);

            KernelWarmup.WarmupReport report = KernelWarmup.warm(model, "p", 300);

            assertEquals(300, report.steps(), model.name());
            assertTrue(report.tokens() >= 300, report.toString());
            assertArrayEquals(weights, model.parameters().values(), model.name() + ": the parameters are only read");
            Probe after = Probe.run(model);
            assertArrayEquals(before.states, after.states, model.name() + ": a real step afterwards is bit-for-bit the same");
            assertArrayEquals(before.probs, after.probs, model.name());
        }
    }

    @Test
    void shouldDoNothingWhenOff() throws Exception {
        KernelWarmup.WarmupReport report = KernelWarmup.warm(ServedModel.of(TestModels.echo()), "echo", 0);
        assertEquals(0, report.steps());
        assertEquals(0, report.tokens());
    }

    @Test
    void shouldStopAtTheBudget() throws Exception {
        KernelWarmup.WarmupReport report = KernelWarmup.warm(ServedModel.of(TestModels.echo()), "echo", 1_000_000, Duration.ZERO);
        assertEquals(0, report.steps());
    }

    /** Three streams stepped over five tokens from zero state on a stepper of their own. */
    private record Probe(float[] states, float[] probs) {
        static Probe run(ServedModel model) {
            ModelSpec spec = model.spec();
            BatchedStep step = new BatchedStep(spec, 3);
            float[] states = new float[3 * spec.stateWidth()];
            float[] probs = new float[3 * spec.classes()];
            int[] params = spec.params() > 0 ? new int[]{0, 1 % spec.params(), 0} : null;
            for (int t = 0; t < 5; t++) {
                int[] tokens = {t % spec.vocab(), (t + 1) % spec.vocab(), (2 * t) % spec.vocab()};
                step.step(model.parameters(), 3, tokens, params, states, new int[]{2, 0, 1}, probs);
            }
            return new Probe(states, probs);
        }
    }
}
