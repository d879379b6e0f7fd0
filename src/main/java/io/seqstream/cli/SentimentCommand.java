package io.seqstream.cli;

import io.seqstream.model.CellType;
import io.seqstream.model.EnsembleMerge;
import io.seqstream.model.ModelMetadata;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.ModelTask;
import io.seqstream.model.NgramBag;
import io.seqstream.model.Parameters;
import io.seqstream.model.Readout;
import io.seqstream.model.TokenizerSpec;
import io.seqstream.model.text.Tokenizer;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.report.ReportWriter;
import io.seqstream.train.report.Table;
import io.seqstream.train.sentiment.Encoded;
import io.seqstream.train.sentiment.Glove;
import io.seqstream.train.sentiment.HybridSentiment;
import io.seqstream.train.sentiment.ImdbLoader;
import io.seqstream.train.sentiment.MlpModel;
import io.seqstream.train.sentiment.RecurrentModel;
import io.seqstream.train.sentiment.Review;
import io.seqstream.train.sentiment.SentimentEvaluation;
import io.seqstream.train.sentiment.SentimentModel;
import io.seqstream.train.sentiment.SentimentSetup;
import io.seqstream.train.sentiment.SentimentTrainer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.seqstream.cli.TrainCommand.or;

/**
 * {@code train --task sentiment} and {@code eval --task sentiment}: word-level IMDb sentiment models (MLP baseline,
 * Elman RNN, LSTM; embedding from scratch or from GloVe) trained on the IMDb train split only (a validation part
 * carved from it) and scored on the test split, on whole reviews and part-way (25/50/75 % of the words seen).
 */
final class SentimentCommand {
    static final String CSV_HEADER = "model,embedding,hidden,vocab,max_words,epochs,steps,train_seconds,validation_accuracy,"
            + "test_reviews,acc_25,acc_50,acc_75,test_accuracy,test_log_loss,eval_seconds";

    private SentimentCommand() {
    }

