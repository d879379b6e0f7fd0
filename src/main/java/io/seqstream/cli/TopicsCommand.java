package io.seqstream.cli;

import io.seqstream.config.SeqstreamConfig;
import io.seqstream.kafka.TopicAdmin;
import io.seqstream.kafka.TopicSpecs;
import java.io.PrintStream;

/** {@code topics}: creates the missing topics declared in topics/ on the configured cluster. */
final class TopicsCommand {
    private TopicsCommand() {
    }

    static int run(SeqstreamConfig config, PrintStream out) {
        String bootstrap = TailCommand.bootstrap(config);
        out.println(TopicAdmin.ensure(bootstrap, TopicSpecs.load(config.kafka().topicsDir(), config.app().name())));
        return 0;
    }
}
