package io.seqstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.metrics.ServingMeters;
import io.seqstream.model.CellType;
import io.seqstream.model.ModelSnapshot;
import io.seqstream.model.ModelSpec;
import io.seqstream.model.NgramBag;
import io.seqstream.model.Parameters;
import io.seqstream.model.TokenizerSpec;
import io.seqstream.model.text.Tokenizer;
import io.seqstream.model.text.WordTokenizer;
import io.seqstream.serve.ServedModel;
import io.seqstream.testing.OutputCollector;
import io.seqstream.testing.Pipelines;
import io.seqstream.testing.SharedKafka;
import io.seqstream.train.OptimizerConfig;
import io.seqstream.train.sentiment.Encoded;
import io.seqstream.train.sentiment.HybridSentiment;
import io.seqstream.train.sentiment.NgramBagFit;
import io.seqstream.train.sentiment.ImdbLoader;
import io.seqstream.train.sentiment.RecurrentModel;
import io.seqstream.train.sentiment.Review;
import io.seqstream.train.sentiment.SentimentSetup;
import io.seqstream.train.sentiment.SentimentTrainer;
import io.seqstream.train.sentiment.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sentiment pipeline on the real broker: ten IMDb test reviews streamed word by word (one to three words per
 * record, streams interleaved) give, after every word, the running P(positive) of the model's offline forward pass
 * over the same review. The model is a small LSTM trained here in about a second with a 1..2-gram bag folded in (its
 * accuracy is not the point; the bag's sums and previous word are carried in the stream's state between records).
 */
@ExtendWith(SharedKafka.class)
class SentimentPipelineIT {
    private static final Path IMDB = Path.of("../shared/data/imdb");

    @Test
    void shouldStreamTenTestReviewsWordByWordToTheModelsOfflineRunningScores() throws Exception {
        List<Review> trainSplit = ImdbLoader.train(IMDB);
        // The file is sorted by label: 600 of each from both ends.
        List<Review> small = new ArrayList<>(trainSplit.subList(0, 600));
        small.addAll(trainSplit.subList(trainSplit.size() - 600, trainSplit.size()));
        TokenizerSpec vocab = Vocabulary.build(small.stream().map(Review::text).toList(), 3000);
        Tokenizer tok = SentimentSetup.tokenizer(vocab);
        SentimentSetup.Split split = SentimentSetup.split(small, 100, 3);
        ModelSpec spec = SentimentSetup.spec(CellType.LSTM, 16, vocab.symbols().size(), 8);
        RecurrentModel model = new RecurrentModel(SentimentSetup.parameters(spec, vocab, null, 7));
        SentimentTrainer.Result trained = SentimentTrainer.train(model, Encoded.of(tok, split.train()), Encoded.of(tok, split.validation()),
                new SentimentTrainer.Settings(60, 32, 1, new OptimizerConfig(3e-3, 1.0, 0), 1, Duration.ofMinutes(2), 1000, 20_000), s -> { });
        assertTrue(trained.steps() > 0);
        NgramBag bag = new NgramBag(2, 1 << 14);
        Parameters folded = HybridSentiment.fold(model.parameters(), bag,
                NgramBagFit.fit(bag, Encoded.of(tok, split.train()), 1e-3, 100), 0.5, 1.5);
        model = new RecurrentModel(folded);
        ModelSnapshot snapshot = new ModelSnapshot(SentimentSetup.metadata("sentiment-it", folded.spec(), vocab, trained.steps(), Map.of()),
                folded);
        Path file = Files.createTempFile("sentiment-it", ".model");
        snapshot.save(file);

        List<Review> test = ImdbLoader.test(IMDB);
        Random rng = new Random(11);
        List<Review> reviews = new ArrayList<>();
        for (int i = 0; i < 10; i++) reviews.add(test.get(rng.nextInt(12_500) + (i % 2 == 0 ? 0 : 12_500)));
        List<int[]> ids = new ArrayList<>();
        for (Review r : reviews) ids.add(tok.encode(r.text()).ids());
        float[][] offline = model.running(ids);

        String bootstrap = SharedKafka.bootstrap();
        SeqstreamConfig config = SeqstreamConfig.of(Map.of("pipelines", "sentiment-it", "pipeline.sentiment-it.model", file.toString(),
                "app.instance-id", "it"));
        SeqstreamConfig.Pipeline p = config.pipelines().get(0);
        Pipelines.createTopics(bootstrap, config, 2);
        ServedModel served = ServedModel.of(ModelSnapshot.load(file));
        PipelineProcessor processor = new PipelineProcessor(config, p, bootstrap, 0, served,
                new ServingMeters(new SimpleMeterRegistry(), p.name(), served.name()), OutputSink.NONE);
        processor.start().get(60, TimeUnit.SECONDS);
        int total = 0;
        List<ConsumerRecord<byte[], byte[]>> out;
        try {
            try (KafkaProducer<byte[], byte[]> producer = Pipelines.producer(bootstrap)) {
                List<List<String>> words = new ArrayList<>();
                for (Review r : reviews) words.add(WordTokenizer.words(r.text()));
                int[] next = new int[reviews.size()];
                boolean more = true;
                while (more) { // round robin over the reviews, one to three words per record
                    more = false;
                    for (int i = 0; i < reviews.size(); i++) {
                        List<String> w = words.get(i);
                        if (next[i] >= w.size()) continue;
                        int n = Math.min(w.size() - next[i], 1 + rng.nextInt(3));
                        producer.send(Pipelines.record(p.inputTopic(), "review-" + i, String.join(" ", w.subList(next[i], next[i] + n))));
                        next[i] += n;
                        more = true;
                    }
                }
                producer.flush();
                for (List<String> w : words) total += w.size();
            }
            try (OutputCollector c = new OutputCollector(bootstrap, p.outputTopic())) {
                c.atLeast(total, Duration.ofMinutes(2));
                out = c.drain(Duration.ofSeconds(1));
            }
        } finally {
            processor.close();
        }
        assertEquals(total, out.size(), "one output per word");
        Map<String, List<OutputRecord>> byStream = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
            byStream.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(OutputCollector.output(r));
        }
        for (int i = 0; i < reviews.size(); i++) {
            List<OutputRecord> got = byStream.get("review-" + i);
            List<String> words = WordTokenizer.words(reviews.get(i).text());
            assertEquals(offline[i].length, got.size(), "review " + i + ": one output per word");
            for (int t = 0; t < got.size(); t++) {
                OutputRecord n = got.get(t);
                assertEquals(t, (int) n.pos(), "review " + i + " in order");
                assertEquals(words.get(t), n.in());
                assertEquals(offline[i][t], (float) n.positive(), 1e-6f, "review " + i + " word " + t);
            }
            OutputRecord last = got.get(got.size() - 1);
            // The final running score is the model's prediction for the whole review.
            assertEquals(offline[i][offline[i].length - 1], (float) last.positive(), 1e-6f, "review " + i + " final score");
            assertEquals(last.positive() >= 0.5 ? "positive" : "negative", last.out());
            assertEquals("sentiment-it", last.model());
        }
    }
}
