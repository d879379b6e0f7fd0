package io.seqstream.cli;

import io.seqstream.config.ConfigException;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** Entry point: {@code seqstream COMMAND [options]}, parsed by picocli; {@code seqstream COMMAND --help} lists a command's options. */
@Command(name = "seqstream", synopsisSubcommandLabel = "COMMAND",
        description = "Recurrent networks over live Kafka token streams, exactly once.",
        subcommands = {RunCommand.class, TrainCommand.class, EvalCommand.class, SampleCommand.class, ExperimentsCommand.class,
                ProduceCommand.class, TailCommand.class, BenchCommand.class, TopicsCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "'./seqstream COMMAND --help' lists a command's options and defaults.",
                "run, produce, tail and topics read the settings: defaults, --config FILE, the",
                "environment (SEQSTREAM_KAFKA_BOOTSTRAP for kafka.bootstrap, and so on), --set KEY=VALUE."})
public final class Main implements Runnable {
    /** Exit status of a wrong command line or a wrong setting. */
    static final int USAGE = 2;

    @CommandLine.Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Spec
    CommandSpec spec;

    private Main() {
    }

    public static void main(String[] argv) {
        System.exit(run(argv, System.out, System.err));
    }

    /** Runs one command line; returns the exit status (0 done, 1 failed, 2 wrong command line or settings). */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine(out, err);
        if (argv.length == 0) {
            cli.usage(out);
            return USAGE;
        }
        return cli.execute(argv);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main(), new CommandFactory(out));
        // Text such as "@bob hi" is a value, not a file of arguments to read.
        cli.setExpandAtFiles(false);
        // As before picocli: an option given twice takes the last value (scripts append overrides).
        cli.setOverwrittenOptionsAllowed(true);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler(Main::wrongCommandLine);
        cli.setExecutionExceptionHandler((e, failed, parsed) -> failed(e, failed, err));
        return cli;
    }

    @Override
    public void run() {
        // `seqstream` alone: the list of commands.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int wrongCommandLine(ParameterException e, String[] argv) {
        CommandLine failed = e.getCommandLine();
        PrintWriter err = failed.getErr();
        String command = failed.getCommandSpec().qualifiedName();
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            // picocli names the unknown option's value as unknown too; the option is what the user got wrong.
            String first = u.getUnmatched().stream().filter(a -> a.startsWith("-")).findFirst().orElse(u.getUnmatched().get(0));
            if (first.startsWith("-")) {
                String name = first.contains("=") ? first.substring(0, first.indexOf('=')) : first;
                err.println(command + ": Unknown option: '" + name + "'" + similar(failed.getCommandSpec(), name));
            } else {
                err.println(command + ": Unexpected argument: '" + first + "'");
            }
        } else {
            err.println(command + ": " + e.getMessage());
        }
        err.println("see './" + command + " --help'");
        return USAGE;
    }

    /** "; did you mean --x?" for an option of the command whose name is close to the unknown one, else "". */
    private static String similar(CommandSpec spec, String unknown) {
        for (OptionSpec o : spec.options()) {
            String name = o.longestName();
            if (name.length() > 4 && (unknown.startsWith(name) || name.startsWith(unknown) || editDistance(unknown, name) <= 2)) {
                return "; did you mean " + name + "?";
            }
        }
        return "";
    }

    private static int editDistance(String a, String b) {
        int[] row = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) row[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int above = row[j];
                row[j] = Math.min(Math.min(row[j] + 1, row[j - 1] + 1), diagonal + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.length()];
    }

    private static int failed(Exception e, CommandLine failed, PrintStream err) {
        String command = failed.getCommandSpec().qualifiedName();
        if (e instanceof UsageException) {
            err.println(command + ": " + e.getMessage());
            err.println("see './" + command + " --help'");
            return USAGE;
        }
        if (e instanceof ConfigException) {
            err.println(command + ": configuration error: " + e.getMessage());
            return USAGE;
        }
        if (e instanceof io.seqstream.train.backend.BackendUnavailableException) {
            err.println(command + ": the training backend cannot run here: " + e.getMessage());
            return 1;
        }
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            err.println(command + ": no such file: " + missing.getFile());
            return 1;
        }
        err.println(command + ": " + e);
        e.printStackTrace(err);
        return 1;
    }
}
