package io.eddy.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench module's perf tool ({@code io.eddy.bench.Perf}) run as a child process in the foreground: its output is
 * the terminal's. Not thread-safe: used by one subcommand's main thread.
 */
final class PerfTool {
    /** The AWS SDK's SLF4J has no binding in the tool (nothing of it is worth printing); JUL prints one line each. */
    static final List<String> JVM = List.of(
            "-Xmx512m", "-Dslf4j.internal.verbosity=ERROR", "-Djava.util.logging.SimpleFormatter.format=%4$s: %5$s%n");

    private final Session session;

    PerfTool(Session session) {
        this.session = session;
    }

    /** Runs {@code Perf ARGS}; returns its exit code. */
    int run(List<String> args) {
        return session.children().run(builder(args).inheritIO());
    }

    /** Runs {@code Perf profile JFR}, its output both on the terminal and in {@code copy} (as {@code | tee}). */
    void profile(Path jfr, Path copy) {
        profile(jfr, copy, List.of());
    }

    /**
     * {@link #profile(Path, Path)} of the samples between two instants only ({@code perf profile --from --to}), for
     * a recording that began before the window measured.
     */
    void profile(Path jfr, Path copy, Instant from, Instant to) {
        profile(
                jfr,
                copy,
                List.of("--from", String.valueOf(from.toEpochMilli()), "--to", String.valueOf(to.toEpochMilli())));
    }

    private void profile(Path jfr, Path copy, List<String> window) {
        List<String> args = new ArrayList<>(List.of("profile", jfr.toString()));
        args.addAll(window);
        session.children()
                .run(builder(args)
                        .redirectOutput(copy.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .redirectInput(ProcessBuilder.Redirect.INHERIT));
        try {
            session.out().print(Files.readString(copy));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ProcessBuilder builder(List<String> args) {
        List<String> command = new ArrayList<>(session.javaMain(Module.BENCH, "io.eddy.bench.Perf", JVM));
        command.addAll(args);
        return new ProcessBuilder(command);
    }
}
