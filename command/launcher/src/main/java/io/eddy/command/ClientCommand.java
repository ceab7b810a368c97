package io.eddy.command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The client module's command-line tool ({@code topics}, {@code produce}, {@code consume}, {@code groups},
 * {@code token}, and {@code perf client-produce|client-consume}): every argument goes to it, standard input and output
 * are its own, and its exit code is this one's.
 *
 * <p>One instance parses and runs once: not thread-safe.
 */
@Command
final class ClientCommand implements Callable<Integer> {
    /** kafka-clients brings SLF4J without a binding (nothing of it is worth printing); JUL prints one line each. */
    static final List<String> JVM = List.of(
            "-Xmx512m", "-Dslf4j.internal.verbosity=ERROR", "-Djava.util.logging.SimpleFormatter.format=eddy: %5$s%n");

    @Parameters
    List<String> args = new ArrayList<>();

    private final Session session;
    private final List<String> subcommand;

    /** @param subcommand the tool's subcommand these arguments follow ({@code topics}, {@code perf produce}) */
    ClientCommand(Session session, List<String> subcommand) {
        this.session = session;
        this.subcommand = subcommand;
    }

    @Override
    public Integer call() {
        session.builds().ensureBuilt(false, Module.CLIENT);
        List<String> command = new ArrayList<>(session.javaMain(Module.CLIENT, "io.eddy.client.cli.EddyCli", JVM));
        command.addAll(subcommand);
        command.addAll(args);
        return session.children().run(new ProcessBuilder(command).inheritIO());
    }
}
