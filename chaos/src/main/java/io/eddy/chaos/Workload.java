package io.eddy.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.client.ConsumerRecord;
import io.eddy.client.EddyClientException;
import io.eddy.client.EddyConsumer;
import io.eddy.client.EddyProducer;
import io.eddy.client.ProducerRecord;
import io.eddy.client.http.EddyHttp;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Logger;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives one scenario's load through the Java client and records it: four producers (idempotent or not × acks=1 or
 * all) sending unique values at a steady rate; a group of {@value #MEMBERS} member slots whose members join, consume,
 * then leave or crash and come back (slot 0 as a static member that takes its partitions back); and, every few
 * seconds, a compaction pass on the topic (or, with topic churn, whole-table passes with garbage collection while
 * {@link TopicChurn} creates and deletes topics). {@link #run} returns once everything has stopped and the log has been read
 * in full, with the faults off. Not thread-safe; one run per instance.
 */
final class Workload {
    private static final Logger LOG = Logger.getLogger(Workload.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int PARTITIONS = 4;
    static final int MEMBERS = 3;
    static final long SESSION_TIMEOUT_MS = 2_000;

    /** One producer's settings. */
    record ProducerSpec(String name, boolean idempotent, String acks) {}

    static final List<ProducerSpec> PRODUCERS = List.of(
            new ProducerSpec("idem-all", true, "all"),
            new ProducerSpec("idem-1", true, "1"),
            new ProducerSpec("plain-all", false, "all"),
            new ProducerSpec("plain-1", false, "1"));

    /**
     * @param topic the topic (created by the caller with {@link #PARTITIONS} partitions)
     * @param group the group's name
     * @param urls servers to spread clients over (producer i and member slot i use {@code urls[i % n]})
     * @param recordsPerSecond per producer
     * @param duration how long to load
     * @param seed member lifetimes and crash decisions
     * @param requestTimeout the producers' {@code request.timeout.ms}: an answer later than this is given up on, and
     *                       the batch sent again (which a non-idempotent producer may duplicate)
     * @param topicChurn also create, write to and delete topics ({@link TopicChurn}), and run whole-table passes
     *                   with garbage collection back to back instead of the topic's own passes
     */
    record Settings(
            String topic,
            String group,
            List<URI> urls,
            int recordsPerSecond,
            Duration duration,
            long seed,
            Duration requestTimeout,
            boolean topicChurn) {}

    /** What the caller does once the load has stopped and before the final read: turn faults off, resume servers. */
    interface Quiesce {
        void run();
    }

    private final Settings settings;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Queue<History.Send> sends = new ConcurrentLinkedQueue<>();
    private final Queue<History.Read> reads = new ConcurrentLinkedQueue<>();
    private final Queue<History.Heartbeat> heartbeats = new ConcurrentLinkedQueue<>();
    private final Queue<History.Commit> commits = new ConcurrentLinkedQueue<>();
    final AtomicLong pollErrors = new AtomicLong();
    final AtomicLong compactions = new AtomicLong();
    final AtomicLong compactionFailures = new AtomicLong();
    /** Partitions of deleted topics the passes' garbage collection purged (their summaries' partitions_purged). */
    final AtomicLong partitionsPurged = new AtomicLong();

    final AtomicLong crashes = new AtomicLong();
    /** Acks that came later than a producer's request timeout after the send: at least one attempt timed out. */
    final AtomicLong slowAcks = new AtomicLong();
    /** Why sends failed: producer, then the client's error code (or the exception's class), then how often. */
    final Map<String, Long> failures = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** How many topics are churned at once (each by a thread of its own, under names of its own). */
    static final int CHURNERS = 4;
    /** The topic churners, when the settings ask for churn. */
    final List<TopicChurn> churn = new ArrayList<>();

    private final List<History> churned = new ArrayList<>();

    Workload(Settings settings) {
        this.settings = settings;
        for (int i = 0; settings.topicChurn() && i < CHURNERS; i++) {
            churn.add(new TopicChurn(settings.topic() + "-churn" + i, url(0), settings.seed() * 31 + i));
        }
    }

    /** After {@link #run}: a history per churned topic alive at the end (empty without churn). */
    List<History> churned() {
        return List.copyOf(churned);
    }

    History run(Quiesce quiesce) throws InterruptedException {
        long deadline = System.nanoTime() + settings.duration().toNanos();
        List<EddyProducer<String, String>> producers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        List<java.util.Set<Long>> pending = new ArrayList<>();
        try {
            for (int i = 0; i < PRODUCERS.size(); i++) {
                ProducerSpec spec = PRODUCERS.get(i);
                EddyProducer<String, String> producer = new EddyProducer<>(
                        Map.of(
                                "url",
                                url(i).toString(),
                                "acks",
                                spec.acks(),
                                "enable.idempotence",
                                spec.idempotent(),
                                "request.timeout.ms",
                                settings.requestTimeout().toMillis(),
                                "retries",
                                100,
                                "delivery.timeout.ms",
                                90_000),
                        new StringSerializer(),
                        new StringSerializer());
                producers.add(producer);
                java.util.Set<Long> inFlight = java.util.concurrent.ConcurrentHashMap.newKeySet();
                pending.add(inFlight);
                threads.add(thread("producer-" + spec.name(), () -> produce(spec, producer, inFlight, deadline)));
            }
            for (int slot = 0; slot < MEMBERS; slot++) {
                int s = slot;
                threads.add(thread("member-" + slot, () -> consume(s, deadline)));
            }
            threads.add(
                    settings.topicChurn()
                            ? thread("compactor", () -> compactAll(deadline))
                            : thread("compactor", () -> compact(deadline)));
            for (int i = 0; i < churn.size(); i++) {
                TopicChurn c = churn.get(i);
                threads.add(thread("topic-churn-" + i, () -> c.run(deadline)));
            }
            for (Thread t : threads) {
                t.join();
            }
            if (settings.topicChurn()) {
                compactAllOnce(); // one pass that starts after every delete: each deleted topic is purged
            }
            LOG.fine(() -> "load stopped " + millisSince(deadline) + " ms after the deadline");
        } finally {
            quiesce.run();
            for (EddyProducer<String, String> p : producers) {
                try {
                    p.close(Duration.ofSeconds(60));
                } catch (RuntimeException e) {
                    LOG.warning("closing a producer: " + e);
                }
            }
        }
        LOG.fine(() -> "producers drained " + millisSince(deadline) + " ms after the deadline");
        // what never completed is unknown
        for (int i = 0; i < PRODUCERS.size(); i++) {
            ProducerSpec spec = PRODUCERS.get(i);
            for (Long seq : List.copyOf(pending.get(i))) {
                if (pending.get(i).remove(seq)) {
                    sends.add(History.Send.notAcked(
                            spec.name(), spec.idempotent(), spec.acks(), seq, History.Outcome.UNKNOWN));
                }
            }
        }
        Map<Integer, History.FinalPartition> log = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            log.put(p, readAll(settings.topic(), p));
        }
        for (TopicChurn c : churn) {
            churned.addAll(c.histories(this::readAll, TimeUnit.MILLISECONDS.toMicros(SESSION_TIMEOUT_MS)));
        }
        LOG.fine(() -> "final read done " + millisSince(deadline) + " ms after the deadline");
        return new History(
                new ArrayList<>(sends),
                new ArrayList<>(reads),
                new ArrayList<>(heartbeats),
                new ArrayList<>(commits),
                log,
                committed(),
                TimeUnit.MILLISECONDS.toMicros(SESSION_TIMEOUT_MS));
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    private URI url(int i) {
        return settings.urls().get(i % settings.urls().size());
    }

    private void produce(
            ProducerSpec spec, EddyProducer<String, String> producer, java.util.Set<Long> inFlight, long deadline) {
        long interval = TimeUnit.SECONDS.toNanos(1) / settings.recordsPerSecond();
        long next = System.nanoTime();
        for (long seq = 0; System.nanoTime() < deadline; seq++) {
            long s = seq;
            String value = History.Send.value(spec.name(), seq);
            inFlight.add(s); // whoever removes it records the outcome, once
            long sentAt = System.nanoTime();
            try {
                var stage = producer.send(new ProducerRecord<>(settings.topic(), spec.name() + "-" + (seq % 8), value));
                stage.whenComplete((meta, error) -> {
                    if (!inFlight.remove(s)) {
                        return;
                    }
                    if (error == null
                            && System.nanoTime() - sentAt
                                    > settings.requestTimeout().toNanos()) {
                        slowAcks.incrementAndGet();
                    }
                    sends.add(
                            error == null
                                    ? History.Send.acked(
                                            spec.name(),
                                            spec.idempotent(),
                                            spec.acks(),
                                            s,
                                            meta.partition(),
                                            meta.offset())
                                    : History.Send.notAcked(
                                            spec.name(),
                                            spec.idempotent(),
                                            spec.acks(),
                                            s,
                                            outcome(spec.name(), error)));
                });
            } catch (RuntimeException e) {
                if (inFlight.remove(s)) {
                    sends.add(History.Send.notAcked(
                            spec.name(), spec.idempotent(), spec.acks(), s, outcome(spec.name(), e)));
                }
            }
            next += interval;
            LockSupport.parkNanos(next - System.nanoTime()); // pacing to a rate, not synchronisation
        }
    }

    /** Refused for good only on answers that say the request itself is wrong (nothing was or will be stored). */
    private History.Outcome outcome(String producer, Throwable error) {
        Throwable e = EddyHttp.unwrap(error);
        String reason = e instanceof EddyClientException c
                ? c.code() + " " + c.status()
                : e.getClass().getSimpleName();
        failures.merge(producer + " " + reason, 1L, Long::sum);
        if (e instanceof EddyClientException c
                && !c.retryable()
                && (c.status() == 400 || c.status() == 413 || c.status() == 422)) {
            return History.Outcome.REFUSED;
        }
        return History.Outcome.UNKNOWN;
    }

    private void consume(int slot, long deadline) {
        SplittableRandom random = new SplittableRandom(settings.seed() * 31 + slot);
        for (int incarnation = 0; System.nanoTime() < deadline; incarnation++) {
            String member = "m" + slot + "-" + incarnation;
            RecordingTransport transport = new RecordingTransport(
                    EddyHttp.transport(Duration.ofSeconds(2), Duration.ofSeconds(5), "", "lambda"),
                    settings.topic(),
                    heartbeats::add,
                    commits::add);
            Map<String, Object> config = new HashMap<>(Map.of(
                    "url",
                    url(slot).toString(),
                    "group.id",
                    settings.group(),
                    "client.id",
                    member,
                    "auto.offset.reset",
                    "earliest",
                    "session.timeout.ms",
                    SESSION_TIMEOUT_MS,
                    "auto.commit.interval.ms",
                    500,
                    "fetch.max.wait.ms",
                    200));
            if (slot == 0) {
                config.put("group.instance.id", "static-0");
            }
            EddyConsumer<String, String> consumer =
                    new EddyConsumer<>(config, new StringDeserializer(), new StringDeserializer(), transport);
            long lifeEnd = Math.min(
                    deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(random.nextLong(2_000, 6_000)));
            boolean crash = random.nextBoolean();
            try {
                consumer.subscribe(List.of(settings.topic()));
                while (System.nanoTime() < lifeEnd) {
                    try {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            reads.add(new History.Read(
                                    member, r.partition(), r.offset(), r.value(), RecordingTransport.Clock.micros()));
                        }
                    } catch (RuntimeException e) {
                        pollErrors.incrementAndGet();
                    }
                }
            } finally {
                if (crash && System.nanoTime() < deadline) {
                    transport.crash();
                    crashes.incrementAndGet();
                }
                try {
                    consumer.close();
                } catch (RuntimeException e) {
                    // a crashed member cannot leave; a live one may meet a fault on its way out
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextLong(200, 800)));
        }
    }

    /**
     * A compaction pass every 3 s until the deadline; a pass still running at the deadline is abandoned (not waited
     * for: under S3 faults one pass can take longer than the whole load).
     */
    private void compact(long deadline) {
        URI target = url(0).resolve("/v1/admin/compact?gc=false&repair=false&topic="
                + URLEncoder.encode(settings.topic(), StandardCharsets.UTF_8));
        while (System.nanoTime() + TimeUnit.SECONDS.toNanos(3) < deadline) {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
            var pass = http.sendAsync(
                    HttpRequest.newBuilder(target)
                            .timeout(Duration.ofMinutes(2))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            try {
                HttpResponse<String> r = pass.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (r.statusCode() == 200 && !r.body().contains("\"code\"")) {
                    compactions.incrementAndGet();
                } else {
                    compactionFailures.incrementAndGet();
                }
            } catch (java.util.concurrent.TimeoutException e) {
                pass.cancel(true);
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                compactionFailures.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Whole-table passes with garbage collection, back to back until the deadline, each waited for (the scenario
     * injects no fault, so a pass is short): every pass has ended before the final read.
     */
    private void compactAll(long deadline) {
        while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
            compactAllOnce();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // pacing, not synchronisation
        }
    }

    private void compactAllOnce() {
        URI target = url(0).resolve("/v1/admin/compact?gc=true&repair=false");
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(target)
                            .timeout(Duration.ofMinutes(2))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String[] lines = r.body().strip().split("\n");
            JsonNode summary = JSON.readTree(lines[lines.length - 1]);
            if (r.statusCode() == 200 && "summary".equals(summary.path("type").asText())) {
                compactions.incrementAndGet();
                partitionsPurged.addAndGet(summary.path("partitions_purged").asLong());
            } else {
                compactionFailures.incrementAndGet();
            }
        } catch (IOException e) {
            compactionFailures.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The whole partition, from its log start to its high watermark, through the JSON fetch of the first server. A
     * page's high watermark may be what that server knew up to one head-poll interval ago (another server's last
     * commits may be above it), so the read ends only when a page at the high watermark is empty: a fetch there
     * reads the head.
     */
    private History.FinalPartition readAll(String topic, int partition) throws InterruptedException {
        List<Long> offsets = new ArrayList<>();
        List<String> values = new ArrayList<>();
        long offset = -1;
        long logStart = 0;
        long hw;
        while (true) {
            JsonNode page = get("/v1/topics/" + topic + "/partitions/" + partition + "/records?max_records=1000"
                    + "&offset=" + Math.max(offset, 0));
            if (offset < 0) {
                logStart = page.path("log_start_offset").asLong();
                if (logStart > 0) {
                    offset = logStart;
                    continue;
                }
            }
            hw = page.path("high_watermark").asLong();
            for (JsonNode r : page.path("records")) {
                offsets.add(r.path("offset").asLong());
                values.add(r.path("value").asText());
            }
            long nextOffset = page.path("next_offset").asLong();
            if (nextOffset >= hw && page.path("records").isEmpty()) {
                break; // a fetch at the high watermark it knows reads the head: nothing more was acknowledged
            }
            offset = nextOffset;
        }
        return new History.FinalPartition(logStart, hw, offsets, values);
    }

    private Map<Integer, Long> committed() throws InterruptedException {
        Map<Integer, Long> out = new HashMap<>();
        for (JsonNode p : get("/v1/groups/" + settings.group()).path("partitions")) {
            if (settings.topic().equals(p.path("topic").asText())
                    && p.path("committed_offset").isNumber()) {
                out.put(p.path("partition").asInt(), p.path("committed_offset").asLong());
            }
        }
        return out;
    }

    /** A GET with the faults off: retried a few times, since a server just restarted may still be warming up. */
    private JsonNode get(String path) throws InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                HttpResponse<byte[]> r = http.send(
                        HttpRequest.newBuilder(url(0).resolve(path))
                                .timeout(Duration.ofSeconds(30))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200) {
                    return JSON.readTree(r.body());
                }
                last = new IOException("GET " + path + " answered " + r.statusCode() + ": "
                        + new String(r.body(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(500); // a bounded retry of the ground-truth read, not synchronisation
        }
        throw new IllegalStateException("the final read failed", last);
    }

    private static Thread thread(String name, Runnable body) {
        Thread t = new Thread(body, "chaos-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
