package io.eddy.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line's own behaviour, without a server. */
class EddyCliTest {

    @Test
    void everyCommandPrintsItsUsageOnHelp() {
        List<List<String>> commands = List.of(
                List.of(),
                List.of("topics"),
                List.of("topics", "create"),
                List.of("produce"),
                List.of("consume"),
                List.of("groups"),
                List.of("groups", "reset-offsets"),
                List.of("perf"),
                List.of("perf", "produce"),
                List.of("perf", "consume"),
                List.of("token"));
        for (List<String> command : commands) {
            CommandLine cli = EddyCli.commandLine(new ByteArrayInputStream(new byte[0]));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            String[] args = Stream.concat(command.stream(), Stream.of("--help")).toArray(String[]::new);

            int exit = cli.execute(args);

            assertThat(exit)
                    .as("eddy %s --help: %s", String.join(" ", command), err)
                    .isZero();
            assertThat(out.toString())
                    .startsWith("Usage: eddy" + (command.isEmpty() ? "" : " " + String.join(" ", command)));
        }
    }
}
