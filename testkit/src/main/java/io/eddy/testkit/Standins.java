package io.eddy.testkit;

import io.eddy.standins.StandinsMain;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A running stand-ins helper JVM: DynamoDB Local and s3proxy in a child process of this JVM (see
 * {@link StandinsMain}), which exits when this JVM does.
 *
 * <pre>{@code
 * try (Standins standins = Standins.start(Standins.Options.inMemory())) {
 *     URI dynamo = standins.dynamoEndpoint();   // http://127.0.0.1:<port>
 *     URI s3 = standins.s3Endpoint();           // path-style, credentials accessKey()/secretKey()
 * }
 * }</pre>
 *
 * {@link #shared()} is the one instance a test JVM shares between its test classes (the JUnit extension and
 * the server's Quarkus test resource use it). Thread-safe: instances are immutable apart from the child
 * process, and {@link #close()} may be called from any thread, more than once.
 */
public final class Standins implements AutoCloseable {
    /** The region clients should use; the stand-ins accept any. */
    public static final String REGION = "us-east-1";

    private static final long START_TIMEOUT_SECONDS = 90;
    private static final int OUTPUT_LINES_KEPT = 200;

    private static Standins shared;
    private static RuntimeException sharedFailure;

    private final Process process;
    private final URI dynamoEndpoint;
    private final URI s3Endpoint;
    private final Options options;
    private final Output output;

    /**
     * How to start the helper JVM.
     *
     * @param dataDir where DynamoDB Local ({@code dynamodb/}) and s3proxy ({@code s3/}) keep their data, surviving
     *                a restart on the same directory; null keeps everything in memory
     * @param dynamoPort DynamoDB Local's port, 0 for a free one
     * @param s3Port s3proxy's port, 0 for a free one
     * @param accessKey the access key s3proxy accepts (DynamoDB Local accepts any)
     * @param secretKey the secret key s3proxy accepts
     */
    public record Options(Path dataDir, int dynamoPort, int s3Port, String accessKey, String secretKey) {
        public Options {
            if (dynamoPort < 0 || dynamoPort > 65535 || s3Port < 0 || s3Port > 65535) {
                throw new IllegalArgumentException("ports must be 0-65535, not " + dynamoPort + " and " + s3Port);
            }
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(secretKey, "secretKey");
        }

        /** In memory, on free ports, with the default credentials. */
        public static Options inMemory() {
            return new Options(null, 0, 0, StandinsMain.DEFAULT_ACCESS_KEY, StandinsMain.DEFAULT_SECRET_KEY);
        }

        /** Kept under {@code dataDir}, on free ports, with the default credentials. */
        public static Options fileBacked(Path dataDir) {
            return inMemory().withDataDir(Objects.requireNonNull(dataDir, "dataDir"));
        }

        public Options withDataDir(Path dir) {
            return new Options(dir, dynamoPort, s3Port, accessKey, secretKey);
        }

        public Options withPorts(int dynamo, int s3) {
            return new Options(dataDir, dynamo, s3, accessKey, secretKey);
        }

        public Options withCredentials(String access, String secret) {
            return new Options(dataDir, dynamoPort, s3Port, access, secret);
        }

        List<String> arguments() {
            List<String> args = new ArrayList<>();
            if (dataDir != null) {
                args.addAll(List.of("--data-dir", dataDir.toAbsolutePath().toString()));
            }
            args.addAll(List.of(
                    "--dynamodb-port",
                    Integer.toString(dynamoPort),
                    "--s3-port",
                    Integer.toString(s3Port),
                    "--access-key",
                    accessKey,
                    "--secret-key",
                    secretKey));
            return args;
        }
    }

    private Standins(Process process, URI dynamoEndpoint, URI s3Endpoint, Options options, Output output) {
        this.process = process;
        this.dynamoEndpoint = dynamoEndpoint;
        this.s3Endpoint = s3Endpoint;
        this.options = options;
        this.output = output;
    }

    /**
     * The stand-ins shared by everything in this JVM: in memory, on free ports, started and warmed up at the
     * first call (a few seconds), stopped when the JVM exits. A failed start is remembered and rethrown.
     */
    public static synchronized Standins shared() {
        if (sharedFailure != null) {
            throw new IllegalStateException("the shared stand-ins failed to start earlier", sharedFailure);
        }
        if (shared == null) {
            Standins started;
            try {
                started = start(Options.inMemory());
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            try {
                String scratch = EddyStack.uniqueName("warmup");
                WarmUp.run(EddyStack.on(started, scratch, scratch));
            } catch (RuntimeException e) {
                started.close();
                sharedFailure = new IllegalStateException(
                        "warming the stand-ins up failed; their output:\n" + started.recentOutput(), e);
                throw sharedFailure;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "eddy-standins-stop"));
            shared = started;
        }
        return shared;
    }

    /** Starts a helper JVM, in memory if {@code dataDir} is null, and waits until both stand-ins answer. */
    public static Standins start(Path dataDir) {
        return start(Options.inMemory().withDataDir(dataDir));
    }

    /**
     * Starts a helper JVM and waits (at most 90 s) until both stand-ins accept connections.
     *
     * @throws IllegalStateException if it does not start, with what it wrote on stderr
     */
    public static Standins start(Options options) {
        List<String> command = new ArrayList<>(List.of(
                javaBinary(),
                "-cp",
                codeSource(),
                StandinsMain.class.getName(),
                "--parent-pid",
                Long.toString(ProcessHandle.current().pid())));
        command.addAll(options.arguments());
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory());
        // DynamoDB Local would otherwise try to send usage data (there is no network) and write a metadata file
        // into the working directory.
        builder.environment().put("DDB_LOCAL_TELEMETRY", "0");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the stand-ins helper JVM: " + command, e);
        }
        Output output = new Output();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread err = drain(process.getErrorStream(), output::add, "eddy-standins-stderr");
        Thread out = drain(
                process.getInputStream(),
                line -> {
                    if (line.startsWith(StandinsMain.READY)) {
                        ready.complete(line);
                    } else {
                        output.add(line);
                    }
                },
                "eddy-standins-stdout");
        process.onExit().thenRun(() -> {
            joinQuietly(out);
            joinQuietly(err);
            ready.completeExceptionally(new IllegalStateException("it exited with status " + process.exitValue()));
        });
        try {
            String line = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return new Standins(
                    process, URI.create(field(line, "dynamodb=")), URI.create(field(line, "s3=")), options, output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ChildProcesses.terminate(process);
            throw new IllegalStateException("interrupted while starting the stand-ins", e);
        } catch (ExecutionException | TimeoutException e) {
            ChildProcesses.terminate(process);
            String reason = e instanceof TimeoutException
                    ? "not ready within " + START_TIMEOUT_SECONDS + " s"
                    : e.getCause().getMessage();
            throw new IllegalStateException(
                    "the stand-ins helper JVM did not start (" + reason + "); its output:\n" + output, e);
        }
    }

    /** DynamoDB Local, {@code http://127.0.0.1:<port>}. */
    public URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    /** s3proxy, {@code http://127.0.0.1:<port>}; clients must use path-style addressing. */
    public URI s3Endpoint() {
        return s3Endpoint;
    }

    public String accessKey() {
        return options.accessKey();
    }

    public String secretKey() {
        return options.secretKey();
    }

    /** {@value #REGION}. */
    public String region() {
        return REGION;
    }

    /** The helper JVM's last lines of output (warnings and errors only), for failure messages. */
    public String recentOutput() {
        return output.toString();
    }

    /** Stops the helper JVM (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
    @Override
    public void close() {
        ChildProcesses.terminate(process);
    }

    private static String field(String line, String name) {
        int at = line.indexOf(name);
        if (at < 0) {
            throw new IllegalStateException("unexpected ready line: " + line);
        }
        at += name.length();
        int end = line.indexOf(' ', at);
        return end < 0 ? line.substring(at) : line.substring(at, end);
    }

    private static Thread drain(InputStream in, Consumer<String> sink, String name) {
        Thread t = new Thread(
                () -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = r.readLine()) != null) {
                            sink.accept(line);
                        }
                    } catch (IOException closed) {
                        // the helper exited
                    }
                },
                name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(2_000);
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

    private static String codeSource() {
        try {
            return Path.of(StandinsMain.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the stand-ins classes", e);
        }
    }

    /** One directory for all helpers, so nothing the stand-ins write by the way lands in the caller's directory. */
    private static File workingDirectory() {
        try {
            return Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "eddy-standins"))
                    .toFile();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a working directory for the stand-ins", e);
        }
    }

    /** The last lines the helper wrote, bounded so that a long test run cannot grow it without end. */
    private static final class Output {
        private final ArrayDeque<String> lines = new ArrayDeque<>();

        synchronized void add(String line) {
            if (lines.size() == OUTPUT_LINES_KEPT) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }

        @Override
        public synchronized String toString() {
            return String.join("\n", lines);
        }
    }
}
