package io.eddy.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./eddy} as a newcomer runs it on a fresh clone: every subcommand's {@code --help} and its smallest real run,
 * each in a checkout of its own that holds the repository's files and no build output.
 *
 * <p>A real build per subcommand would take minutes each, so Maven is stood in for by {@code fake-mvn} (a test
 * resource): it accepts only {@code mvn -DskipTests package -pl MODULES -am} and copies the target directories of
 * exactly the modules that build makes (the named ones and all they depend on, read from the poms here and checked
 * against the real Maven's reactor once) from this reactor, which packaged every other module before this one. A
 * subcommand whose build leaves out a module it runs finds that module's output missing, as it would on a real
 * fresh clone, and its run fails.
 *
 * <p>A checkout is the files {@code git ls-files} names, copied from this working tree: what a clone of the commit
 * holds, plus uncommitted edits of those files (on a clean clone, as in CI, the same thing).
 */
class EddyCommandIT {
    /** The reactor's root: its modules are packaged by the time this module's tests run. */
    private static final Path BUILT = Path.of("..").toAbsolutePath().normalize();

    private static final Duration RUN = Duration.ofMinutes(2);
    private static final AtomicInteger CHECKOUTS = new AtomicInteger();
    /** Every module ./eddy builds: the script builds the launcher, the launcher the modules a subcommand runs. */
    private static final List<String> BUILT_BY_EDDY =
            List.of("command/launcher", "server", "standins", "bench", "client", "chaos");

    @TempDir
    static Path work;

    private static Path bin;
    private static Path realMvn;
    private static List<String> tracked;
    private static Map<String, Reactor.Module> modules;

    @BeforeAll
    static void fakeMavenAndTheTrackedFiles() throws Exception {
        realMvn = onPath("mvn");
        bin = Files.createDirectories(work.resolve("bin"));
        try (InputStream in = EddyCommandIT.class.getResourceAsStream("/fake-mvn")) {
            assertThat(in).as("fake-mvn on the test classpath").isNotNull();
            Files.copy(in, bin.resolve("mvn"));
        }
        assertThat(bin.resolve("mvn").toFile().setExecutable(true)).isTrue();
        modules = Reactor.modules(BUILT);
        Files.write(
                work.resolve("reactor.txt"),
                modules.values().stream()
                        .map(m -> m.dir() + " " + String.join(" ", m.alsoMade()))
                        .toList());

        Process git = new ProcessBuilder("git", "-C", BUILT.toString(), "ls-files", "-z")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String files = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor()).as("git ls-files in %s", BUILT).isZero();
        tracked = List.of(files.split("\0"));
        assertThat(tracked).contains("eddy", "pom.xml");
    }

    @Test
    void theStandInForMavenMakesTheModulesMavenWouldBuild() throws Exception {
        Process mvn = new ProcessBuilder(
                        realMvn.toString(), "-B", "-pl", String.join(",", BUILT_BY_EDDY), "-am", "validate")
                .directory(BUILT.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(mvn.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(mvn.waitFor()).as(out).isZero();
        // "[INFO] ------< io.eddy:eddy-bench >------", in build order
        Set<String> maven = Pattern.compile("(?m)^\\[INFO\\] -+< io\\.eddy:(\\S+) >-+$")
                .matcher(out)
                .results()
                .map(r -> r.group(1))
                .filter(a -> !a.equals("eddy-parent"))
                .collect(Collectors.toSet());

        Set<String> ours = BUILT_BY_EDDY.stream()
                .flatMap(m -> modules.get(m).alsoMade().stream())
                .map(dir -> modules.get(dir).artifactId())
                .collect(Collectors.toSet());

        assertThat(ours).isEqualTo(maven);
    }

    @Test
    void everySubcommandPrintsItsUsageOnAFreshCheckout() throws Exception {
        Map<List<String>, String> usages = Map.ofEntries(
                Map.entry(List.of("--help"), "usage: ./eddy dev"),
                Map.entry(List.of("dev", "--help"), "usage: ./eddy dev"),
                Map.entry(List.of("compact", "--help"), "./eddy compact"),
                Map.entry(List.of("chaos", "--help"), "./eddy chaos"),
                Map.entry(List.of("perf", "produce", "--help"), "usage: ./eddy perf produce"),
                Map.entry(List.of("perf", "consume", "--help"), "usage: ./eddy perf consume"),
                Map.entry(List.of("perf", "floor", "--help"), "usage: perf floor"),
                Map.entry(List.of("perf", "client-produce", "--help"), "--num-records"),
                Map.entry(List.of("perf", "client-consume", "--help"), "--messages"),
                Map.entry(List.of("topics", "--help"), "Usage: eddy topics"),
                Map.entry(List.of("produce", "--help"), "Usage: eddy produce"),
                Map.entry(List.of("consume", "--help"), "Usage: eddy consume"),
                Map.entry(List.of("groups", "--help"), "Usage: eddy groups"),
                Map.entry(List.of("token", "--help"), "Usage: eddy token"));
        for (var usage : usages.entrySet()) {
            Run help = freshCheckout().run("", usage.getKey().toArray(String[]::new));

            assertThat(help.exit())
                    .as("./eddy %s: %s", String.join(" ", usage.getKey()), help.output())
                    .isZero();
            assertThat(help.output())
                    .as("./eddy %s", String.join(" ", usage.getKey()))
                    .contains(usage.getValue());
        }
    }

    @Test
    void perfProduceRunsAfterDevOnTheSameCheckoutAndEveryClientCommandAgainstDev() throws Exception {
        Checkout checkout = freshCheckout();
        int port = freePort();
        int kafkaPort = freePort();
        Process dev = startDev(checkout, "dev", port, kafkaPort);
        try {
            assertThat(listening(kafkaPort)).as("the Kafka listener is up").isTrue();
            String url = "http://127.0.0.1:" + port;
            assertThat(status(url + "/q/openapi")).as("the OpenAPI document").isEqualTo(200);
            assertThat(status(url + "/q/swagger-ui/"))
                    .as("Swagger UI, in ./eddy dev only")
                    .isEqualTo(200);

            Run token = freshCheckout().run("", "token", "new", "alice");
            assertThat(token.exit()).as(token.output()).isZero();
            assertThat(token.output()).contains("eddy.auth.principals.alice.token-sha256=");

            assertSucceeds(freshCheckout().run("", "topics", "create", "newcomer", "--partitions", "2", "--url", url));
            assertThat(lines(freshCheckout().run("", "topics", "list", "--url", url)))
                    .contains("newcomer");
            assertSucceeds(freshCheckout().run("first\nsecond\n", "produce", "newcomer", "--url", url));
            assertThat(lines(freshCheckout()
                            .run(
                                    "",
                                    "consume",
                                    "newcomer",
                                    "--group",
                                    "readers",
                                    "--from-beginning",
                                    "--max-messages",
                                    "2",
                                    "--timeout-ms",
                                    "20000",
                                    "--url",
                                    url)))
                    .contains("first", "second");
            assertThat(lines(freshCheckout().run("", "groups", "list", "--url", url)))
                    .contains("readers");
            assertThat(assertSucceeds(freshCheckout()
                            .run(
                                    "",
                                    "perf",
                                    "client-produce",
                                    "--topic",
                                    "newcomer",
                                    "--num-records",
                                    "100",
                                    "--json",
                                    "--url",
                                    url)))
                    .contains("\"records\":100,");
            assertThat(assertSucceeds(freshCheckout()
                            .run(
                                    "",
                                    "perf",
                                    "client-consume",
                                    "--topic",
                                    "newcomer",
                                    "--messages",
                                    "102",
                                    "--timeout-ms",
                                    "5000",
                                    "--json",
                                    "--url",
                                    url)))
                    .contains("\"records\":102,");
            assertThat(assertSucceeds(freshCheckout().run("", "compact", "--dry-run", "--url", url)))
                    .contains("summary:");
        } finally {
            dev.destroy(); // SIGTERM, as Ctrl-C would be to a foreground run
            assertThat(dev.waitFor(60, TimeUnit.SECONDS))
                    .as("./eddy dev stopped on SIGTERM")
                    .isTrue();
        }
        assertThat(listening(port)).as("the server is stopped with ./eddy dev").isFalse();
        assertThat(listening(kafkaPort)).as("its Kafka listener too").isFalse();

        // dev built the server and the stand-ins; that must not pass for what perf produce runs
        Run produce = checkout.run(
                "",
                "perf",
                "produce",
                "--quick",
                "--no-kafka",
                "--producers",
                "2",
                "--warmup",
                "1s",
                "--duration",
                "1s",
                "--out-dir",
                work.resolve("perf-produce").toString());

        assertThat(produce.exit()).as(produce.output()).isZero();
        assertThat(Files.readString(work.resolve("perf-produce/perf-produce.json")))
                .contains("\"eddy\"");
    }

    @Test
    void kafkasCommandLineToolsRunAsProcessesAgainstDev() throws Exception {
        int kafkaPort = freePort();
        Process dev = startDev(freshCheckout(), "dev-kafka-tools", freePort(), kafkaPort);
        try {
            String bootstrap = "127.0.0.1:" + kafkaPort;

            // kafka-topics --create, --list, --describe
            assertThat(kafkaTool(
                            "",
                            "org.apache.kafka.tools.TopicCommand",
                            "--bootstrap-server",
                            bootstrap,
                            "--create",
                            "--topic",
                            "tools",
                            "--partitions",
                            "3",
                            "--replication-factor",
                            "1"))
                    .contains("Created topic tools.");
            assertThat(kafkaTool("", "org.apache.kafka.tools.TopicCommand", "--bootstrap-server", bootstrap, "--list")
                            .lines())
                    .contains("tools");
            String described = kafkaTool(
                    "",
                    "org.apache.kafka.tools.TopicCommand",
                    "--bootstrap-server",
                    bootstrap,
                    "--describe",
                    "--topic",
                    "tools");
            assertThat(described).contains("Topic: tools", "PartitionCount: 3", "ReplicationFactor: 1");
            assertThat(described.lines().filter(l -> l.contains("Partition: "))).hasSize(3);

            // kafka-console-producer with keys, kafka-console-consumer --from-beginning --group
            List<String> keyed = List.of("a:1", "b:2", "c:3", "d:4", "e:5", "f:6");
            kafkaTool(
                    String.join("\n", keyed) + "\n",
                    "org.apache.kafka.tools.ConsoleProducer",
                    "--bootstrap-server",
                    bootstrap,
                    "--topic",
                    "tools",
                    "--property",
                    "parse.key=true",
                    "--property",
                    "key.separator=:");
            String consumed = kafkaTool(
                    "",
                    "org.apache.kafka.tools.consumer.ConsoleConsumer",
                    "--bootstrap-server",
                    bootstrap,
                    "--topic",
                    "tools",
                    "--from-beginning",
                    "--group",
                    "tool-readers",
                    "--max-messages",
                    "6",
                    "--timeout-ms",
                    "30000",
                    "--property",
                    "print.key=true",
                    "--property",
                    "key.separator=:");
            assertThat(consumed.lines()).containsExactlyInAnyOrderElementsOf(keyed);

            // kafka-consumer-groups --describe: what the console consumer committed, then the lag of three more
            kafkaTool(
                    "g:7\nh:8\ni:9\n",
                    "org.apache.kafka.tools.ConsoleProducer",
                    "--bootstrap-server",
                    bootstrap,
                    "--topic",
                    "tools",
                    "--property",
                    "parse.key=true",
                    "--property",
                    "key.separator=:");
            List<Map<String, String>> lagging = groupTable(kafkaTool(
                    "",
                    "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                    "--bootstrap-server",
                    bootstrap,
                    "--describe",
                    "--group",
                    "tool-readers"));
            assertThat(lagging).hasSize(3);
            assertThat(sum(lagging, "CURRENT-OFFSET")).isEqualTo(6);
            assertThat(sum(lagging, "LOG-END-OFFSET")).isEqualTo(9);
            assertThat(sum(lagging, "LAG")).isEqualTo(3);

            // kafka-consumer-groups --reset-offsets --to-earliest --execute: everything is lag again
            List<Map<String, String>> reset = groupTable(kafkaTool(
                    "",
                    "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                    "--bootstrap-server",
                    bootstrap,
                    "--reset-offsets",
                    "--group",
                    "tool-readers",
                    "--topic",
                    "tools",
                    "--to-earliest",
                    "--execute"));
            assertThat(reset).hasSize(3).allSatisfy(row -> assertThat(row).containsEntry("NEW-OFFSET", "0"));
            List<Map<String, String>> rewound = groupTable(kafkaTool(
                    "",
                    "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand",
                    "--bootstrap-server",
                    bootstrap,
                    "--describe",
                    "--group",
                    "tool-readers"));
            assertThat(sum(rewound, "CURRENT-OFFSET")).isZero();
            assertThat(sum(rewound, "LAG")).isEqualTo(9);

            // kafka-producer-perf-test and kafka-consumer-perf-test (Eddy creates no topic on first use)
            kafkaTool(
                    "",
                    "org.apache.kafka.tools.TopicCommand",
                    "--bootstrap-server",
                    bootstrap,
                    "--create",
                    "--topic",
                    "tools-perf",
                    "--partitions",
                    "2");
            assertThat(kafkaTool(
                            "",
                            "org.apache.kafka.tools.ProducerPerformance",
                            "--topic",
                            "tools-perf",
                            "--num-records",
                            "500",
                            "--record-size",
                            "100",
                            "--throughput",
                            "-1",
                            "--producer-props",
                            "bootstrap.servers=" + bootstrap))
                    .contains("500 records sent");
            String perf = kafkaTool(
                    "",
                    "org.apache.kafka.tools.ConsumerPerformance",
                    "--bootstrap-server",
                    bootstrap,
                    "--topic",
                    "tools-perf",
                    "--messages",
                    "500",
                    "--timeout",
                    "30000",
                    "--hide-header");
            // start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, ...
            assertThat(perf.lines().map(l -> l.split(",\\s*")).filter(f -> f.length > 4))
                    .anySatisfy(f -> assertThat(f[4]).isEqualTo("500"));
        } finally {
            dev.destroy();
            assertThat(dev.waitFor(60, TimeUnit.SECONDS))
                    .as("./eddy dev stopped on SIGTERM")
                    .isTrue();
        }
    }

    @Test
    void perfFloorRunsOnAFreshCheckout() throws Exception {
        Run floor = freshCheckout()
                .run(
                        "",
                        "perf",
                        "floor",
                        "--mb",
                        "1",
                        "--object-kb",
                        "256",
                        "--transactions",
                        "10",
                        "--threads",
                        "2",
                        "--warmup",
                        "1s",
                        "--flush-kb",
                        "800");

        assertThat(floor.exit()).as(floor.output()).isZero();
        assertThat(floor.output())
                .containsPattern("handoff +[0-9,]+ wake-ups .*: [0-9.]+ us each, [0-9.]+ CPU-us each")
                .containsPattern(
                        "flush +800 KiB: stand-ins [0-9.]+ CPU-us per record .*; caller [0-9.]+ CPU-us per record");
    }

    @Test
    void perfConsumeRunsOnAFreshCheckout() throws Exception {
        Run consume = freshCheckout()
                .run(
                        "",
                        "perf",
                        "consume",
                        "--quick",
                        "--no-kafka",
                        "--tiers",
                        "memory",
                        "--mb",
                        "1",
                        "--out-dir",
                        work.resolve("perf-consume").toString());

        assertThat(consume.exit()).as(consume.output()).isZero();
        assertThat(work.resolve("perf-consume/perf-consume.json")).exists();
    }

    @Test
    void chaosRunsOnACheckoutWhereOnlyTheClientWasBuilt() throws Exception {
        Checkout checkout = freshCheckout();
        assertSucceeds(checkout.run("", "token", "new", "bob"));

        Run chaos = checkout.run("", "chaos", "--scenarios", "baseline", "--duration", "2s", "--rate", "5");

        assertThat(chaos.exit()).as(chaos.output()).isZero();
        assertThat(chaos.output()).contains("eddy chaos: baseline: ");
    }

    @Test
    void aSecondRunBuildsNothing() throws Exception {
        Checkout checkout = freshCheckout();
        assertSucceeds(checkout.run("", "token", "new", "carol"));
        List<String> first = checkout.builds();

        assertSucceeds(checkout.run("", "token", "new", "carol"));

        // one build by the script (the launcher), one by the launcher (what the subcommand runs)
        assertThat(first).hasSize(2);
        assertThat(first.get(0)).contains("-pl command/launcher -am");
        assertThat(first.get(1)).contains("-pl client -am");
        assertThat(checkout.builds()).isEqualTo(first);
    }

    // ---- Kafka's tools, as processes

    /**
     * Runs one of Kafka's command-line tools ({@code main} of kafka-tools, a test dependency) in a JVM of its own,
     * as its shell script would; fails unless it exits 0 within {@link #RUN}. Returns what it printed on stdout.
     */
    private static String kafkaTool(String stdin, String main, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                main));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(work, "tool", ".out");
        Path err = Files.createTempFile(work, "tool", ".err");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String name = main.substring(main.lastIndexOf('.') + 1) + " " + String.join(" ", args);
        if (!p.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            fail("%s did not finish within %s:%n%s%n%s", name, RUN, Files.readString(out), Files.readString(err));
        }
        assertThat(p.exitValue())
                .as("%s:%n%s%n%s", name, Files.readString(out), Files.readString(err))
                .isZero();
        return Files.readString(out);
    }

    /** The rows of a kafka-consumer-groups table (a header line starting with GROUP), by column name. */
    private static List<Map<String, String>> groupTable(String output) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        int header = 0;
        while (header < lines.size() && !lines.get(header).startsWith("GROUP ")) {
            header++;
        }
        assertThat(header).as("a table in:%n%s", output).isLessThan(lines.size());
        List<String> columns = List.of(lines.get(header).trim().split("\\s+"));
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 0; i < columns.size() && i < cells.length; i++) {
                row.put(columns.get(i), cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static long sum(List<Map<String, String>> rows, String column) {
        return rows.stream().mapToLong(r -> Long.parseLong(r.get(column))).sum();
    }

    // ---- the checkouts and runs

    private record Run(int exit, String output) {}

    private static String assertSucceeds(Run run) {
        assertThat(run.exit()).as(run.output()).isZero();
        return run.output();
    }

    /** The lines a successful run printed (stdout and stderr together). */
    private static List<String> lines(Run run) {
        return assertSucceeds(run).lines().map(String::strip).toList();
    }

    /** A directory with the repository's files and nothing built, and the log of the Maven calls made in it. */
    private record Checkout(Path dir, Path mvnLog) {
        Run run(String stdin, String... args) throws IOException, InterruptedException {
            Path log = Files.createTempFile(work, "run", ".log");
            Process p = process(log, args);
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)) {
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
                fail("./eddy %s did not finish within %s:%n%s", String.join(" ", args), RUN, Files.readString(log));
            }
            return new Run(p.exitValue(), Files.readString(log));
        }

        Process start(Path log, String... args) throws IOException {
            Process p = process(log, args);
            p.getOutputStream().close();
            return p;
        }

        private Process process(Path log, String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of("bash", "eddy"));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.remove("EDDY_TOKEN");
            env.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
            env.put("EDDY_TEST_REACTOR", work.resolve("reactor.txt").toString());
            env.put("EDDY_TEST_BUILT_ROOT", BUILT.toString());
            env.put("EDDY_TEST_MVN_LOG", mvnLog.toString());
            env.put("TMPDIR", work.toString());
            // every JVM here runs for seconds: C1 alone and one GC thread halve their CPU, which CI's time pays
            env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
            return pb.start();
        }

        /** The Maven calls made in this checkout so far. */
        List<String> builds() throws IOException {
            return Files.exists(mvnLog)
                    ? Files.readAllLines(mvnLog).stream()
                            .filter(l -> l.startsWith("mvn "))
                            .toList()
                    : List.of();
        }
    }

    private static Checkout freshCheckout() throws IOException {
        int n = CHECKOUTS.incrementAndGet();
        Path dir = Files.createDirectories(work.resolve("checkout-" + n));
        for (String file : tracked) {
            Path from = BUILT.resolve(file);
            if (!Files.isRegularFile(from)) {
                continue; // deleted in the working tree
            }
            Path to = dir.resolve(file);
            Files.createDirectories(to.getParent());
            Files.copy(from, to); // no attributes: new files, as a clone makes them
            if (Files.isExecutable(from)) {
                assertThat(to.toFile().setExecutable(true)).isTrue();
            }
        }
        return new Checkout(dir, work.resolve("checkout-" + n + ".mvn.log"));
    }

    /** Starts {@code ./eddy dev} in {@code checkout}, its log and data named {@code name}; waits until it is ready. */
    private static Process startDev(Checkout checkout, String name, int port, int kafkaPort) throws Exception {
        Path log = work.resolve(name + ".log");
        Process dev = checkout.start(
                log,
                "dev",
                "--port",
                String.valueOf(port),
                "--kafka-port",
                String.valueOf(kafkaPort),
                "--data-dir",
                work.resolve(name + "-data").toString());
        try {
            awaitLine(dev, log, "Eddy is ready at http://127.0.0.1:" + port);
            awaitLine(dev, log, "Kafka clients: bootstrap.servers=127.0.0.1:" + kafkaPort + "\n");
        } catch (Exception | AssertionError e) {
            dev.destroy();
            throw e;
        }
        return dev;
    }

    private static void awaitLine(Process p, Path log, String line) throws Exception {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (!Files.readString(log).contains(line)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                fail(
                        "./eddy never printed '%s'%s:%n%s",
                        line, p.isAlive() ? " in " + RUN : " before it exited", Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int status(String url) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(URI.create(url)).build();
        return java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path onPath(String program) {
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("%s is not on the PATH", program);
    }
}
