package io.eddy.testkit;

import io.eddy.standins.StandinsMain;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running stand-ins helper JVM (DynamoDB Local + s3proxy, see {@link StandinsMain}), started as a child
 * process of this JVM and stopped with it. Thread-safe.
 */
public final class Standins implements AutoCloseable {
    private static final long START_TIMEOUT_SECONDS = 90;
    private static Standins shared;

    private final Process process;
    private final URI dynamoEndpoint;
    private final URI s3Endpoint;
    private final StringBuffer stderr;

    private Standins(Process process, URI dynamoEndpoint, URI s3Endpoint, StringBuffer stderr) {
        this.process = process;
        this.dynamoEndpoint = dynamoEndpoint;
        this.s3Endpoint = s3Endpoint;
        this.stderr = stderr;
    }

    /**
     * The stand-ins shared by every test of this JVM: started in memory on random ports at the first call,
     * stopped when the JVM exits.
     */
    public static synchronized Standins shared() {
        if (shared == null) {
            shared = start(null);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close, "eddy-standins-stop"));
        }
        return shared;
    }

    /**
     * Starts a helper JVM; {@code dataDir} null keeps everything in memory, otherwise data lives under it and
     * survives a restart on the same directory.
     */
    public static Standins start(Path dataDir) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.add("-cp");
        command.add(codeSource());
        command.add(StandinsMain.class.getName());
        command.add("--parent-pid");
        command.add(Long.toString(ProcessHandle.current().pid()));
        if (dataDir != null) {
            command.add("--data-dir");
            command.add(dataDir.toAbsolutePath().toString());
        }
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the stand-ins helper JVM", e);
        }
        StringBuffer stderr = new StringBuffer();
        drain(process.getErrorStream(), line -> stderr.append(line).append('\n'), "eddy-standins-stderr");
        CompletableFuture<String> ready = new CompletableFuture<>();
        drain(process.getInputStream(), line -> {
            if (line.startsWith(StandinsMain.READY)) {
                ready.complete(line);
            }
        }, "eddy-standins-stdout");
        process.onExit().thenRun(() -> ready.completeExceptionally(
                new IllegalStateException("the stand-ins helper JVM exited with " + process.exitValue())));
        try {
            String line = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Standins(process, URI.create(field(line, "dynamodb=")), URI.create(field(line, "s3=")), stderr);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the stand-ins did not start: " + e.getMessage() + "\n" + stderr, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while starting the stand-ins", e);
        }
    }

    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public String accessKey() {
        return StandinsMain.DEFAULT_ACCESS_KEY;
    }

    public String secretKey() {
        return StandinsMain.DEFAULT_SECRET_KEY;
    }

    public String region() {
        return "us-east-1";
    }

    /** What the helper JVM wrote on stderr so far (for failure messages). */
    public String stderr() {
        return stderr.toString();
    }

    /** Stops the helper JVM and waits for it to exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String field(String line, String name) {
        int at = line.indexOf(name) + name.length();
        int end = line.indexOf(' ', at);
        return end < 0 ? line.substring(at) : line.substring(at, end);
    }

    private static void drain(java.io.InputStream in, java.util.function.Consumer<String> sink, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    sink.accept(line);
                }
            } catch (IOException ignored) {
                // the helper exited
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }

    private static String codeSource() {
        try {
            return Path.of(StandinsMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
