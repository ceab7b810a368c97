package io.eddy.command;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything a subcommand starts (stand-ins, servers, the Kafka broker, tools) and the scratch directories it makes:
 * stopped and deleted when the subcommand ends, by an error, Ctrl-C or SIGTERM included. Thread-safe: the shutdown
 * hook stops what the main thread started.
 */
final class Children {
    private final PrintStream err;
    private final List<Process> running = new ArrayList<>();
    private final List<Path> scratch = new ArrayList<>();

    Children(PrintStream err) {
        this.err = err;
    }

    /** Starts a process that runs until {@link #stop} or the end of the subcommand. */
    Process start(ProcessBuilder builder) {
        try {
            Process p = builder.start();
            synchronized (this) {
                running.add(p);
            }
            return p;
        } catch (IOException e) {
            throw EddyExit.die("could not start " + builder.command().get(0) + ": " + e.getMessage());
        }
    }

    /**
     * Runs a process to its end (stopped with the subcommand when that ends first) and returns its exit code. It is
     * not announced as something to stop: a tool in the foreground, as a command run by the script was.
     */
    int run(ProcessBuilder builder) {
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw EddyExit.die("could not start " + builder.command().get(0) + ": " + e.getMessage());
        }
        synchronized (this) {
            running.add(p);
        }
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroy();
            throw new EddyExit(130, "");
        } finally {
            synchronized (this) {
                running.remove(p);
            }
        }
    }

    /** A directory deleted, with all in it, when the subcommand ends. */
    synchronized void deleteAtEnd(Path dir) {
        scratch.add(dir);
    }

    /** Stops one process started here (SIGTERM) and waits for it. */
    void stop(Process p) {
        p.destroy();
        waitQuietly(p);
        synchronized (this) {
            running.remove(p);
        }
    }

    /** Stops everything still running ({@code stopping…} when there is any) and deletes the scratch directories. */
    synchronized void stopAll() {
        if (!running.isEmpty()) {
            err.println("eddy: stopping…");
            running.forEach(Process::destroy);
            running.forEach(Children::waitQuietly);
            running.clear();
        }
        scratch.forEach(Children::delete);
        scratch.clear();
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
