package io.eddy.chaos;

import io.eddy.testkit.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An Eddy server ({@code server/}'s packaged {@code quarkus-run.jar}) running as a child process, so a fault can be
 * a real {@code SIGKILL} ({@link #kill()}) or a real stop of the whole process ({@link #pause()}: {@code SIGSTOP},
 * then {@code SIGCONT}). A shutdown hook kills it should the JVM end without {@link #close()}. Not thread-safe.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final int port;
    private final Map<String, String> properties;
    private final Path log;
    private Process process;
    private Thread killOnExit;

    private ServerProcess(Path jar, int port, Map<String, String> properties, Path log) {
        this.jar = jar;
        this.port = port;
        this.properties = Map.copyOf(properties);
        this.log = log;
    }

    /** The packaged server jar of this checkout: {@code eddy.server.jar}, else {@code ../server/target/...}. */
    static Path serverJar() {
        String given = System.getProperty("eddy.server.jar");
        Path jar = given != null
                ? Path.of(given)
                : Path.of("..", "server", "target", "quarkus-app", "quarkus-run.jar")
                        .toAbsolutePath()
                        .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the server jar " + jar + " is missing: build it first (mvn -o -DskipTests "
                    + "package -pl server -am), or point -Deddy.server.jar at it");
        }
        return jar;
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server on {@code port} with {@code properties} as {@code -D} options and waits until it answers. */
    static ServerProcess start(Path jar, int port, Map<String, String> properties, Path log) {
        ServerProcess server = new ServerProcess(jar, port, properties, log);
        server.launch();
        return server;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    long pid() {
        return process.pid();
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(
                javaBinary(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port,
                // the faults are the HTTP face's; several servers run side by side, and 9092 is the Kafka default
                "-Deddy.kafka.enabled=false"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        try {
            Files.createDirectories(log.getParent());
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the server: " + command, e);
        }
        Process started = process;
        killOnExit = new Thread(started::destroyForcibly, "eddy-chaos-server-stop");
        Runtime.getRuntime().addShutdownHook(killOnExit);
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(url().resolve("/v1/topics"))
                .timeout(Duration.ofSeconds(2))
                .build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the server exited with " + process.exitValue() + " while starting; " + "its log: " + log);
            }
            try {
                if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the server", e);
            }
            pollPause();
        }
        throw new IllegalStateException("the server did not answer within " + START_TIMEOUT + "; its log: " + log);
    }

    /** SIGKILL, and wait until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().removeShutdownHook(killOnExit);
    }

    /** Starts the server again on the same port with the same settings (after {@link #kill()}). */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("the server is still running");
        }
        launch();
    }

    /** SIGSTOP: the whole JVM stops, its sockets stay open, its leases and sessions run out. */
    void pause() {
        signal("STOP");
    }

    /** SIGCONT. */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the server (resumed first, should it be paused): SIGTERM, then SIGKILL after 10 s. */
    @Override
    public void close() {
        if (process == null || !process.isAlive()) {
            return;
        }
        try {
            signal("CONT");
        } catch (RuntimeException ignored) {
            // it may have exited meanwhile
        }
        ChildProcesses.terminate(process);
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private static void pollPause() {
        try {
            Thread.sleep(100); // polling a condition with a deadline, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }
}
