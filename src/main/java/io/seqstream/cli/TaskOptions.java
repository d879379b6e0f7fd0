package io.seqstream.cli;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code train} and {@code eval} take the options of every kind of task; this refuses one given on the command line
 * that the chosen task does not read, instead of ignoring it.
 */
final class TaskOptions {
    private TaskOptions() {
    }

    /** Throws a {@link UsageException} naming the first option given that is not among {@code used}. */
    static void check(CommandSpec spec, String task, Set<String> used) {
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            if (!used.contains(name) && !o.usageHelp()) {
                throw new UsageException(name + " does not apply to --task " + task + "; it takes " + String.join(" ", new TreeSet<>(used)));
            }
        }
    }

    static Set<String> names(List<String> common, String... more) {
        Set<String> all = new java.util.LinkedHashSet<>(common);
        all.addAll(List.of(more));
        return all;
    }
}
