package io.eddy.command;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts the local stack as child processes: DynamoDB Local and the S3 stand-in in one JVM, and Eddy servers pointed
 * at them. Not thread-safe: used by one subcommand's main thread.
 */
final class Stack {
    static final String STANDINS_READY = "EDDY-STANDINS READY";
    /** What the server logs once its Kafka listener is bound (KafkaStartup), before the address clients use. */
    static final String KAFKA_READY = "bootstrap.servers=";

    private static final Pattern DYNAMO = Pattern.compile("dynamodb=(\\S*)");
    private static final Pattern S3 = Pattern.compile("s3=(\\S*)");

    /** The running stand-ins: their process and endpoints. */
    record Standins(Process process, String dynamoEndpoint, String s3Endpoint) {}

    private final Session session;

    Stack(Session session) {
        this.session = session;
    }

    Standins startStandins(Path dataDir, Path logs) {
        session.say("starting DynamoDB Local and the S3 stand-in (data in " + dataDir + ")…");
        Path log = logs.resolve("standins.log");
        List<String> command = new ArrayList<>(List.of(
                session.java(),
                "-cp",
                session.layout().classes(Module.STANDINS).toString(),
                "io.eddy.standins.StandinsMain",
                "--data-dir",
                dataDir.toString(),
                "--parent-pid",
                String.valueOf(ProcessHandle.current().pid())));
        Process p = session.children()
                .start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()));
        if (!Probes.awaitLine(log, STANDINS_READY, Duration.ofSeconds(90), p)) {
            session.err().print(Session.read(log));
            throw EddyExit.die("the stand-ins did not start (log: " + log + ")");
        }
        String ready = Probes.lineWith(log, STANDINS_READY);
        return new Standins(p, group(DYNAMO, ready), group(S3, ready));
    }

    private static String group(Pattern p, String line) {
        Matcher m = p.matcher(line);
        return m.find() ? m.group(1) : "";
    }

    /**
     * The server's command line: JVM options, the HTTP port, the Kafka listener's port (0: a free one; empty: no
     * Kafka listener) and the stand-ins' endpoints.
     */
    static List<String> serverCommand(
            String java, Path serverJar, int port, OptionalInt kafkaPort, Standins standins, List<String> jvmOptions) {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.port=" + port);
        command.add(kafkaPort.isPresent() ? "-Deddy.kafka.port=" + kafkaPort.getAsInt() : "-Deddy.kafka.enabled=false");
        command.addAll(List.of(
                "-Deddy.aws.dynamodb-endpoint=" + standins.dynamoEndpoint(),
                "-Deddy.aws.s3-endpoint=" + standins.s3Endpoint(),
                "-Deddy.aws.access-key=eddy",
                "-Deddy.aws.secret-key=eddy-local-secret",
                "-Deddy.bootstrap.create-resources=true",
                "-jar",
                serverJar.toString()));
        return command;
    }

    /** The {@code host:port} in the server log's {@code bootstrap.servers=host:port} line, or the empty string. */
    static String bootstrapServers(String logLine) {
        int at = logLine.indexOf(KAFKA_READY);
        return at < 0
                ? ""
                : logLine.substring(at + KAFKA_READY.length()).strip().split("\\s")[0];
    }

    /** Starts a server with no Kafka listener against the stand-ins and waits until it answers. */
    Process startServer(int port, Path log, Standins standins, List<String> jvmOptions) {
        return startServer(port, OptionalInt.empty(), log, standins, jvmOptions);
    }

    /**
     * Starts the server against the stand-ins, its Kafka listener on {@code kafkaPort} when given, and waits until it
     * answers HTTP (and has logged its {@code bootstrap.servers} line, when it listens for Kafka clients).
     */
    Process startServer(int port, OptionalInt kafkaPort, Path log, Standins standins, List<String> jvmOptions) {
        Process p = session.children()
                .start(new ProcessBuilder(serverCommand(
                                session.java(), session.layout().serverJar(), port, kafkaPort, standins, jvmOptions))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile()));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!session.probes().httpReady("http://127.0.0.1:" + port + "/v1/topics")) {
            if (!p.isAlive()) {
                List<String> lines = Session.read(log).lines().toList();
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(session.err()::println);
                throw EddyExit.die("the server did not start (log: " + log + "); is port " + port
                        + kafkaPort.stream()
                                .mapToObj(k -> " (or the Kafka port " + k + ")")
                                .findFirst()
                                .orElse("")
                        + " free?");
            }
            if (System.nanoTime() > deadline) {
                throw EddyExit.die("the server did not answer within 120 s (log: " + log + ")");
            }
            Probes.pause();
        }
        if (kafkaPort.isPresent() && !Probes.awaitLine(log, KAFKA_READY, Duration.ofSeconds(30), p)) {
            throw EddyExit.die(
                    "the server answers HTTP but did not say where Kafka clients connect (log: " + log + ")");
        }
        return p;
    }

    /** The address Kafka clients connect to, as the server logged it once its listener was bound. */
    static String bootstrapServers(Path log) {
        return bootstrapServers(Probes.lineWith(log, KAFKA_READY));
    }
}
