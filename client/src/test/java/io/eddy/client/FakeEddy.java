package io.eddy.client;

import io.eddy.client.http.HttpTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;

/**
 * An in-memory stand-in for the produce side of Eddy's API, for unit tests of the producer: a topic of two
 * partitions, producer registration and epoch bumps, and produce requests answered by a test's policy (default:
 * accepted, offsets counted per partition). Records every produce body. Thread-safe.
 */
final class FakeEddy implements HttpTransport {
    final List<byte[]> produces = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Map<Integer, Long> next = new HashMap<>();
    private int epoch;
    /** Answers the n-th produce request (from 1); {@code null} to accept it. */
    volatile Function<Integer, Response> policy = n -> null;
    /** Produce requests get no answer at all. */
    volatile boolean hang;
    /** The n-th produce request (from 1) is answered only once its future here completes. */
    final Map<Integer, CompletableFuture<Void>> holds = new java.util.concurrent.ConcurrentHashMap<>();
    /** Completed when the n-th produce request (from 1) arrives; see {@link #arrival}. */
    private final Map<Integer, CompletableFuture<Void>> arrivals = new java.util.concurrent.ConcurrentHashMap<>();

    /** Completes when the n-th produce request (from 1) has arrived. */
    CompletableFuture<Void> arrival(int n) {
        return arrivals.computeIfAbsent(n, k -> new CompletableFuture<>());
    }

    static Response problem(int status, String code, boolean retryable) {
        return new Response(
                status,
                Map.of(),
                ("{\"code\": \"" + code + "\", \"detail\": \"injected " + code + "\", \"retryable\": " + retryable
                                + "}")
                        .getBytes(StandardCharsets.UTF_8));
    }

    private static Response json(int status, String body) {
        return new Response(status, Map.of(), body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized CompletableFuture<Response> send(Request request) {
        String path = request.uri().getPath();
        calls.add(request.method() + " " + path);
        if (request.method().equals("GET") && path.equals("/v1/topics/t")) {
            return CompletableFuture.completedFuture(json(200, "{\"name\": \"t\", \"partitions\": 2}"));
        }
        if (request.method().equals("GET") && path.startsWith("/v1/topics/")) {
            return CompletableFuture.completedFuture(problem(404, "unknown_topic", false));
        }
        if (path.equals("/v1/producers")) {
            return CompletableFuture.completedFuture(json(201, "{\"producer_id\": 7, \"epoch\": 0}"));
        }
        if (path.equals("/v1/producers/7/epoch")) {
            // as the server: only the current epoch, presented in the body, is bumped
            String presented = request.body() == null ? "" : new String(request.body(), StandardCharsets.UTF_8);
            if (!presented.replace(" ", "").equals("{\"epoch\":" + epoch + "}")) {
                return CompletableFuture.completedFuture(problem(409, "producer_fenced", false));
            }
            return CompletableFuture.completedFuture(json(200, "{\"producer_id\": 7, \"epoch\": " + (++epoch) + "}"));
        }
        produces.add(request.body());
        int n = produces.size();
        arrival(n).complete(null);
        if (hang) {
            return new CompletableFuture<>();
        }
        CompletableFuture<Void> hold = holds.get(n);
        if (hold != null) {
            return hold.thenApply(ignored -> answer(request, n));
        }
        return CompletableFuture.completedFuture(answer(request, n));
    }

    private synchronized Response answer(Request request, int n) {
        Response answer = policy.apply(n);
        if (answer != null) {
            return answer;
        }
        StringBuilder out = new StringBuilder("{\"batches\": [");
        for (Frame f : frames(request.body())) {
            long base = next.getOrDefault(f.partition(), 0L);
            next.put(f.partition(), base + f.batch().countOrNull());
            out.append(out.charAt(out.length() - 1) == '[' ? "" : ",")
                    .append("{\"partition\": ")
                    .append(f.partition())
                    .append(", \"base_offset\": ")
                    .append(base)
                    .append(", \"last_offset\": ")
                    .append(base + f.batch().countOrNull() - 1)
                    .append('}');
        }
        return json(200, out.append("]}").toString());
    }

    record Frame(int partition, RecordBatch batch) {}

    static List<Frame> frames(byte[] body) {
        List<Frame> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(body);
        while (buf.hasRemaining()) {
            int partition = buf.getInt();
            int length = buf.getInt();
            ByteBuffer batch = buf.slice();
            batch.limit(length);
            buf.position(buf.position() + length);
            out.add(new Frame(
                    partition,
                    MemoryRecords.readableRecords(batch).batches().iterator().next()));
        }
        return out;
    }
}
