package io.eddy.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kafka 4.4.0 baseline: a one-node KRaft broker (broker + controller) on localhost, in a JVM of its own so its CPU
 * is its own, and Kafka's tools run against it. The jars come from {@code bench/kafka-baseline/pom.xml} (outside the
 * reactor), resolved on first use. Not thread-safe: used by one subcommand's main thread.
 */
final class KafkaBroker {
    /** The JVM options of Kafka's kafka-server-start.sh and kafka-run-class.sh. */
    static final List<String> BROKER_JVM = List.of(
            "-Xmx1G",
            "-Xms1G",
            "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35",
            "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");

    static final String STARTED = "Kafka Server started";

    private final Session session;
    private final Path logs;
    private final List<String> tool;
    private final Process process;
    private final int port;

    private KafkaBroker(Session session, Path logs, List<String> tool, Process process, int port) {
        this.session = session;
        this.logs = logs;
        this.tool = tool;
        this.process = process;
        this.port = port;
    }

    /** The one-node KRaft broker's server.properties. */
    static String serverProperties(Path dir, int brokerPort, int controllerPort) {
        return """
                process.roles=broker,controller
                node.id=1
                controller.quorum.voters=1@127.0.0.1:%2$d
                listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
                advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
                controller.listener.names=CONTROLLER
                inter.broker.listener.name=PLAINTEXT
                listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
                log.dirs=%3$s/logs
                num.partitions=6
                offsets.topic.replication.factor=1
                share.coordinator.state.topic.replication.factor=1
                transaction.state.log.replication.factor=1
                transaction.state.log.min.isr=1
                group.initial.rebalance.delay.ms=0
                """.formatted(brokerPort, controllerPort, dir);
    }

    /** The broker logs INFO to its log file, as Kafka's own config does. */
    static String brokerLog4j(Path logFile) {
        return """
                rootLogger.level=INFO
                rootLogger.appenderRef.file.ref=file
                appender.file.type=File
                appender.file.name=file
                appender.file.fileName=%s
                appender.file.layout.type=PatternLayout
                appender.file.layout.pattern=[%%d] %%p %%m (%%c)%%n
                """.formatted(logFile);
    }

    /** The tools log warnings only, to standard error. */
    static final String TOOLS_LOG4J = """
            rootLogger.level=WARN
            rootLogger.appenderRef.err.ref=err
            appender.err.type=Console
            appender.err.name=err
            appender.err.target=SYSTEM_ERR
            appender.err.layout.type=PatternLayout
            appender.err.layout.pattern=[%d] %p %m (%c)%n
            """;

