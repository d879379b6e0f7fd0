package io.seqstream.cli;

import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.Network;
import io.seqstream.model.Sampler;
import io.seqstream.model.text.NextVocabulary;
import io.seqstream.train.next.Language;
import io.seqstream.train.next.NextTokenEvaluation;
import io.seqstream.train.next.NextTokenTrainer;
import io.seqstream.train.next.TextCorpus;
import io.seqstream.train.report.ReportWriter;
import io.seqstream.train.report.Table;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static io.seqstream.cli.TrainCommand.or;

/**
 * {@code train} and {@code eval} for the next-token tasks: brackets and ndfa (judged by 1000 samples at
 * temperature 0.5 from the start token) and shakespeare (held-out bits per character on the last 10 %).
 */
final class NextTaskCommand {
    static final List<String> NAMES = List.of("brackets", "ndfa", "shakespeare");
    static final int SAMPLES = 1000;
    static final double TEMPERATURE = 0.5;
    static final int MAX_LENGTH = 500;

    private NextTaskCommand() {
    }

    static boolean handles(String task) { return NAMES.contains(task); }

    static int train(TrainCommand a, PrintStream out) throws Exception {
        String task = a.task;
        boolean corpus = task.equals("shakespeare");
        NextTokenTrainer.Settings d = corpus ? NextTokenTrainer.Settings.corpus() : NextTokenTrainer.Settings.language();
        NextTokenTrainer.Settings s = new NextTokenTrainer.Settings(or(a.hidden, d.hidden()), or(a.layers, d.layers()),
                or(a.lr, d.learningRate()), or(a.clip, d.clipNorm()), or(a.batch, d.batchSize()),
                or(a.maxSteps, (int) d.maxSteps()), Duration.ofSeconds(or(a.maxSeconds, (int) d.maxTime().toSeconds())),
                or(a.evalEvery, d.evalEvery()), or(a.seed, (int) d.seed()), d.curriculum() && !a.noCurriculum,
                or(a.bptt, d.bptt()), or(a.trainSize, d.trainSize()), or(a.heldOut, d.heldOutSize()), or(a.stopAt, d.stopAt()),
                or(a.lrFinal, d.finalLearningRate() == d.learningRate() ? or(a.lr, d.learningRate()) : d.finalLearningRate()),
                or(a.checkTemperature, d.checkTemperature()), or(a.checkSamples, d.checkSamples()));
        String name = or(a.name, task);
        Path file = or(a.out, Path.of("models/" + name + ".model"));
        Path reportDir = a.report;
        NextTokenTrainer trainer = new NextTokenTrainer(s, a.backend());
        NextTokenTrainer.Outcome o;
        Map<String, String> settings = new LinkedHashMap<>();
        Table table;
        String notes;
        long evalSeed = a.evalSeed;
        if (corpus) {
            TextCorpus c = TextCorpus.tinyShakespeare(Path.of(or(a.data, TextCorpus.TINY_SHAKESPEARE.toString())));
            out.printf(Locale.ROOT, "%s: %d training characters, %d held out (last 10 %%), %d symbols with start and end%n",
                    c.name(), c.train().length(), c.heldOut().length(), c.vocabulary().size());
            ProgressLine progress = ProgressLine.on(out);
            try {
                o = trainer.trainCorpus(c, name, progress::line);
            } finally {
                progress.finish();
            }
            long t0 = System.nanoTime();
            NextTokenEvaluation.Bits full = NextTokenEvaluation.onText(new Network(o.snapshot().metadata().spec()),
                    o.snapshot().parameters(), c.vocabulary(), c.heldOut(), 500);
            double evalSeconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "%s: held-out %.4f bits/char over all %d held-out characters (next-char accuracy %.4f; %.1f s)%n",
                    name, full.bitsPerToken(), full.tokens(), full.accuracy(), evalSeconds);
            settings.put("data", "Tiny Shakespeare, first 90 % (" + c.train().length() + " chars) trains, last 10 % ("
                    + c.heldOut().length() + " chars) held out");
            settings.put("training", "truncated BPTT: " + s.batchSize() + " contiguous strips of the training part, windows of "
                    + s.bptt() + " characters, state carried between windows");
            table = new Table("held-out bits/char (all " + full.tokens() + " chars)", "held-out next-char accuracy", "steps",
                    "characters trained", "seconds", "stopped by")
                    .row(f4(full.bitsPerToken()), f4(full.accuracy()), String.valueOf(o.steps()), String.valueOf(o.examples()),
                            f1(o.seconds()), o.stopped());
            notes = curve(o) + samples(o.snapshot(), c.vocabulary(), evalSeed);
        } else {
            Language language = Language.named(task);
            ProgressLine progress = ProgressLine.on(out);
            try {
                o = trainer.trainLanguage(language, name, progress::line);
            } finally {
                progress.finish();
            }
            NextTokenEvaluation.Judged j = NextTokenEvaluation.judge(o.snapshot().parameters(), language, SAMPLES, TEMPERATURE, MAX_LENGTH, evalSeed);
            NextTokenEvaluation.Judged j1 = NextTokenEvaluation.judge(o.snapshot().parameters(), language, SAMPLES, 1.0, MAX_LENGTH, evalSeed);
            for (NextTokenEvaluation.Judged x : List.of(j, j1)) {
                out.printf(Locale.ROOT, "%s: %d samples at temperature %.1f from the start token (seed %d): %d %s (%.1f %%), %d %s (%.1f %%), %d ended%n",
                        name, x.n(), x == j ? TEMPERATURE : 1.0, evalSeed, x.accepted(), language.acceptsName(), 100 * x.acceptedShare(),
                        x.secondary(), language.secondaryName(), 100 * x.secondaryShare(), x.ended());
            }
            settings.put("data", s.trainSize() + " generated training strings (seed " + s.seed() + "), " + s.heldOutSize()
                    + " held-out strings from a separate seed");
            settings.put("training", "epochs of length-bucketed batches, bucket order shuffled each epoch"
                    + (s.curriculum() ? "; curriculum: longest input 12, 25, 50, then all (one epoch each)" : ""));
            settings.put("stopping", "once " + s.checkSamples() + " check samples at temperature " + s.checkTemperature()
                    + " (a seed of their own, never the judged samples' " + evalSeed + ") are >= " + s.stopAt() + " " + language.acceptsName()
                    + ", judged every " + 3 * s.evalEvery() + " steps after the curriculum");
            table = new Table(language.acceptsName() + " (of " + SAMPLES + ", temperature " + TEMPERATURE + ")", language.secondaryName(),
                    language.acceptsName() + " at temperature 1.0", "held-out bits/token",
                    "held-out next-token accuracy", "steps", "sequences", "seconds", "stopped by")
                    .row(pct(j.acceptedShare()), pct(j.secondaryShare()), pct(j1.acceptedShare()), f4(o.heldOut().bitsPerToken()),
                            f4(o.heldOut().accuracy()), String.valueOf(o.steps()), String.valueOf(o.examples()), f1(o.seconds()), o.stopped());
            StringBuilder sb = new StringBuilder(curve(o));
            sb.append("## Samples\n\nThe first 20 of the ").append(SAMPLES).append(" samples at temperature ").append(TEMPERATURE)
                    .append(" from the start token (sampling seed ").append(evalSeed).append("):\n\n```\n");
            for (String e : j.examples()) sb.append(e.isEmpty() ? "(empty)" : e).append('\n');
            sb.append("```\n");
            notes = sb.toString();
        }
        var spec = o.snapshot().metadata().spec();
        settings.put("model", "LSTM, hidden " + spec.hidden() + ", " + spec.layers() + " layer(s), one-hot input, "
                + spec.vocab() + " symbols (start, end and the characters), " + o.snapshot().parameters().values().length + " parameters");
        settings.put("optimiser", "Adam lr " + s.learningRate() + (s.finalLearningRate() == s.learningRate() ? ""
                : " cosine to " + s.finalLearningRate() + " over " + s.maxSteps() + " steps") + ", global L2-norm clip " + s.clipNorm()
                + ", batch " + s.batchSize());
        settings.put("loss", "mean cross-entropy per token (padding masked)");
        settings.put("budget", s.maxSteps() + " steps or " + s.maxTime().toSeconds() + " s; " + Runtime.getRuntime().availableProcessors()
                + " cores seen by the JVM, one training thread");
        o.snapshot().save(file);
        out.printf(Locale.ROOT, "%s: %d steps in %.1f s (%s); saved %s%n", name, o.steps(), o.seconds(), o.stopped(), file);
        if (reportDir != null) {
            var w = new ReportWriter(reportDir).write(name, "Next-token model: " + task, settings, table, o.log(), notes);
            out.println("report: " + w.markdown());
        }
        return 0;
    }

    static int eval(EvalCommand a, PrintStream out) throws Exception {
        String task = a.task;
        ModelSnapshot m = ModelSnapshot.load(or(a.model, Path.of("models/" + task + ".model")));
        NextVocabulary vocabulary = NextVocabulary.of(m.metadata());
        Network net = new Network(m.metadata().spec());
        if (task.equals("shakespeare")) {
            TextCorpus c = TextCorpus.tinyShakespeare(Path.of(or(a.data, TextCorpus.TINY_SHAKESPEARE.toString())));
            NextTokenEvaluation.Bits b = NextTokenEvaluation.onText(net, m.parameters(), vocabulary, c.heldOut(), 500);
            out.printf(Locale.ROOT, "%s v%d: held-out %.4f bits/char over %d characters (last 10 %% of Tiny Shakespeare), next-char accuracy %.4f%n",
                    m.metadata().name(), m.metadata().version(), b.bitsPerToken(), b.tokens(), b.accuracy());
            return 0;
        }
        Language language = Language.named(task);
        int n = a.n;
        double t = or(a.temperature, TEMPERATURE);
        int max = or(a.max, MAX_LENGTH);
        long seed = or(a.seed, 2024);
        NextTokenEvaluation.Judged j = NextTokenEvaluation.judge(m.parameters(), language, n, t, max, seed);
        NextTokenEvaluation.Bits b = NextTokenEvaluation.onExamples(net, m.parameters(),
                NextTokenTrainer.generate(language, or(a.heldOut, 2000), new Random(seed)));
        out.printf(Locale.ROOT, "%s v%d: %d samples at temperature %s (max %d, seed %d): %d %s (%.1f %%), %d %s (%.1f %%), %d ended%n",
                m.metadata().name(), m.metadata().version(), n, t, max, seed, j.accepted(), language.acceptsName(),
                100 * j.acceptedShare(), j.secondary(), language.secondaryName(), 100 * j.secondaryShare(), j.ended());
        out.printf(Locale.ROOT, "  fresh generated strings (seed %d): %.4f bits/token, next-token accuracy %.4f over %d tokens%n",
                seed, b.bitsPerToken(), b.accuracy(), b.tokens());
        for (String e : j.examples().subList(0, Math.min(10, j.examples().size()))) out.println("  " + e);
        return 0;
    }

    private static String curve(NextTokenTrainer.Outcome o) {
        StringBuilder sb = new StringBuilder("## Held-out bits per token during training\n\n");
        Table t = new Table("step", "held-out bits/token");
        List<double[]> e = o.evaluations();
        int every = Math.max(1, e.size() / 15);
        for (int i = 0; i < e.size(); i++) {
            if (i % every == 0 || i == e.size() - 1) t.row(String.valueOf((long) e.get(i)[0]), f4(e.get(i)[1]));
        }
        return sb.append(t.toMarkdown()).append('\n').toString();
    }

    private static String samples(ModelSnapshot m, NextVocabulary v, long seed) {
        StringBuilder sb = new StringBuilder("## Samples\n\n");
        Sampler sampler = new Sampler(m.parameters());
        for (String seedText : new String[]{"", "ROMEO:\n"}) {
            for (double t : new double[]{0.5, 1.0}) {
                Sampler.Sample s = sampler.sample(v.startThen(seedText), 1, t, 400, NextVocabulary.END_ID, new Random(seed)).get(0);
                sb.append("Temperature ").append(t).append(", seed text ").append(seedText.isEmpty() ? "(none)" : "`" + seedText.strip() + "`")
                        .append(", 400 characters, sampling seed ").append(seed).append(":\n\n```\n").append(seedText)
                        .append(v.decode(s.ids())).append("\n```\n\n");
            }
        }
        return sb.toString();
    }

    private static String f4(double v) { return String.format(Locale.ROOT, "%.4f", v); }

    private static String f1(double v) { return String.format(Locale.ROOT, "%.1f", v); }

    private static String pct(double v) { return String.format(Locale.ROOT, "%.1f %%", 100 * v); }
}
