package io.eddy.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The output directory of a benchmark: made, and cleared of the files an earlier run left. Stateless. */
final class PerfOutput {
    private PerfOutput() {}

    /**
     * Makes the directory and its {@code logs}, deletes the files of an earlier run that match one of the globs
     * ({@code kafka-*.txt}), and returns its absolute path.
     */
    static Path prepare(Path dir, String... earlierRuns) {
        Path abs = mkdirs(dir.toAbsolutePath().normalize());
        mkdirs(abs.resolve("logs"));
        List<PathMatcher> matchers = Stream.of(earlierRuns)
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .toList();
        try (Stream<Path> files = Files.list(abs)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (matchers.stream().anyMatch(m -> m.matches(f.getFileName()))) {
                    Files.delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return abs;
    }

    /**
     * A benchmark's run: its output directory (prepared), logs, scratch directory and the load average before it.
     */
    record Run(Path out, Path logs, Path work, String loadBefore) {
        /** Prepares the output directory, makes the scratch directory and says the load average. */
        static Run start(Session session, Path dir, String... earlierRuns) {
            Path out = prepare(dir, earlierRuns);
            Run run = new Run(out, out.resolve("logs"), session.scratch("eddy-perf."), session.loadAverage());
            session.say("load average before the run: " + run.loadBefore() + " (results and logs in " + out + ")");
            return run;
        }

        /**
         * The perf tool's report command over the results, with the load and the cores as its note; the report's
         * exit code.
         */
        int report(Session session, PerfTool perf, String command, List<String> results, String noteTail, String json) {
            List<String> args = new ArrayList<>(List.of(command));
            args.addAll(results);
            args.addAll(List.of(
                    "--note",
                    "load average before the run: " + loadBefore + "; " + session.cpus() + " cores" + noteTail,
                    "--out",
                    out.resolve(json).toString()));
            return perf.run(args);
        }
    }

    static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean nonEmpty(Path file) {
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