    static int train(TrainCommand a, PrintStream out) throws Exception {
        Path data = Path.of(or(a.data, "../shared/data/imdb"));
        String cellName = or(a.cell, "lstm").toLowerCase(Locale.ROOT);
        boolean mlp = cellName.equals("mlp");
        CellType cell = mlp ? null : CellType.parse(cellName);
        if (cell == CellType.GRU) throw new UsageException("sentiment models are mlp, rnn or lstm");
        Path glovePath = a.glove;
        int hidden = or(a.hidden, 64);
        int embed = a.embed;
        int vocabSize = a.vocab;
        long seed = or(a.seed, 1);
        Readout readout = Readout.parse(a.readout);
        if (mlp && readout != Readout.LAST) throw new UsageException("--readout is for rnn and lstm models");
        if (mlp && a.ngrams > 0) throw new UsageException("--ngrams is for rnn and lstm models");
        if (a.ngrams < 0 || a.ngrams > 3) throw new UsageException("--ngrams must be 0..3, was " + a.ngrams);
        if (a.ngramBuckets < 1) throw new UsageException("--ngram-buckets must be >= 1, was " + a.ngramBuckets);
        double lr = or(a.lr, 3e-3);
        SentimentTrainer.Settings settings = new SentimentTrainer.Settings(a.maxWords, or(a.batch, 32), a.epochs,
                new OptimizerConfig(lr, or(a.clip, 1.0), 0), seed, Duration.ofSeconds(or(a.maxSeconds, 3600)),
                or(a.evalEvery, 200), a.tokenBudget, or(a.lrFinal, lr), a.wordDropout);
        String embedding = glovePath == null ? "scratch" : "glove";
        String modelName = or(a.name, "sentiment-" + cellName + (glovePath == null ? "" : "-glove") + (a.ngrams > 0 ? "-bag" + a.ngrams : ""));

        long t0 = System.nanoTime();
        // The validation part and the vocabulary depend on the split seed only, so runs of other training seeds are
        // compared (and ensembled) on the same validation reviews.
        SentimentSetup.Split split = split(a.validation, a.splitSeed, a.splitBlocks, data);
        TokenizerSpec vocab = SentimentSetup.vocabulary(split.train(), vocabSize);
        Tokenizer tok = SentimentSetup.tokenizer(vocab);
        Encoded train = Encoded.of(tok, split.train());
        Encoded validation = Encoded.of(tok, split.validation());
        Glove glove = glovePath == null ? null : Glove.load(glovePath);
        out.printf(Locale.ROOT, "%s: %d training reviews (%d words), %d validation, vocabulary %d + unknown, embedding %s; data ready in %.1f s%n",
                modelName, train.size(), train.words(), validation.size(), vocab.symbols().size() - 1, embedding, (System.nanoTime() - t0) / 1e9);

        SentimentModel model;
        ModelSpec spec = null;
        if (mlp) {
            MlpModel m = new MlpModel(vocab.symbols().size(), embed, hidden, seed + 41);
            if (glove != null) {
                if (glove.dimension() != embed) throw new UsageException("--embed must be " + glove.dimension() + " with this GloVe file");
                SentimentSetup.initialiseFromGlove(m.values(), m.embeddingOffset(), vocab, glove, seed + 42);
            }
            model = m;
        } else {
            spec = SentimentSetup.spec(cell, hidden, vocab.symbols().size(), glove == null ? embed : glove.dimension()).withReadout(readout);
            model = new RecurrentModel(SentimentSetup.parameters(spec, vocab, glove, seed + 41), a.backend());
        }
        out.println("  model: " + model.describe() + ", last " + settings.maxWords() + " words of each review, batch "
                + settings.batchSize() + ", Adam lr " + lrText(settings) + ", clip " + settings.optimizer().clipNorm()
                + (settings.wordDropout() > 0 ? ", word dropout " + settings.wordDropout() : ""));
        SentimentTrainer.Result r;
        ProgressLine progress = ProgressLine.on(out);
        try {
            r = SentimentTrainer.train(model, train, validation, settings, progress::line);
        } finally {
            progress.finish();
        }
        out.printf(Locale.ROOT, "  trained in %.1f s: %d updates, best validation accuracy %.4f after update %d%n",
                r.seconds(), r.steps(), r.validationAccuracy(), r.bestStep());
        HybridSentiment.Result hybrid = null;
        if (a.ngrams > 0) {
            // The bag is fitted on its own and folded in; its regularisation and weight are picked on validation.
            long h0 = System.nanoTime();
            hybrid = HybridSentiment.build(((RecurrentModel) model).parameters(),
                    new NgramBag(a.ngrams, a.ngramBuckets), train, validation, settings.tokenBudget(), out::println);
            model = new RecurrentModel(hybrid.parameters());
            spec = hybrid.parameters().spec();
            double seconds = r.seconds() + (System.nanoTime() - h0) / 1e9;
            r = new SentimentTrainer.Result(hybrid.validationAccuracy(), r.bestStep(), r.steps(), r.examples(), seconds, r.log(), r.skippedSteps());
            out.printf(Locale.ROOT, "  folded model: validation accuracy %.4f (n-gram bag fitted and folded in %.1f s)%n",
                    hybrid.validationAccuracy(), (System.nanoTime() - h0) / 1e9);
        }

        Path outFile = or(a.out, Path.of("models/" + modelName + ".model"));
        if (spec != null) { // saved before the test run, and again below with the test figures in its metadata
            new ModelSnapshot(SentimentSetup.metadata(modelName, spec, vocab, r.steps(),
                    Map.of("validationAccuracy", r.validationAccuracy(), "trainSeconds", r.seconds())),
                    ((RecurrentModel) model).parameters()).save(outFile);
        }
        SentimentEvaluation.Result test = null;
        double evalSeconds = Double.NaN;
        if (!a.noTest) {
            long e0 = System.nanoTime();
            test = testEvaluation(model, tok, data, a.testLimit, settings.tokenBudget());
            evalSeconds = (System.nanoTime() - e0) / 1e9;
            printTest(out, modelName, test, evalSeconds);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("validationAccuracy", r.validationAccuracy());
        metrics.put("trainSeconds", r.seconds());
        putTestMetrics(metrics, test);
        String row = String.join(",", cellName + (a.ngrams > 0 ? "+bag" + a.ngrams : ""), embedding, String.valueOf(hidden), String.valueOf(vocab.symbols().size() - 1),
                String.valueOf(settings.maxWords()), String.valueOf(settings.epochs()), String.valueOf(r.steps()), f1(r.seconds()),
                f4(r.validationAccuracy()), testColumns(test, evalSeconds));
        if (spec != null) {
            ModelMetadata meta = SentimentSetup.metadata(modelName, spec, vocab, r.steps(), metrics);
            new ModelSnapshot(meta, ((RecurrentModel) model).parameters()).save(outFile);
            out.println("  saved " + outFile);
        }
        if (a.results != null) appendRow(a.results, row, out);
        if (a.report != null) {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("data", "IMDb train split (" + train.size() + " training, " + validation.size() + " validation reviews); test split for the results");
            s.put("model", model.describe());
            s.put("embedding", glovePath == null ? "trained from scratch" : "initialised from " + glovePath.getFileName() + ", trained");
            s.put("training words", "last " + settings.maxWords() + " of each review, label scored at the true last word");
            s.put("batches", settings.batchSize() + " reviews, length-bucketed");
            s.put("optimiser", "Adam lr " + lrText(settings) + ", global-norm clip " + settings.optimizer().clipNorm());
            if (hybrid != null) {
                s.put("n-gram bag", String.format(Locale.ROOT, "hashed 1..%d-grams of whole training reviews, %d buckets, "
                        + "logistic regression (L-BFGS, L2 %.0e picked on validation), alone %.4f on validation; network alone %.4f; "
                        + "folded logit = (network + %.2f x bag) / %.3f, weight and temperature picked on validation",
                        a.ngrams, a.ngramBuckets, hybrid.bag().lambda(), hybrid.bagAccuracy(), hybrid.networkAccuracy(), hybrid.alpha(),
                        hybrid.temperature()));
            }
            if (settings.wordDropout() > 0) s.put("word dropout", settings.wordDropout() + " of the training words replaced by <unk>, drawn per batch");
            s.put("epochs", String.valueOf(settings.epochs()));
            Table t = new Table("validation accuracy", "test accuracy", "running acc. 25 %", "50 %", "75 %", "test reviews",
                    "training s", "evaluation s");
            t.row(f4(r.validationAccuracy()), test == null ? "-" : f4(test.finalAccuracy()), test == null ? "-" : f4(test.accuracy()[0]),
                    test == null ? "-" : f4(test.accuracy()[1]), test == null ? "-" : f4(test.accuracy()[2]),
                    test == null ? "-" : String.valueOf(test.reviews()), f1(r.seconds()), f1(evalSeconds));
            out.println("report: " + new ReportWriter(a.report).write(modelName, "Training " + modelName, s, t, r.log(),
                    "In the log and the plot, \"held-out\" is the validation accuracy on whole reviews and \"level\" the epoch."));
        }
        return 0;
    }

    /**
     * {@code train --task sentiment-ensemble --members A,B[,...]}: trained models of one shape and vocabulary folded into
     * one servable model that reads their mean logits; each member and the merge are scored on the validation part
     * (the same carving as their training), the merge on the test split.
     */
    static int ensemble(TrainCommand a, PrintStream out) throws Exception {
        Path data = Path.of(or(a.data, "../shared/data/imdb"));
        List<String> files = a.members == null ? List.of() : List.of(a.members.split(","));
        if (files.size() < 2 || files.stream().anyMatch(String::isBlank)) throw new UsageException("--members needs two or more model files, comma-separated");
        List<ModelSnapshot> members = new java.util.ArrayList<>();
        for (String f : files) members.add(ModelSnapshot.load(Path.of(f.trim())));
        TokenizerSpec vocab = members.get(0).metadata().tokenizer();
        for (ModelSnapshot m : members) {
            if (m.metadata().task() != ModelTask.SENTIMENT) throw new UsageException(m.metadata().name() + " is not a sentiment model");
            if (!m.metadata().tokenizer().equals(vocab)) throw new UsageException(m.metadata().name() + " has another vocabulary");
        }
        Tokenizer tok = SentimentSetup.tokenizer(vocab);
        SentimentSetup.Split split = split(a.validation, a.splitSeed, a.splitBlocks, data);
        Encoded validation = Encoded.of(tok, split.validation());
        int budget = a.tokenBudget;
        if (a.ngrams < 0 || a.ngrams > 3) throw new UsageException("--ngrams must be 0..3, was " + a.ngrams);
        for (ModelSnapshot m : members) {
            out.printf(Locale.ROOT, "  member %s: validation accuracy %.4f%n", m.metadata().name(),
                    SentimentEvaluation.evaluate(new RecurrentModel(m.parameters()), validation, budget).finalAccuracy());
        }
        Parameters merged = EnsembleMerge.merge(members.stream().map(ModelSnapshot::parameters).toList());
        if (a.ngrams > 0) {
            out.printf(Locale.ROOT, "  merged members: validation accuracy %.4f%n",
                    SentimentEvaluation.evaluate(new RecurrentModel(merged), validation, budget).finalAccuracy());
            merged = HybridSentiment.build(merged, new NgramBag(a.ngrams, a.ngramBuckets), Encoded.of(tok, split.train()), validation,
                    budget, out::println).parameters();
        }
        RecurrentModel model = new RecurrentModel(merged);
        double val = SentimentEvaluation.evaluate(model, validation, budget).finalAccuracy();
        String name = or(a.name, "sentiment-ensemble");
        out.printf(Locale.ROOT, "%s (%s): validation accuracy %.4f on %d reviews%n", name, model.describe(), val, validation.size());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("validationAccuracy", val);
        SentimentEvaluation.Result test = null;
        double evalSeconds = Double.NaN;
        if (!a.noTest) {
            long e0 = System.nanoTime();
            test = testEvaluation(model, tok, data, a.testLimit, budget);
            evalSeconds = (System.nanoTime() - e0) / 1e9;
            printTest(out, name, test, evalSeconds);
            putTestMetrics(metrics, test);
        }
        long steps = members.stream().mapToLong(m -> m.metadata().step()).sum();
        Path file = or(a.out, Path.of("models/" + name + ".model"));
        new ModelSnapshot(SentimentSetup.metadata(name, merged.spec(), vocab, steps, metrics), merged).save(file);
        out.println("  saved " + file);
        if (a.results != null) {
            ModelSpec one = members.get(0).metadata().spec();
            String row = String.join(",", one.cell().name().toLowerCase(Locale.ROOT) + " x" + members.size()
                            + (a.ngrams > 0 ? "+bag" + a.ngrams : ""), "members", String.valueOf(one.hidden()),
                    String.valueOf(vocab.symbols().size() - 1), "", "", String.valueOf(steps), "", f4(val), testColumns(test, evalSeconds));
            appendRow(a.results, row, out);
        }
        return 0;
    }

    /** The test figures a model's metadata keeps (nothing without a test run). */
    private static void putTestMetrics(Map<String, Double> metrics, SentimentEvaluation.Result test) {
        if (test == null) return;
        metrics.put("testAccuracy", test.finalAccuracy());
        metrics.put("testAccuracy25", test.accuracy()[0]);
        metrics.put("testAccuracy50", test.accuracy()[1]);
        metrics.put("testAccuracy75", test.accuracy()[2]);
    }

    /** The CSV columns test_reviews .. eval_seconds (empty without a test run). */
    private static String testColumns(SentimentEvaluation.Result test, double evalSeconds) {
        if (test == null) return String.join(",", "", "", "", "", "", "", f1(evalSeconds));
        return String.join(",", String.valueOf(test.reviews()), f4(test.accuracy()[0]), f4(test.accuracy()[1]),
                f4(test.accuracy()[2]), f4(test.finalAccuracy()), f4(test.meanLogLoss()), f1(evalSeconds));
    }

    private static void appendRow(Path csv, String row, PrintStream out) throws java.io.IOException {
        if (csv.toAbsolutePath().getParent() != null) Files.createDirectories(csv.toAbsolutePath().getParent());
        if (!Files.exists(csv)) Files.writeString(csv, CSV_HEADER + "\n");
        Files.writeString(csv, row + "\n", StandardOpenOption.APPEND);
        out.println("  row appended to " + csv);
    }

    /** The validation part: random reviews, or with blocks > 0 blocks of that many consecutive ids (whole movies). */
    private static SentimentSetup.Split split(int validation, long seed, int blocks, Path data) throws Exception {
        List<Review> all = ImdbLoader.train(data);
        return blocks > 0 ? SentimentSetup.blockSplit(all, validation, seed, blocks) : SentimentSetup.split(all, validation, seed);
    }

    private static String lrText(SentimentTrainer.Settings s) {
        double lr = s.optimizer().learningRate();
        return s.finalLearningRate() == lr ? String.valueOf(lr) : lr + " cosine to " + s.finalLearningRate() + " over " + s.epochs() + " epochs";
    }

    static int eval(EvalCommand a, PrintStream out) throws Exception {
        Path file = or(a.model, Path.of("models/sentiment-lstm.model"));
        ModelSnapshot m = ModelSnapshot.load(file);
        if (m.metadata().task() != ModelTask.SENTIMENT) throw new UsageException(file + " is not a sentiment model");
        Tokenizer tok = io.seqstream.model.text.Tokenizers.from(m.metadata().tokenizer());
        long e0 = System.nanoTime();
        SentimentEvaluation.Result test = testEvaluation(new RecurrentModel(m.parameters()), tok,
                Path.of(or(a.data, "../shared/data/imdb")), a.testLimit, a.tokenBudget);
        printTest(out, m.metadata().name() + " v" + m.metadata().version(), test, (System.nanoTime() - e0) / 1e9);
        return 0;
    }

    /** Whole test reviews, full length; a limit takes an equal number of each label from the (label-sorted) file. */
    static SentimentEvaluation.Result testEvaluation(SentimentModel model, Tokenizer tok, Path data, int limit, int budget) throws Exception {
        List<Review> test = ImdbLoader.test(data);
        if (limit > 0 && limit < test.size()) {
            int half = limit / 2;
            List<Review> neg = test.stream().filter(x -> x.label() == 0).limit(half).toList();
            List<Review> pos = test.stream().filter(x -> x.label() == 1).limit(limit - half).toList();
            test = new java.util.ArrayList<>(neg);
            test.addAll(pos);
        }
        return SentimentEvaluation.evaluate(model, Encoded.of(tok, test), budget);
    }

    private static void printTest(PrintStream out, String name, SentimentEvaluation.Result t, double seconds) {
        out.printf(Locale.ROOT, "  %s on %d IMDb test reviews: accuracy %.4f; running accuracy after 25 %% %.4f, 50 %% %.4f, 75 %% %.4f"
                + " of the words; log loss %.4f (%.1f s)%n", name, t.reviews(), t.finalAccuracy(), t.accuracy()[0], t.accuracy()[1],
                t.accuracy()[2], t.meanLogLoss(), seconds);
    }

    private static String f4(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v); }

    private static String f1(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v); }
}
