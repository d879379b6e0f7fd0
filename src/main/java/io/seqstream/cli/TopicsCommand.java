package io.seqstream.cli;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpecs;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code topics}: creates the missing topics declared in topics/ on the configured cluster. */
@Command(name = "topics", description = "Create the topics declared in topics/ that are missing on the cluster.")
final class TopicsCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;
    @Mixin
    HelpOption help;

    private final PrintStream out;

    TopicsCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        SeqstreamConfig cfg = config.load();
        out.println(TopicAdmin.ensure(TailCommand.bootstrap(cfg), TopicSpecs.load(cfg.kafka().topicsDir(), cfg.app().name())));
        return 0;
    }
}
