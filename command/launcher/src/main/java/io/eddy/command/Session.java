package io.eddy.command;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every subcommand runs with: the checkout, its builds, the processes it started, the terminal's streams and the
 * machine's figures. One per {@code ./eddy} run; used by the main thread (and {@link Children} by the shutdown hook).
 *
 * @param env the environment ({@code TMPDIR}, {@code EDDY_TOKEN})
 */
record Session(
        Layout layout,
        Builds builds,
        Children children,
        Probes probes,
        Cpu cpu,
        PrintStream out,
        PrintStream err,
        Map<String, String> env) {

    /** {@code eddy: message} on standard error. */
    void say(String message) {
        err.println("eddy: " + message);
    }

    /** The java that runs this launcher: the one on the PATH the script found. */
    String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code java OPTIONS -cp CLASSES:CLASSPATH MAIN}: a module's main class on its classes and classpath.txt. */
    List<String> javaMain(Module module, String mainClass, List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(layout.classes(module) + ":"
                + read(layout.classpathFile(module)).strip());
        command.add(mainClass);
        return command;
    }

    /** A scratch directory under {@code $TMPDIR} (or /tmp), deleted when the subcommand ends. */
    Path scratch(String prefix) {
        try {
            Path dir = Files.createTempDirectory(Path.of(env.getOrDefault("TMPDIR", "/tmp")), prefix);
            children.deleteAtEnd(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kernel's clock ticks per second ({@code getconf CLK_TCK}), 100 where that cannot say. */
    String clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 && out.matches("[0-9]+") ? out : "100";
        } catch (IOException e) {
            return "100";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "100";
        }
    }

    int cpus() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The first three fields of {@code /proc/loadavg}, or {@code unknown}. */
    String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return String.join(" ", f[0], f[1], f[2]);
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
