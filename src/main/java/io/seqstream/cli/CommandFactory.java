package io.seqstream.cli;

import java.io.PrintStream;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Creates the command objects for picocli, handing each command that prints the console it prints to, so that
 * tests can run a command line against their own streams.
 */
final class CommandFactory implements CommandLine.IFactory {
    private final PrintStream out;

    CommandFactory(PrintStream out) {
        this.out = out;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        try {
            Constructor<K> printing = type.getDeclaredConstructor(PrintStream.class);
            printing.setAccessible(true);
            return printing.newInstance(out);
        } catch (NoSuchMethodException noConsole) {
            return CommandLine.defaultFactory().create(type);
        }
    }
}
