package io.eddy.command;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Builds the modules a subcommand runs when they are missing or older than their sources: {@code mvn -q -B
 * -DskipTests package -pl MODULES -am}. Package, not install: {@code ./eddy} runs the reactor's own target
 * directories, and worktrees sharing {@code ~/.m2} stay apart. A build that succeeds leaves {@link #STAMP} in each
 * module's {@code target/}, dated when the build started: Maven does not rewrite an output whose inputs did not
 * change (javac keeps a class when only a resource changed), so an output's age alone would call the module stale
 * again on every run. Not thread-safe: one subcommand builds at a time.
 */
final class Builds {
    /** Left in a module's {@code target/} by a successful build, dated when it started. */
    static final String STAMP = "target/.eddy-built";

    /** Runs Maven with the arguments in the directory; returns its exit code. */
    interface Maven {
        int run(Path dir, List<String> args);
    }

    private final Layout layout;
    private final Maven maven;
    private final PrintStream err;

    Builds(Layout layout, Maven maven, PrintStream err) {
        this.layout = layout;
        this.maven = maven;
        this.err = err;
    }

    /**
     * Builds those of {@code modules} that are stale (all of them when {@code rebuild}), in one Maven call, then checks
     * every one is complete.
     */
    void ensureBuilt(boolean rebuild, Module... modules) {
        List<Module> todo = new ArrayList<>();
        for (Module m : modules) {
            if (rebuild || stale(m)) {
                todo.add(m);
            }
        }
        if (!todo.isEmpty()) {
            build(todo);
        }
        for (Module m : modules) {
            if (!complete(m)) {
                throw EddyExit.die("the build did not make everything of " + m.dir.path + " ("
                        + String.join(
                                " ",
                                layout.outputs(m).stream().map(Path::toString).toList()) + " )");
            }
        }
    }

    private void build(List<Module> modules) {
        String pl = String.join(",", modules.stream().map(m -> m.dir.path).toList());
        // dated at the start: a source edited while Maven runs is newer than the stamp, so the next run builds again
        FileTime started = FileTime.from(Instant.now());
        err.println("eddy: building " + pl + " (mvn -DskipTests package -pl " + pl
                + " -am; the first build downloads dependencies and takes a few minutes)…");
        if (maven.run(layout.root(), List.of("-q", "-B", "-DskipTests", "package", "-pl", pl, "-am")) != 0) {
            throw EddyExit.die("the build failed; run 'mvn -DskipTests package -pl " + pl + " -am' to see why");
        }
        for (Module m : modules) {
            stamp(layout.dir(m.dir).resolve(STAMP), started);
        }
    }

    private static void stamp(Path file, FileTime time) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            Files.setLastModifiedTime(file, time);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * True when every output of the module is there, and so is every jar and directory its classpath files name (a
     * clean of one module, or a build of another subcommand that stopped short, leaves them dangling).
     */
    boolean complete(Module module) {
        for (Path out : layout.outputs(module)) {
            if (!Files.exists(out)) {
                return false;
            }
            String name = out.getFileName().toString();
            if (name.endsWith("classpath.txt") || name.endsWith(".classpath")) {
                for (String entry : Classpath.entries(read(out))) {
                    if (!Files.exists(Path.of(entry))) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /**
     * True when the module must be built: an output is missing, or a source (or a pom) is newer than its last build:
     * the later of its {@link #STAMP} and its first output (a build by hand rewrites that when a source changed).
     */
    boolean stale(Module module) {
        if (!complete(module)) {
            return true;
        }
        FileTime built = modified(layout.outputs(module).get(0));
        Path stamp = layout.dir(module.dir).resolve(STAMP);
        if (Files.exists(stamp) && modified(stamp).compareTo(built) > 0) {
            built = modified(stamp);
        }
        for (Module.Dir source : module.sources) {
            Path dir = layout.dir(source);
            if (newer(dir.resolve("src/main"), built) || newer(dir.resolve("pom.xml"), built)) {
                return true;
            }
        }
        return newer(layout.root().resolve("pom.xml"), built);
    }

    /** Whether the file, or anything under the directory (directories included, as find -newer), is newer. */
    private static boolean newer(Path path, FileTime than) {
        if (!Files.exists(path)) {
            return false;
        }
        try (Stream<Path> all = Files.walk(path)) {
            return all.anyMatch(p -> modified(p).compareTo(than) > 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path path) {
        try {
            return Files.getLastModifiedTime(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
