package io.eddy.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy dev}: builds what is missing, starts DynamoDB Local + the S3 stand-in (data under the data dir) and
 * the Eddy server on the port with its Kafka listener on the Kafka port (0: a free one), prints the URL and the Kafka
 * clients' {@code bootstrap.servers} when ready and runs until the server ends or Ctrl-C.
 *
 * <p>One instance parses and runs once: not thread-safe.
 */
@Command(name = "dev")
final class DevCommand implements Callable<Integer>, Usage {
    @Option(names = "--port")
    String port = "8080";

    @Option(names = "--kafka-port")
    String kafkaPort = "9092";

    @Option(names = "--data-dir")
    String dataDir = "./.eddy";

    @Option(names = "--rebuild")
    boolean rebuild;

    @Option(names = "--auth")
    boolean auth;

    @Option(names = {"-h", "--help"})
    boolean help;

    private final Session session;

    DevCommand(Session session) {
        this.session = session;
    }

    @Override
    public int badUsage(CommandLine.ParameterException e) {
        return Usage.report(session, e, Eddy.USAGE, 1);
    }

    /** The port as a number, when it is one of 1-65535. */
    static int port(String value) {
        if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > 65535) {
            throw EddyExit.die("--port must be 1-65535, not '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    /** The Kafka listener's port as a number, when it is one of 0-65535 (0: the server picks a free one). */
    static int kafkaPort(String value) {
        if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) > 65535) {
            throw EddyExit.die("--kafka-port must be 0-65535 (0: any free port), not '" + value + "'");
        }
        return Integer.parseInt(value);
    }

    /** A fresh admin token: {@code eddy_} and 32 random bytes, base64url without padding. */
    static String newToken(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return "eddy_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The server's access control options for an admin with the token (only its SHA-256 is given). */
    static List<String> authOptions(String token) {
        return List.of(
                "-Deddy.auth.mode=token",
                "-Deddy.auth.principals.admin.token-sha256=" + sha256Hex(token),
                "-Deddy.auth.principals.admin.grants=admin:topic:*,admin:group:*,admin:cluster:*");
    }

    @Override
    public Integer call() throws InterruptedException {
        if (help) {
            session.out().print(Eddy.text(Eddy.USAGE));
            return 0;
        }
        int portNumber = port(port);
        int kafkaPortNumber = kafkaPort(kafkaPort);
        session.builds().ensureBuilt(rebuild, Module.SERVER, Module.STANDINS);
        Path data;
        Path logs;
        try {
            data = Files.createDirectories(Path.of(dataDir)).toAbsolutePath().normalize();
            logs = Files.createDirectories(data.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Stack stack = new Stack(session);
        Stack.Standins standins = stack.startStandins(data, logs);
        session.say("starting the Eddy server on port " + portNumber + "…");
        // the dev profile: what only a developer's machine gets (Swagger UI at /q/swagger-ui)
        List<String> jvm =
                new ArrayList<>(List.of("-Dquarkus.profile=dev", "-Deddy.cache.disk-dir=" + data.resolve("cache")));
        String token = auth ? newToken(new SecureRandom()) : "";
        if (auth) {
            jvm.addAll(authOptions(token));
        }
        Path serverLog = logs.resolve("server.log");
        Process server = stack.startServer(portNumber, OptionalInt.of(kafkaPortNumber), serverLog, standins, jvm);
        session.out().printf("Eddy is ready at http://127.0.0.1:%d  (logs in %s; Ctrl-C stops)%n", portNumber, logs);
        session.out().printf("Kafka clients: bootstrap.servers=%s%n", Stack.bootstrapServers(serverLog));
        if (auth) {
            session.out().printf("Access control is on. Admin token (shown only now): %s%n", token);
            session.out()
                    .printf(
                            "  export EDDY_TOKEN=%s   # for ./eddy commands; curl -H \"Authorization: Bearer "
                                    + "$EDDY_TOKEN\" ...%n",
                            token);
            session.out()
                    .printf("  Kafka clients: SASL_PLAINTEXT, mechanism PLAIN, username admin, password the token%n");
        } else {
            session.out()
                    .printf(
                            "warning: access control is off (eddy.auth.mode=open): anyone who can reach port %d "
                                    + "or the Kafka port may do anything; ./eddy dev --auth requires a token%n",
                            portNumber);
        }
        session.out().flush();
        return server.waitFor();
    }
}
