package io.eddy.standins;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The stand-ins helper JVM: DynamoDB Local and s3proxy in one process, each in a class loader of its own
 * (they bundle clashing Jetty, Jackson and logging versions). Uses only the JDK; the stand-ins' jars are
 * listed in {@code META-INF/eddy/*.classpath}, written by the build.
 *
 * <pre>
 * java -cp testkit/target/classes io.eddy.standins.StandinsMain
 *      [--data-dir DIR] [--dynamodb-port N] [--s3-port N] [--parent-pid PID]
 *      [--access-key K] [--secret-key S]
 * </pre>
 * Without {@code --data-dir} both stores are in memory. When both ports accept connections it prints
 * {@code EDDY-STANDINS READY dynamodb=http://127.0.0.1:P1 s3=http://127.0.0.1:P2}.
 */
public final class StandinsMain {
    public static final String READY = "EDDY-STANDINS READY";
    public static final String DEFAULT_ACCESS_KEY = "eddy";
    public static final String DEFAULT_SECRET_KEY = "eddy-local-secret";

    private StandinsMain() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception e) {
            Throwable cause = e;
            while (cause instanceof java.lang.reflect.InvocationTargetException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            System.err.println("eddy stand-ins: cannot start: " + cause);
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path dataDir = null;
        int dynamoPort = 0;
        int s3Port = 0;
        long parentPid = -1;
        String accessKey = DEFAULT_ACCESS_KEY;
        String secretKey = DEFAULT_SECRET_KEY;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--data-dir" -> dataDir = Path.of(require(args[i], value)).toAbsolutePath();
                case "--dynamodb-port" -> dynamoPort = Integer.parseInt(require(args[i], value));
                case "--s3-port" -> s3Port = Integer.parseInt(require(args[i], value));
                case "--parent-pid" -> parentPid = Long.parseLong(require(args[i], value));
                case "--access-key" -> accessKey = require(args[i], value);
                case "--secret-key" -> secretKey = require(args[i], value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        if (parentPid > 0) {
            ProcessHandle.of(parentPid)
                    .ifPresentOrElse(
                            parent -> parent.onExit()
                                    .thenRun(() -> Runtime.getRuntime().halt(0)),
                            () -> Runtime.getRuntime().halt(0));
        }
        dynamoPort = dynamoPort == 0 ? freePort() : dynamoPort;
        s3Port = s3Port == 0 ? freePort() : s3Port;

        Path logging = loggingConfig();
        // This JVM is the stand-ins' own: point logback (s3proxy's logger) at our warnings-only file.
        System.setProperty(
                "logback.configurationFile", logging.resolve("logback.xml").toString());
        startDynamo(dataDir, dynamoPort, logging);
        startS3(dataDir, s3Port, accessKey, secretKey, logging);
        awaitPort(dynamoPort);
        awaitPort(s3Port);
        System.out.println(READY + " dynamodb=http://127.0.0.1:" + dynamoPort + " s3=http://127.0.0.1:" + s3Port);
        System.out.flush();
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static void startDynamo(Path dataDir, int port, Path logging) throws Exception {
        List<String> args = new ArrayList<>(List.of("-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)));
        if (dataDir == null) {
            args.add("-inMemory");
        } else {
            Path dir = Files.createDirectories(dataDir.resolve("dynamodb"));
            args.addAll(List.of("-dbPath", dir.toString()));
        }
        ClassLoader loader = loader(logging, "dynamodb-local.classpath");
        withContextLoader(loader, () -> {
            Class<?> runner = loader.loadClass("com.amazonaws.services.dynamodbv2.local.main.ServerRunner");
            Object server = runner.getMethod("createServerFromCommandLineArgs", String[].class)
                    .invoke(null, (Object) args.toArray(String[]::new));
            Method start = server.getClass().getMethod("start");
            start.invoke(server);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> invokeQuietly(server, "stop")));
            return null;
        });
    }

    private static void startS3(Path dataDir, int port, String accessKey, String secretKey, Path logging)
            throws Exception {
        Properties p = new Properties();
        p.setProperty("s3proxy.endpoint", "http://127.0.0.1:" + port);
        p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
        p.setProperty("s3proxy.identity", accessKey);
        p.setProperty("s3proxy.credential", secretKey);
        if (dataDir == null) {
            p.setProperty("jclouds.provider", "transient");
        } else {
            Path dir = Files.createDirectories(dataDir.resolve("s3"));
            p.setProperty("jclouds.provider", "filesystem");
            p.setProperty("jclouds.filesystem.basedir", dir.toString());
        }
        p.setProperty("jclouds.identity", "local");
        p.setProperty("jclouds.credential", "local");
        ClassLoader loader = loader(logging, "s3proxy.classpath", "s3proxy-extra.classpath");
        // Not through s3proxy's Main: without a console it replaces System.err with a stream into its logger (so
        // this JVM's stderr, our own failure line included, is lost) and calls System.exit on a failed start.
        withContextLoader(loader, () -> {
            Method createBlobStore =
                    loader.loadClass("org.gaul.s3proxy.Main").getDeclaredMethod("createBlobStore", Properties.class);
            createBlobStore.setAccessible(true);
            Object blobStore = createBlobStore.invoke(null, p);
            Class<?> builderType = loader.loadClass("org.gaul.s3proxy.S3Proxy$Builder");
            Object builder =
                    builderType.getMethod("fromProperties", Properties.class).invoke(null, p);
            builderType
                    .getMethod("blobStore", loader.loadClass("org.gaul.s3proxy.blobstore.BlobStore"))
                    .invoke(builder, blobStore);
            Object proxy = builderType.getMethod("build").invoke(builder);
            proxy.getClass().getMethod("start").invoke(proxy);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> invokeQuietly(proxy, "stop")));
            return null;
        });
    }

    private interface Action {
        Object run() throws Exception;
    }

    private static void withContextLoader(ClassLoader loader, Action action) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            action.run();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private static void invokeQuietly(Object target, String method) {
        try {
            target.getClass().getMethod(method).invoke(target);
        } catch (ReflectiveOperationException | RuntimeException ignored) {
            // stopping at exit: nothing left to report to
        }
    }

    private static ClassLoader loader(Path logging, String... listNames) throws IOException {
        List<URL> urls = new ArrayList<>();
        // Our logging configuration (warnings only) must come before the stand-ins' own.
        urls.add(logging.toUri().toURL());
        for (String name : listNames) {
            try (InputStream in = StandinsMain.class.getResourceAsStream("/META-INF/eddy/" + name)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "META-INF/eddy/" + name + " is missing: build the testkit module first");
                }
                for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8)
                        .trim()
                        .split(File.pathSeparator)) {
                    if (!entry.isBlank()) {
                        File jar = new File(entry.trim());
                        if (!jar.isFile()) {
                            throw new IllegalStateException(jar + " is missing: run the build (mvn install) again");
                        }
                        urls.add(jar.toURI().toURL());
                    }
                }
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    /** A directory holding logback.xml and log4j2.xml, copied out of this jar once. */
    private static Path loggingConfig() throws IOException {
        Path dir = Files.createTempDirectory("eddy-standins-logging");
        dir.toFile().deleteOnExit();
        for (String name : List.of("logback.xml", "log4j2.xml")) {
            try (InputStream in = StandinsMain.class.getResourceAsStream("/META-INF/eddy/logging/" + name)) {
                Files.copy(in, dir.resolve(name));
            }
            dir.resolve(name).toFile().deleteOnExit();
        }
        return dir;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("port " + port + " did not open within 60 s");
    }
}
