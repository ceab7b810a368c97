package io.eddy.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;

/**
 * Topics created, written to and deleted while compaction passes with garbage collection run (the {@code topic-churn}
 * scenario). Cycle {@code n} works on the name {@code <prefix>-<n / 2>}: an even cycle creates it, an odd one deletes
 * it and creates it again (a new topic id under the name a pass may have listed); then it sends {@value #RECORDS}
 * records to the new topic and one to an older topic still alive, each in its own request with {@code acks=all}
 * (JSON produce, explicit partition). The topics alive at the end are read in full, and each becomes a
 * {@link History} of its own for {@link Checker} (a deleted topic's records are nobody's to check). Not thread-safe:
 * one thread runs it (a workload runs several, under different prefixes).
 */
final class TopicChurn {
    static final int PARTITIONS = 2;
    static final int RECORDS = 3;
    private static final long CYCLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = Logger.getLogger(TopicChurn.class.getName());

    /** One topic under a name: the {@code number}th created under it, and what was sent to it. */
    private static final class Incarnation {
        final String topic;
        final String producer;
        final List<History.Send> sends = new ArrayList<>();
        long seq;

        Incarnation(String topic, int number) {
            this.topic = topic;
            this.producer = topic + "#" + number;
        }
    }

    private final String prefix;
    private final URI url;
    private final SplittableRandom random;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Incarnation> alive = new LinkedHashMap<>();
    private final Map<String, Integer> incarnations = new LinkedHashMap<>();
    final AtomicLong created = new AtomicLong();
    final AtomicLong deleted = new AtomicLong();
    /** Requests that failed: none are expected (the scenario injects no fault), but only acks are checked. */
    final AtomicLong failures = new AtomicLong();

    TopicChurn(String prefix, URI url, long seed) {
        this.prefix = prefix;
        this.url = url;
        this.random = new SplittableRandom(seed);
    }

    void run(long deadline) {
        long next = System.nanoTime();
        for (int cycle = 0; cycle < 2 || System.nanoTime() < deadline; cycle++) { // a delete, however slow the box
            String name = prefix + "-" + cycle / 2;
            long started = System.nanoTime();
            int n = cycle;
            try {
                if (cycle % 2 == 1 && alive.containsKey(name)) {
                    delete(name);
                }
                Incarnation fresh = create(name);
                if (fresh != null) {
                    for (int i = 0; i < RECORDS; i++) {
                        send(fresh);
                    }
                }
                List<Incarnation> older =
                        alive.values().stream().filter(t -> t != fresh).toList();
                if (!older.isEmpty()) {
                    send(older.get(random.nextInt(older.size())));
                }
            } catch (IOException | RuntimeException e) {
                failures.incrementAndGet();
                LOG.warning("topic churn, cycle " + cycle + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            LOG.fine(() ->
                    name + ", cycle " + n + ": " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) + " ms");
            next += CYCLE_NANOS;
            LockSupport.parkNanos(next - System.nanoTime()); // pacing, not synchronisation
        }
    }

    /** What a final read of one topic returns: each partition from its log start to its high watermark. */
    interface Reader {
        History.FinalPartition readAll(String topic, int partition) throws InterruptedException;
    }

    /** A history per topic alive at the end (sends only, no group), with its final log. */
    List<History> histories(Reader reader, long sessionTimeoutMicros) throws InterruptedException {
        List<History> out = new ArrayList<>();
        for (Incarnation t : alive.values()) {
            Map<Integer, History.FinalPartition> log = new LinkedHashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                log.put(p, reader.readAll(t.topic, p));
            }
            out.add(new History(t.sends, List.of(), List.of(), List.of(), log, Map.of(), sessionTimeoutMicros));
        }
        return out;
    }

    private void delete(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(url.resolve("/v1/topics/" + name))
                        .timeout(Duration.ofSeconds(30))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 204) {
            alive.remove(name);
            deleted.incrementAndGet();
        } else {
            failures.incrementAndGet();
        }
    }

    private Incarnation create(String name) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(url.resolve("/v1/topics/" + name))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(
                                "{\"partitions\": " + PARTITIONS + ", \"config\": {\"retention.ms\": -1}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            failures.incrementAndGet();
            return null;
        }
        created.incrementAndGet();
        Incarnation t = new Incarnation(name, incarnations.merge(name, 1, Integer::sum));
        alive.put(name, t);
        return t;
    }

    /** One record in one request; the outcome is recorded as the workload's producers record theirs. */
    private void send(Incarnation t) throws InterruptedException {
        long seq = t.seq++;
        int partition = (int) (seq % PARTITIONS);
        ObjectNode body = JSON.createObjectNode();
        body.putArray("records")
                .addObject()
                .put("value", History.Send.value(t.producer, seq))
                .put("partition", partition);
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(url.resolve("/v1/topics/" + t.topic + "/records?acks=all"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                JsonNode offset = JSON.readTree(r.body()).path("offsets").path(0);
                t.sends.add(History.Send.acked(
                        t.producer,
                        false,
                        "all",
                        seq,
                        offset.path("partition").asInt(),
                        offset.path("offset").asLong()));
                return;
            }
            failures.incrementAndGet();
            boolean refused = r.statusCode() == 400 || r.statusCode() == 413 || r.statusCode() == 422;
            t.sends.add(History.Send.notAcked(
                    t.producer, false, "all", seq, refused ? History.Outcome.REFUSED : History.Outcome.UNKNOWN));
        } catch (IOException e) {
            failures.incrementAndGet();
            t.sends.add(History.Send.notAcked(t.producer, false, "all", seq, History.Outcome.UNKNOWN));
        }
    }
}
