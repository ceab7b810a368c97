package io.eddy.client.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code eddy token new NAME} makes a random bearer token and prints the configuration lines a server needs for it
 * (its SHA-256, never the token, goes into configuration); {@code eddy token hash} prints the SHA-256 of a token
 * read from standard input, as {@code printf %s TOKEN | sha256sum} does. Works offline.
 */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        description = "make a bearer token, or hash one, for eddy.auth",
        subcommands = {TokenCommand.New.class, TokenCommand.Hash.class})
final class TokenCommand implements Runnable {
    @ParentCommand
    EddyCli root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: new or hash");
    }

    static String sha256Hex(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Command(
            name = "new",
            mixinStandardHelpOptions = true,
            description = "print a new random token and the server configuration for a principal holding it")
    static final class New implements Runnable {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PRINCIPAL", description = "the principal's name in eddy.auth.principals")
        String principal;

        @Override
        public void run() {
            if (!principal.matches("[a-zA-Z0-9_-]{1,64}")) {
                throw new IllegalArgumentException(
                        "a principal name is 1-64 of [a-zA-Z0-9_-], not '" + principal + "'");
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String token = "eddy_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            var out = spec.commandLine().getOut();
            out.println("token (give it to the client, e.g. EDDY_TOKEN; it is shown only now):");
            out.println("  " + token);
            out.println("server configuration (holds only the token's SHA-256):");
            out.println("  eddy.auth.principals." + principal + ".token-sha256=" + sha256Hex(token));
            out.println(
                    "  eddy.auth.principals." + principal + ".grants=produce:topic:*,consume:topic:*,consume:group:*");
            out.flush();
        }
    }

    @Command(
            name = "hash",
            mixinStandardHelpOptions = true,
            description = "print the SHA-256 of the token on standard input")
    static final class Hash implements Runnable {
        @Spec
        CommandSpec spec;

        @ParentCommand
        TokenCommand parent;

        @Override
        public void run() {
            String token;
            try {
                BufferedReader in = new BufferedReader(new InputStreamReader(parent.root.in(), StandardCharsets.UTF_8));
                String line = in.readLine();
                token = line == null ? "" : line.trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (token.isEmpty()) {
                throw new IllegalArgumentException("give the token on standard input");
            }
            spec.commandLine().getOut().println(sha256Hex(token));
            spec.commandLine().getOut().flush();
        }
    }
}
