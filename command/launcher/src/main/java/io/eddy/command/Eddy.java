package io.eddy.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code ./eddy} command: run by the {@code eddy} script with the repository's root as {@code -Deddy.root}. Its
 * subcommands build what they run when it is stale, start it as child processes and stop them on exit. One instance
 * parses and runs once: not thread-safe.
 */
@Command(name = "eddy")
final class Eddy implements Callable<Integer>, Usage {
    static final String USAGE = "usage.txt";

    @Option(names = {"-h", "--help"})
    boolean help;

    private final Session session;

    Eddy(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        session.out().print(text(USAGE));
        return 0;
    }

    @Override
    public int badUsage(CommandLine.ParameterException e) {
        session.err().print(text(USAGE));
        return 2;
    }

    /** The command line of every subcommand, parsing as the script did: no @files, repeated options allowed. */
    static CommandLine commandLine(Session session) {
        CommandLine cl = new CommandLine(new Eddy(session));
        cl.addSubcommand("help", new HelpCommand(session));
        cl.addSubcommand("dev", new DevCommand(session));
        cl.addSubcommand("compact", new CompactCommand(session));
        cl.addSubcommand("chaos", new ChaosCommand(session));
        CommandLine perf = new CommandLine(new PerfCommand(session));
        perf.addSubcommand("produce", new PerfProduceCommand(session));
        perf.addSubcommand("consume", new PerfConsumeCommand(session));
        perf.addSubcommand("kafka", new PerfKafkaCommand(session));
        perf.addSubcommand("floor", passThrough(new PerfFloorCommand(session)));
        perf.addSubcommand("client-produce", passThrough(new ClientCommand(session, List.of("perf", "produce"))));
        perf.addSubcommand("client-consume", passThrough(new ClientCommand(session, List.of("perf", "consume"))));
        cl.addSubcommand("perf", perf);
        for (String client : List.of("topics", "produce", "consume", "groups", "token")) {
            cl.addSubcommand(client, passThrough(new ClientCommand(session, List.of(client))));
        }
        cl.setExpandAtFiles(false);
        cl.setOverwrittenOptionsAllowed(true);
        cl.setParameterExceptionHandler(
                (e, args) -> e.getCommandLine().getCommand() instanceof Usage u ? u.badUsage(e) : 2);
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof EddyExit exit) {
                if (!exit.getMessage().isEmpty()) {
                    session.say(exit.getMessage());
                }
                return exit.code();
            }
            throw e;
        });
        return cl;
    }

    /** A command whose arguments all go to a tool: options it does not know are the tool's, in their order. */
    private static CommandLine passThrough(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setUnmatchedOptionsArePositionalParams(true);
        cl.setStopAtPositional(true);
        cl.setEndOfOptionsDelimiter("\0none");
        return cl;
    }

    static String text(String resource) {
        try (InputStream in = Eddy.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        Layout layout = new Layout(
                Path.of(System.getProperty("eddy.root", ".")).toAbsolutePath().normalize());
        Children children = new Children(err);
        Builds builds = new Builds(
                layout,
                (dir, mvnArgs) -> children.run(new ProcessBuilder(concat("mvn", mvnArgs))
                        .directory(dir.toFile())
                        .inheritIO()),
                err);
        Session session = new Session(
                layout,
                builds,
                children,
                new Probes(new SecureRandom()),
                new Cpu(Path.of("/proc")),
                out,
                err,
                Map.copyOf(System.getenv()));
        // Ctrl-C or SIGTERM: everything started is stopped, and the exit code is the script's 130
        AtomicBoolean finished = new AtomicBoolean();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (!finished.get()) {
                                children.stopAll();
                                out.flush();
                                err.flush();
                                Runtime.getRuntime().halt(130);
                            }
                        },
                        "eddy-stop"));
        int code = commandLine(session).execute(args);
        children.stopAll();
        finished.set(true);
        out.flush();
        System.exit(code);
    }

    private static List<String> concat(String head, List<String> tail) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(head), tail.stream())
                .toList();
    }
}
