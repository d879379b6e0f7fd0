package io.seqstream.cli;

import io.seqstream.train.Experiments;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code experiments}: regenerates docs/results.md (echo, memory, temporal order) from scratch. */
@Command(name = "experiments", description = "Regenerate docs/results.md (echo, memory, temporal order) from scratch.")
final class ExperimentsCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", description = "Where results.md and results/ go (default ${DEFAULT-VALUE}).")
    Path out = Path.of("docs");
    @Option(names = "--quick", description = "Small budgets: a check that every run works, not the figures.")
    boolean quick;
    @Option(names = "--threads", paramLabel = "N", description = "Trainings at once (default ${DEFAULT-VALUE}).")
    int threads = 2;
    @Mixin
    HelpOption help;

    private final PrintStream console;

    ExperimentsCommand(PrintStream console) {
        this.console = console;
    }

    @Override
    public Integer call() throws Exception {
        return Experiments.run(out, new Experiments.Options(quick, threads), console);
    }
}
