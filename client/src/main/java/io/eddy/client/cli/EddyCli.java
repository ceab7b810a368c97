package io.eddy.client.cli;

import io.eddy.client.EddyClientException;
import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code eddy} command: Kafka's command-line tools for Eddy ({@code topics}, {@code produce}, {@code consume},
 * {@code groups}, {@code perf}). Exit codes: 0 done, 1 the server refused or an operation failed (shown as
 * {@code eddy: <detail> (<code>)}), 2 bad arguments, 3 the server is unreachable.
 */
// INHERIT: every subcommand takes --help (and --version) too, as ./eddy's usage promises
@Command(
        name = "eddy",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        version = "eddy 0.1.0",
        description = "Kafka-style command-line tools for Eddy.",
        subcommands = {
            TopicsCommand.class,
            ProduceCommand.class,
            ConsumeCommand.class,
            GroupsCommand.class,
            PerfCommand.class,
            TokenCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Exit codes: 0 ok, 1 server or operation error, 2 bad arguments, 3 server unreachable."})
public final class EddyCli implements Runnable {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    private final InputStream in;

    public EddyCli(InputStream in) {
        this.in = in;
    }

    InputStream in() {
        return in;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                new CommandLine(this), "name a command: topics, produce, consume, groups or perf");
    }

    /** The command line with Eddy's error handling: problems and unreachable servers as one line and an exit code. */
    public static CommandLine commandLine(InputStream in) {
        CommandLine cmd = new CommandLine(new EddyCli(in));
        cmd.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof EddyClientException ece) {
                err.println("eddy: " + ece.getMessage() + " (" + ece.code() + ")");
                err.flush();
                return ece.code().equals(EddyClientException.UNREACHABLE) ? UNREACHABLE : FAILED;
            }
            if (e instanceof IllegalArgumentException) {
                err.println("eddy: " + e.getMessage());
                err.flush();
                return USAGE;
            }
            err.println("eddy: " + e);
            err.flush();
            return FAILED;
        });
        return cmd;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.in).execute(args));
    }
}