    /** The broker port of a server.properties this class wrote. */
    static int brokerPort(String serverProperties) {
        return serverProperties
                .lines()
                .filter(l -> l.startsWith("advertised.listeners=PLAINTEXT://127.0.0.1:"))
                .map(l -> Integer.parseInt(l.substring(l.lastIndexOf(':') + 1)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no advertised listener"));
    }

    /**
     * Formats the broker's storage under {@code work/kafka} and starts it. A port taken meanwhile by another process
     * (the free-port check can race) means starting again on other ports, twice at most.
     */
    static KafkaBroker start(Session session, Path work, Path logs) {
        Path dir = work.resolve("kafka");
        Path properties = dir.resolve("server.properties");
        try {
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeProperties(session, dir);
        write(dir.resolve("log4j2-broker.properties"), brokerLog4j(logs.resolve("kafka-broker.log")));
        List<String> tool = toolCommand(session, dir);
        Path toolsLog = logs.resolve("kafka-tools.log");

        Path uuidOut = dir.resolve("cluster-id.txt");
        if (session.children()
                        .run(new ProcessBuilder(with(tool, "kafka.tools.StorageTool", "random-uuid"))
                                .redirectOutput(uuidOut.toFile())
                                .redirectError(ProcessBuilder.Redirect.appendTo(toolsLog.toFile())))
                != 0) {
            throw EddyExit.die("kafka-storage random-uuid failed (log: " + toolsLog + ")");
        }
        String clusterId = Session.read(uuidOut).strip();
        if (session.children()
                        .run(new ProcessBuilder(with(
                                        tool,
                                        "kafka.tools.StorageTool",
                                        "format",
                                        "-t",
                                        clusterId,
                                        "-c",
                                        properties.toString()))
                                .redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.appendTo(toolsLog.toFile())))
                != 0) {
            throw EddyExit.die("formatting Kafka's storage failed (log: " + toolsLog + ")");
        }

        Path brokerLog = logs.resolve("kafka-broker.log");
        Path brokerOut = logs.resolve("kafka-broker.out");
        for (int attempt = 1; ; attempt++) {
            int port = brokerPort(Session.read(properties));
            session.say("Kafka baseline: starting a one-node KRaft broker on port " + port + "…");
            write(brokerLog, "");
            List<String> command = new ArrayList<>(List.of(session.java()));
            command.addAll(BROKER_JVM);
            command.addAll(List.of(
                    "-Dlog4j2.configurationFile=" + dir.resolve("log4j2-broker.properties"),
                    "-cp",
                    tool.get(tool.size() - 1),
                    "kafka.Kafka",
                    properties.toString()));
            Process broker = session.children()
                    .start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(brokerOut.toFile()));
            if (Probes.awaitLine(brokerLog, STARTED, Duration.ofSeconds(120), broker)) {
                return new KafkaBroker(session, logs, tool, broker, port);
            }
            if (attempt < 3 && Session.read(brokerLog).contains("Address already in use")) {
                session.say("Kafka baseline: a port was taken meanwhile; starting the broker again on other ports");
                session.children().stop(broker);
                writeProperties(session, dir);
                continue;
            }
            for (Path log : List.of(brokerOut, brokerLog)) {
                List<String> lines = Session.read(log).lines().toList();
                session.err().println("==> " + log + " <==");
                lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(session.err()::println);
            }
            throw EddyExit.die("the Kafka broker did not start (logs: " + brokerLog + ", " + brokerOut + ")");
        }
    }

    /**
     * {@code java ... -cp KAFKA-JARS}: the command line a Kafka tool class and its arguments follow, its log
     * configuration (warnings to standard error) written under {@code dir}.
     */
    static List<String> toolCommand(Session session, Path dir) {
        write(dir.resolve("log4j2-tools.properties"), TOOLS_LOG4J);
        return List.of(
                session.java(),
                "-Xmx512m",
                "-Dlog4j2.configurationFile=" + dir.resolve("log4j2-tools.properties"),
                "-cp",
                classpath(session));
    }

    private static void writeProperties(Session session, Path dir) {
        int broker = session.probes().freePort();
        int controller = session.probes().freePort();
        while (controller == broker) {
            controller = session.probes().freePort();
        }
        write(dir.resolve("server.properties"), serverProperties(dir, broker, controller));
    }

    /** The Kafka 4.4.0 jars; resolved (mvn -f bench/kafka-baseline/pom.xml validate) when missing or older than the pom. */
    private static String classpath(Session session) {
        Path cpFile = session.layout().kafkaClasspathFile();
        Path pom = session.layout().kafkaBaselinePom();
        try {
            if (!Files.exists(cpFile)
                    || Files.size(cpFile) == 0
                    || Files.getLastModifiedTime(pom).compareTo(Files.getLastModifiedTime(cpFile)) > 0) {
                session.say("resolving the Kafka 4.4.0 baseline jars (mvn -f bench/kafka-baseline/pom.xml validate)…");
                Path mvnOut = Files.createTempFile("eddy-kafka-resolve", ".log");
                int exit = session.children()
                        .run(new ProcessBuilder("mvn", "-q", "-B", "-f", pom.toString(), "validate")
                                .redirectErrorStream(true)
                                .redirectOutput(mvnOut.toFile()));
                session.err().print(Session.read(mvnOut)); // on standard error, as all of the script's progress
                Files.delete(mvnOut);
                if (exit != 0) {
                    throw EddyExit.die("could not resolve the Kafka jars; run 'mvn -f bench/kafka-baseline/pom.xml "
                            + "validate' to see why");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Session.read(cpFile).strip();
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** The broker's CPU mark for {@link Cpu#coresLine}. */
    Cpu.Mark cpuMark() {
        return session.cpu().mark(process.pid());
    }

    /** A 6-partition topic. */
    void createTopic(String name) {
        Path toolsLog = logs.resolve("kafka-tools.log");
        if (runTool(
                        List.of(
                                "org.apache.kafka.tools.TopicCommand",
                                "--bootstrap-server",
                                "127.0.0.1:" + port,
                                "--create",
                                "--topic",
                                name,
                                "--partitions",
                                "6",
                                "--replication-factor",
                                "1"),
                        ProcessBuilder.Redirect.appendTo(toolsLog.toFile()),
                        true)
                != 0) {
            throw EddyExit.die("creating the Kafka topic " + name + " failed (log: " + toolsLog + ")");
        }
    }

    /** Runs a Kafka tool class, its output to {@code out}, its errors to kafka-tools.log (or with the output). */
    int runTool(List<String> classAndArgs, ProcessBuilder.Redirect out, boolean errorsWithOutput) {
        ProcessBuilder pb = new ProcessBuilder(with(tool, classAndArgs.toArray(String[]::new))).redirectOutput(out);
        if (errorsWithOutput) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(ProcessBuilder.Redirect.appendTo(
                    logs.resolve("kafka-tools.log").toFile()));
        }
        return session.children().run(pb);
    }

    void stop() {
        session.children().stop(process);
    }

    private static List<String> with(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
