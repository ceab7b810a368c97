package io.eddy.server;

import io.eddy.client.cli.EddyCli;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * One run of the eddy tool in-process, against the server under test unless the command names a URL itself, has no
 * server to talk to ({@code token}) or asks for help: its exit code and what it printed.
 */
record CliRun(int exit, String out, String err) {

    static CliRun of(URL server, String stdin, String... args) {
        CommandLine cmd = EddyCli.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of(args));
        if (all.size() > 1 && !all.get(0).equals("token") && !all.contains("--url") && !all.contains("--help")) {
            all.add("--url");
            all.add(server.toString());
        }
        int exit = cmd.execute(all.toArray(new String[0]));
        return new CliRun(exit, out.toString().replace("\r", ""), err.toString());
    }

    List<String> lines() {
        return out.isEmpty() ? List.of() : List.of(out.split("\n"));
    }
}
