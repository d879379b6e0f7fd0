package io.seqstream.bench;

import io.seqstream.model.CellType;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.train.Optimizer;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.TaskTrainer;
import io.seqstream.train.backend.BackendKind;
import io.seqstream.train.backend.BackendParity;
import io.seqstream.train.backend.BackendUnavailableException;
import io.seqstream.train.backend.TrainingBackend;
import io.seqstream.train.backend.TrainingBackends;
import io.seqstream.train.next.NextTokenTrainer;
import io.seqstream.train.next.TextCorpus;
import io.seqstream.train.task.EchoTask;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each training backend on the same work: echo as {@code run} trains it on first start (GRU 64, delay 4, batch 50,
 * Adam 3e-3, clip 1, the task's curriculum and stopping rule) trained until it passes, held-out accuracy (evaluated on the kernels, as the served model would be),
 * the gradient's largest per-tensor difference from the kernels on the same batches (echo's GRU 64 and the large
 * model), and steady-state updates per second of a larger model: LSTM 512 on Tiny Shakespeare, 32 strips, BPTT
 * windows of 100 characters, a fixed number of steps after uncounted warm-up steps. A backend that cannot run here
 * is listed with the reason.
 */
public final class BackendBench {
    private BackendBench() {
    }

    /** What to run: the large model's hidden size, its measured and warm-up steps, echo's time budget. */
    public record Plan(int largeHidden, int largeSteps, int largeWarmup, int largeBatch, int bptt, Duration echoMaxTime, long seed) {
    }

    public static Map<String, Object> run(BackendKind kind, TextCorpus corpus, Plan plan) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("backend", kind.configName());
        EchoTask echo = new EchoTask(4);
        ModelSpec echoSpec = ModelSpec.oneHot(CellType.GRU, 64, echo.vocab(), echo.classes());
        ModelSpec large = NextTokenTrainer.spec(corpus.vocabulary(), plan.largeHidden(), 1);
        try (TrainingBackend probe = TrainingBackends.open(kind, echoSpec)) {
            row.put("device", probe.device());
            BackendParity.Result echoParity = BackendParity.check(probe, echoSpec, 50, 20, plan.seed());
            row.put("available", true);
            row.put("echoParity", echoParity);
            row.put("maxRelativeGradientDifference", echoParity.gradientRelativeDifference());
        } catch (BackendUnavailableException e) {
            row.put("device", "none");
            row.put("available", false);
            row.put("reason", e.getMessage());
            return row;
        }
        try (TrainingBackend b = TrainingBackends.open(kind, large)) {
            BackendParity.Result largeParity = BackendParity.check(b, large, 8, 50, plan.seed());
            row.put("largeParity", largeParity);
            row.put("maxRelativeGradientDifference", Math.max((Double) row.get("maxRelativeGradientDifference"),
                    largeParity.gradientRelativeDifference()));
        }

        TaskTrainer.Settings settings = TaskTrainer.Settings.defaults().withSeed(plan.seed()).withMaxTime(plan.echoMaxTime());
        TaskTrainer.Result r = new TaskTrainer(echo, echoSpec, new OptimizerConfig(3e-3, 1.0, 0), settings, kind)
                .train(io.seqstream.train.TaskCatalog.curriculum(echo, true), null, null);
        row.put("seconds", r.seconds());
        row.put("heldOutAccuracy", r.heldOutAccuracy());
        row.put("echoSteps", r.steps());
        row.put("echoSolved", r.solved());

        row.put("largeModel", "LSTM " + plan.largeHidden() + ", Tiny Shakespeare, batch " + plan.largeBatch() + ", BPTT " + plan.bptt());
        row.put("largeStepsPerSecond", largeStepsPerSecond(kind, large, corpus, plan));
        return row;
    }

    /** Truncated BPTT over contiguous strips, as NextTokenTrainer.trainCorpus reads them; warm-up steps not counted. */
    private static double largeStepsPerSecond(BackendKind kind, ModelSpec spec, TextCorpus corpus, Plan plan) {
        int b = plan.largeBatch();
        int w = plan.bptt();
        int[] ids = corpus.vocabulary().encode(corpus.train());
        int stripLength = ids.length / b;
        Parameters p = Parameters.xavier(spec, plan.seed());
        Optimizer opt = new Optimizer(new OptimizerConfig(1e-3, 1.0, 0), p.values().length);
        float[] grad = new float[p.values().length];
        float[] state = new float[b * spec.stateWidth()];
        int[][] in = new int[b][w];
        int[][] tg = new int[b][w];
        int[] len = new int[b];
        long start = 0;
        try (TrainingBackend backend = TrainingBackends.open(kind, spec)) {
            for (int step = 0; step < plan.largeWarmup() + plan.largeSteps(); step++) {
                if (step == plan.largeWarmup()) start = System.nanoTime();
                int pos = (step * w) % Math.max(1, stripLength - w - 1);
                for (int i = 0; i < b; i++) {
                    for (int s = 0; s < w; s++) {
                        in[i][s] = pos + s == 0 ? NextVocabulary.START_ID : ids[i * stripLength + pos + s - 1];
                        tg[i][s] = ids[i * stripLength + pos + s];
                    }
                    len[i] = w;
                }
                SequenceBatch batch = new SequenceBatch(in, len, null, tg);
                double loss = backend.lossAndGradient(p, batch, state, grad).value();
                opt.step(p.values(), grad, loss);
            }
        }
        return plan.largeSteps() / ((System.nanoTime() - start) / 1e9);
    }
}
