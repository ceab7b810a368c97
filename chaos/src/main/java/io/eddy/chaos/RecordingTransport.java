package io.eddy.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.client.http.HttpTransport;
import java.io.IOException;
import java.net.ConnectException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A group member's transport: records every heartbeat, leave and commit with its answer (the observations
 * {@link Checker} judges ownership and commits by), and can {@link #crash()}: from then on every request fails as if
 * the process had died (no leave, no last commit reaches the server). Thread-safe.
 */
final class RecordingTransport implements HttpTransport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MEMBER = Pattern.compile("/v1/groups/[^/]+/members/([^/?]+)");
    private static final Pattern COMMIT = Pattern.compile("/v1/groups/[^/]+/offsets$");

    private final HttpTransport delegate;
    private final String topic;
    private final Consumer<History.Heartbeat> heartbeats;
    private final Consumer<History.Commit> commits;
    private volatile boolean crashed;

    RecordingTransport(
            HttpTransport delegate,
            String topic,
            Consumer<History.Heartbeat> heartbeats,
            Consumer<History.Commit> commits) {
        this.delegate = delegate;
        this.topic = topic;
        this.heartbeats = heartbeats;
        this.commits = commits;
    }

    /** The process "dies": nothing it sends from now on reaches the server. */
    void crash() {
        crashed = true;
    }

    @Override
    public CompletableFuture<Response> send(Request request) {
        if (crashed) {
            return CompletableFuture.failedFuture(new ConnectException("crashed (chaos workload)"));
        }
        String path = request.uri().getPath();
        Matcher member = MEMBER.matcher(path);
        boolean heartbeat = member.matches()
                && (request.method().equals("PUT") || request.method().equals("DELETE"));
        boolean commit = COMMIT.matcher(path).matches() && request.method().equals("POST");
        if (!heartbeat && !commit) {
            return delegate.send(request);
        }
        long sent = Clock.micros();
        JsonNode body = parse(request.body());
        CompletableFuture<Response> answer = delegate.send(request);
        answer.whenComplete((r, e) -> {
            long answered = e == null ? Clock.micros() : Long.MAX_VALUE;
            boolean ok = e == null && r.status() == 200;
            if (heartbeat) {
                boolean leave = request.method().equals("DELETE");
                String instance = body.path("instance_id").isTextual()
                        ? body.path("instance_id").asText()
                        : null;
                boolean join = !leave && body.path("member_epoch").asLong(-1) == 0;
                Set<Integer> assigned = new HashSet<>();
                if (ok && !leave) {
                    for (JsonNode a : parse(r.body()).path("assignment")) {
                        if (topic.equals(a.path("topic").asText())) {
                            assigned.add(a.path("partition").asInt());
                        }
                    }
                }
                heartbeats.accept(new History.Heartbeat(
                        member.group(1),
                        instance,
                        join,
                        leave,
                        sent,
                        ok ? answered : (e == null ? answered : Long.MAX_VALUE),
                        ok,
                        assigned));
            } else {
                Map<Integer, Long> offsets = new HashMap<>();
                for (JsonNode o : body.path("offsets")) {
                    if (topic.equals(o.path("topic").asText())) {
                        offsets.put(
                                o.path("partition").asInt(), o.path("offset").asLong());
                    }
                }
                commits.accept(new History.Commit(body.path("member_id").asText(), sent, answered, ok, offsets));
            }
        });
        return answer;
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** The run's one monotonic clock, in microseconds. */
    static final class Clock {
        private Clock() {}

        static long micros() {
            return System.nanoTime() / 1_000;
        }
    }
}
