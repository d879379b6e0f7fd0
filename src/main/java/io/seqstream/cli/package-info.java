/**
 * The command line, on picocli: {@link io.seqstream.cli.Main} holds one {@code @Command} class per command
 * ({@code bench}: one per benchmark), each with its own options, defaults and {@code --help}; picocli refuses unknown
 * options and bad values, {@link io.seqstream.cli.UsageException} what only the command can judge (both exit 2).
 *
 * <p>Adding an option (what {@code args.integer("stream-length", 100)} was before): a field on the command,
 * named after the option, with its default as the initial value, read where the value is used:
 * <pre>
 * &#64;Option(names = "--stream-length", paramLabel = "N", description = "Tokens per stream (default ${DEFAULT-VALUE}).")
 * int streamLength = 100;
 * </pre>
 * A default that depends on the task is a boxed field without an initial value, read with
 * {@code TrainCommand.or(streamLength, taskDefault)}. {@code train} and {@code eval} also list, per kind of task, the
 * options it reads ({@code TrainCommand.GENERATED}, {@code NEXT}, {@code SENTIMENT}; {@code EvalCommand}'s): add the
 * name there too, or the command refuses it for that task. A new benchmark is a nested {@code @Command} class in
 * {@link io.seqstream.cli.BenchCommand} listed in its {@code subcommands}; a command that reads the settings takes
 * {@code @Mixin ConfigOptions}, every command {@code @Mixin HelpOption}.
 */
package io.seqstream.cli;
