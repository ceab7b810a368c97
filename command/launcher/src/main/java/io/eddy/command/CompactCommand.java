package io.eddy.command;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy compact}: one compaction pass on a running server now, its progress printed as the server streams it
 * ({@link CompactLines}). Exit codes: 0 done, 1 failed, 2 bad usage.
 *
 * <p>One instance parses and runs once: not thread-safe.
 */
@Command(name = "compact")
final class CompactCommand implements Callable<Integer>, Usage {
    @Option(names = "--url")
    String url = "http://127.0.0.1:8080";

    @Option(names = "--topic")
    List<String> topics = new ArrayList<>();

    @Option(names = "--dry-run")
    boolean dryRun;

    @Option(names = "--no-gc")
    boolean noGc;

    @Option(names = "--no-repair")
    boolean noRepair;

    @Option(names = "--scrub")
    boolean scrub;

    @Option(names = {"-h", "--help"})
    boolean help;

    private final Session session;

    CompactCommand(Session session) {
        this.session = session;
    }

    @Override
    public int badUsage(CommandLine.ParameterException e) {
        return Usage.report(session, e, Eddy.USAGE, 2);
    }

    /** The query of the request: the topics, then the switches that differ from the server's defaults. */
    String query() {
        List<String> params = new ArrayList<>();
        topics.forEach(t -> params.add("topic=" + URLEncoder.encode(t, StandardCharsets.UTF_8)));
        if (dryRun) {
            params.add("dry_run=true");
        }
        if (noGc) {
            params.add("gc=false");
        }
        if (noRepair) {
            params.add("repair=false");
        }
        if (scrub) {
            params.add("scrub=true");
        }
        return String.join("&", params);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (help) {
            session.out().print(Eddy.text(Eddy.USAGE));
            return 0;
        }
        boolean tty = System.console() != null;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/v1/admin/compact?" + query()))
                .POST(HttpRequest.BodyPublishers.noBody());
        String token = session.env().getOrDefault("EDDY_TOKEN", "");
        if (!token.isEmpty()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<Stream<String>> response;
        try {
            response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException | IllegalArgumentException e) {
            session.say("could not reach " + url + " (" + e + "); is Eddy running at " + url + "? (./eddy dev)");
            return 1;
        }
        boolean failed = response.statusCode() != 200;
        try (Stream<String> lines = response.body()) {
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                CompactLines.Printed printed = CompactLines.print(it.next(), tty);
                session.out().print(printed.out());
                session.out().flush();
                printed.errors().forEach(session::say);
                failed |= printed.failed();
            }
        } catch (java.io.UncheckedIOException e) {
            session.say("the stream from " + url + " broke off (" + e.getCause() + ")");
            failed = true;
        }
        return failed ? 1 : 0;
    }
}
