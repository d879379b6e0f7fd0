package io.seqstream.cli;

import picocli.CommandLine.Option;

/** {@code -h, --help} on every command: its options, their defaults, and nothing run. */
final class HelpOption {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
