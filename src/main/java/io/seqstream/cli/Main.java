package io.seqstream.cli;

import io.seqstream.config.ConfigException;
import io.seqstream.config.SeqstreamConfig;
import io.seqstream.config.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** Entry point: {@code seqstream COMMAND [options]}. */
public final class Main {
    static final Set<String> FLAGS = Set.of("no-demo", "from-beginning", "help", "quick", "variable", "no-curriculum", "no-test");

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
            out.println(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        String command = argv[0];
        try {
            Args args = Args.parse(java.util.Arrays.copyOfRange(argv, 1, argv.length), FLAGS);
            SeqstreamConfig config = SeqstreamConfig.from(Settings.load(
                    args.has("config") ? Path.of(args.get("config", "")) : null, System.getenv(), args.configOverrides()));
            return switch (command) {
                case "run" -> RunCommand.run(config, args, out);
                case "train" -> TrainCommand.run(args, out);
                case "eval" -> EvalCommand.run(args, out);
                case "sample" -> SampleCommand.run(args, out);
                case "bench" -> BenchCommand.run(args, out);
                case "experiments" -> io.seqstream.train.Experiments.run(Path.of(args.get("out", "docs")),
                        new io.seqstream.train.Experiments.Options(args.flag("quick"), args.integer("threads", 2)), out);
                case "produce" -> ProduceCommand.run(config, args, out);
                case "tail" -> TailCommand.run(config, args, out);
                case "topics" -> TopicsCommand.run(config, out);
                default -> {
                    err.println("unknown command '" + command + "'\n\n" + USAGE);
                    yield 2;
                }
            };
        } catch (Args.UsageException e) {
            err.println("seqstream " + command + ": " + e.getMessage() + "\n\n" + USAGE);
            return 2;
        } catch (ConfigException e) {
            err.println("seqstream " + command + ": configuration error: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println("seqstream " + command + ": " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    static final String USAGE = """
            usage: ./seqstream COMMAND [options]

            commands:
              run        the whole product: embedded Kafka (unless --bootstrap), topics, processors, demo feed
                         [--no-demo] [--data-dir DIR] [--bootstrap HOST:PORT]
              train      train a model on a generated task and save it:
                         --task echo|echo-variable|memory|order-6a|order-6b [--cell rnn|gru|lstm] [--hidden H]
                         [--layers L] [--lr R] [--clip NORM] [--batch B] [--no-curriculum] [--max-length L (memory)]
                         [--delay D (echo)] [--bptt W] [--max-steps N] [--max-seconds S] [--out FILE] [--report DIR]
                         next-token: --task brackets|ndfa|shakespeare [--hidden H] [--lr R] [--lr-final R] [--batch B]
                         [--bptt W] [--no-curriculum] [--max-steps N] [--max-seconds S] [--stop-at 0.999]
                         [--check-temperature 1.0] [--check-samples 2000] [--data FILE] [--out FILE] [--report DIR]
                 train --task sentiment: word-level IMDb sentiment (train split only, test split scored)
                         [--cell lstm|rnn|mlp] [--glove FILE] [--data ../shared/data/imdb] [--hidden 64] [--vocab 10000]
                         [--max-words 200] [--epochs 2] [--batch 32] [--lr 3e-3] [--lr-final R (cosine)]
                         [--readout last|mean] [--word-dropout P] [--seed 1] [--split-seed 1]
                         [--split-blocks N (validation of whole id blocks)] [--test-limit N] [--no-test]
                         [--out FILE] [--report DIR] [--results CSV]
                 train --task sentiment-ensemble --members A.model,B.model[,...]: one servable model reading the
                         members' mean logits, scored on validation, then the test split [--no-test] [--out FILE]
              sample     generate from a next-token model: --model FILE [--seed TEXT] [--temperature T (0 = argmax)]
                         [--max N] [--n SAMPLES] [--seed-rng N (same N, same text)]
              experiments  regenerate docs/results.md (echo, memory, temporal order) from scratch: [--out docs] [--quick]
              eval       accuracy of a saved model on fresh sequences: --model FILE --task NAME [--n 1000]
                         next-token: --task brackets|ndfa (samples judged: [--n 1000] [--temperature 0.5] [--max 500])
                         or --task shakespeare (held-out bits per character)
                         --task sentiment: on the IMDb test split [--data DIR] [--test-limit N]
              produce    send text to a stream: --stream ID [--pipeline echo] [--delay D] [--control reset|end] TEXT...
                         (or --topic T [--stream KEY] TEXT..., e.g. labelled examples to train.<model>; no TEXT: lines from stdin)
                         (no TEXT: read lines 'stream:text' from standard input)
              tail       print committed outputs: [--pipeline echo] [--stream ID] [--from-beginning] [--max N] [--timeout 30s]
              bench      e2e: steady-state tokens/s through the embedded broker with exactly-once on, beside a Kafka-only
                         transactional loop (same records, no model) and a Kafka Streams application (same job, trivial
                         model), one after another on the same broker; JSON + markdown to target/bench/e2e.{json,md}
                         [--tokens 2000000] [--warmup 200000] [--streams 10000] [--partitions 4] [--threads 1[,2]]
                         [--max-poll-records 2000[,500,...]] [--commit-interval-ms 100] [--max-transaction-records 50000]
                         [--model FILE] [--no-reference]
                 bench ws: tokens/s to WebSocket clients, all reading vs beside clients that never read
                         [--clients 100] [--tokens 200] [--slow 5] [--model FILE]
                 bench step: us/token of the batched step beside PyTorch GRUCell/LSTMCell (bench/pytorch_step.py),
                         JSON + markdown to target/bench/step.{json,md} [--cells gru,lstm] [--hidden 64,128]
                         [--k 1,16,256,2048] [--seconds 2] [--torch-threads 1,2]
                 bench train: time and batches to 99 % on echo delay 4 (GRU 64, batch 50, Adam 1e-3) beside PyTorch
                         (bench/pytorch_train_echo.py) [--variants plain,curriculum] [--seed 1] [--max-seconds 600]
                 bench determinism: does a row's output change with the number of rows (ND4J vs the own kernels)
                 bench join: a fresh product JVM joins a 2000 tokens/s feed over 1500 streams, kernel warm-up off vs on:
                         per-second input-to-output delay, JSON to target/bench/join.json
                         [--warmup-steps 0,3000] [--streams 1500] [--rate 2000] [--seconds 10] [--repeats 1] [--model FILE]
                 bench restore|memory|load: reliability figures (docs/reliability.md), JSON to docs/bench/:
                         restore [--streams 100000]; memory [--streams 1000000]; load [--streams 10000] [--seconds 30]
                         [--threads 1] [--commit-interval-ms 100] [--max-transaction-records 50000]
                 bench failover: kill -9 of 2 of 3 instances under a paced feed: worst delay, pauses, restart time,
                         exactly-once, JSON to target/bench/failover.json [--rate 2000] [--streams 1500] [--warm 20]
                         [--down 10] [--after 30] [--drain 300] [--victims i2,i3] [--set key=value: to every instance]
              topics     create the topics declared in topics/ that are missing

            every command: [--config FILE] [--set key=value]... [--bootstrap HOST:PORT]
            settings also come from the environment: kafka.bootstrap = SEQSTREAM_KAFKA_BOOTSTRAP, and so on
            """;
}
