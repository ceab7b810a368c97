package io.eddy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eddy.core.format.BatchFrames;
import io.eddy.core.storage.ResourceBootstrap;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * {@code perf produce}: concurrent producers send binary produce requests to a running Eddy, one configuration
 * (acks × record size) after another, each on a topic of its own; prints records/s, MB/s, ack latency and the
 * server's S3 PUTs and DynamoDB transactions per GiB, and writes the results as JSON. The server's linger is set
 * when it starts ({@code ./eddy perf produce} starts one per linger); {@code --linger-ms} only labels the results.
 */
final class ProduceCommand implements Perf.Command {
    static final String USAGE = """
            usage: perf produce --url http://127.0.0.1:PORT [options]
              --linger-ms N          the server's eddy.produce.linger, for the results (default 5)
              --flushes-in-flight N  the server's eddy.produce.flushes-in-flight, for the results
              --sizes 100,1024       record value sizes in bytes
              --acks 1,all           acks values to run
              --partitions 6         partitions of each topic; every request carries one batch per partition
              --producers 16         concurrent producer threads, each one request in flight
              --batch-bytes 16384    client batch size per partition (Kafka's batch.size)
              --warmup 5s            load before measuring: one warm-up window
              --warmup-windows 1     at most this many warm-up windows: another follows while the server's JIT
                                     compiler threads took more than a twentieth of its CPU in the last one
                                     (needs --pid server=PID; without it, one window)
              --duration 20s         measured time per configuration
              --s3-endpoint URL      the S3 stand-in: creates --replica-bucket there (path-style, eddy's local keys)
              --primary-bucket eddy-segments  --replica-bucket eddy-perf-replica
              --pid NAME=PID         a process whose CPU use to report (repeatable), e.g. server=1234
              --clock-ticks 100      the kernel's clock ticks per second (getconf CLK_TCK)
              --out FILE             JSON results (default bench/target/perf-produce.json)
            """;
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);
    /** Stop a configuration after this many transport failures in a row: the server is gone. */
    private static final int MAX_CONSECUTIVE_FAILURES = 200;
    /** Latencies are recorded in microseconds, up to a minute. */
    private static final long MAX_LATENCY_MICROS = 60_000_000L;

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(argv, Set.of("help"));
        if (args.flag("help")) {
            System.out.print(USAGE);
            return 0;
        }
        URI url = URI.create(args.required("url").replaceAll("/+$", ""));
        int lingerMs = args.integer("linger-ms", 5);
        int flushesInFlight = args.integer("flushes-in-flight", 0);
        List<Integer> sizes =
                args.list("sizes", "100,1024").stream().map(Integer::parseInt).toList();
        List<String> acksList = args.list("acks", "1,all");
        int partitions = args.integer("partitions", 6);
        int producers = args.integer("producers", 16);
        int batchBytes = args.integer("batch-bytes", 16384);
        Duration warmup = args.duration("warmup", "5s");
        int warmupWindows = args.integer("warmup-windows", 1);
        if (warmupWindows < 1) {
            throw new IllegalArgumentException("--warmup-windows takes at least 1, not " + warmupWindows);
        }
        Duration duration = args.duration("duration", "20s");
        String primary = args.string("primary-bucket", "eddy-segments");
        String replica = args.string("replica-bucket", "eddy-perf-replica");
        int clockTicks = args.integer("clock-ticks", 100);
        Path out = Path.of(args.string("out", "bench/target/perf-produce.json"));
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String p : args.all("pid")) {
            String[] kv = p.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--pid takes NAME=PID, not '" + p + "'");
            }
            pids.put(kv[0], Long.parseLong(kv[1]));
        }
        pids.put("load", ProcessHandle.current().pid());
        for (String acks : acksList) {
            if (!acks.equals("1") && !acks.equals("all")) {
                throw new IllegalArgumentException("--acks takes 1 and/or all, not '" + acks + "'");
            }
        }

        String s3Endpoint = args.string("s3-endpoint", null);
        if (s3Endpoint != null) {
            try (S3AsyncClient s3 = S3AsyncClient.builder()
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()) // the CRT is on this classpath too
                    .endpointOverride(URI.create(s3Endpoint))
                    .region(Region.US_EAST_1)
                    .forcePathStyle(true)
                    .credentialsProvider(
                            StaticCredentialsProvider.create(AwsBasicCredentials.create("eddy", "eddy-local-secret")))
                    .build()) {
                ResourceBootstrap.ensureBuckets(s3, List.of(replica));
            }
        }

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        List<ProduceResult> results = new ArrayList<>();
        long errors = 0;
        for (int size : sizes) {
            for (String acks : acksList) {
                String topic = String.format(
                        Locale.ROOT,
                        "perf-l%d-acks%s-%db-%06x",
                        lingerMs,
                        acks,
                        size,
                        ThreadLocalRandom.current().nextInt(1 << 24));
                createTopic(http, url, topic, partitions, List.of(primary, replica));
                Run run = new Run(http, url, topic, acks, size, partitions, producers, batchBytes);
                ProduceResult result = run.measure(
                        lingerMs, flushesInFlight, new WarmUp(warmup, warmupWindows), duration, pids, clockTicks);
                System.out.println(line(result));
                results.add(result);
                errors += result.errors();
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("system", "eddy");
        doc.put("linger_ms", lingerMs);
        doc.put("results", results);
        JSON.writeValue(out.toFile(), doc);
        System.err.println("perf produce: results in " + out);
        if (errors > 0) {
            System.err.println("perf produce: " + errors + " requests failed; see error_samples in " + out);
            return 1;
        }
        return 0;
    }

    static String line(ProduceResult r) {
        String cpu = CpuSample.describe(r.cpuCores());
        return String.format(
                Locale.ROOT,
                "%-5s linger %3d ms  acks=%-3s %5d B  %,10.0f records/s  %7.2f MB/s  p50 %7.1f ms  p99 %7.1f ms  "
                        + "PUTs/GiB %,8.0f  txns/GiB %,8.0f  in flight %d  errors %d  [cores: %s]",
                r.system(),
                r.lingerMs(),
                r.acks(),
                r.recordSize(),
                r.recordsPerSec(),
                r.mbPerSec(),
                r.p50Ms(),
                r.p99Ms(),
                r.putsPerGib(),
                r.transactionsPerGib(),
                r.flushesInFlight(),
                r.errors(),
                cpu);
    }

    /** Creates {@code topic}; with no {@code replicas} the topic gets the server's default bucket. */
    static void createTopic(HttpClient http, URI url, String topic, int partitions, List<String> replicas)
            throws IOException, InterruptedException {
        Map<String, Object> body = replicas.isEmpty()
                ? Map.of("partitions", partitions)
                : Map.of("partitions", partitions, "config", Map.of("replicas", replicas));
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(url.resolve("/v1/topics/" + topic))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException(
                    "creating topic " + topic + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    static JsonNode stats(HttpClient http, URI url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(url.resolve("/v1/stats")).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /v1/stats answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    /** Null when {@code response} acknowledges every frame of {@code body} with the right offsets count; else why not. */
    static String checkAck(HttpResponse<String> response, ProduceBodies.Body body) {
        return Run.check(response, body);
    }

    /** One configuration: producers, the measured window and what was counted in it. Thread-safe. */
    private static final class Run {
        private final HttpClient http;
        private final URI url;
        private final URI produce;
        private final String acks;
        private final int size;
        private final int partitions;
        private final int producers;
        private final int batchBytes;
        private final Recorder latency = new Recorder(MAX_LATENCY_MICROS, 3);
        private final LongAdder records = new LongAdder();
        private final LongAdder requests = new LongAdder();
        private final LongAdder allRecords = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final Map<String, LongAdder> errorSamples = new ConcurrentHashMap<>();
        private final AtomicLong consecutiveFailures = new AtomicLong();
        private volatile long windowStart = Long.MAX_VALUE;
        private volatile long windowEnd = Long.MAX_VALUE;
        private volatile boolean stopped;
        private volatile int recordsPerRequest;

        Run(
                HttpClient http,
                URI url,
                String topic,
                String acks,
                int size,
                int partitions,
                int producers,
                int batchBytes) {
            this.http = http;
            this.url = url;
            this.produce = url.resolve("/v1/topics/" + topic + "/records?acks=" + acks);
            this.acks = acks;
            this.size = size;
            this.partitions = partitions;
            this.producers = producers;
            this.batchBytes = batchBytes;
        }

        ProduceResult measure(
                int lingerMs,
                int flushesInFlight,
                WarmUp warmup,
                Duration duration,
                Map<String, Long> pids,
                int clockTicks)
                throws Exception {
            String label = String.format(Locale.ROOT, "linger %d ms, acks=%s, %d B", lingerMs, acks, size);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                Thread t = new Thread(this::produceUntilStopped, "producer-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            warmUp(label, warmup, pids, clockTicks);
            JsonNode before = stats(http, url);
            CpuSample cpuBefore = CpuSample.take(pids);
            latency.reset();
            windowStart = System.nanoTime();
            progress(label, "measuring", windowStart, windowStart + duration.toNanos());
            windowEnd = System.nanoTime();
            CpuSample cpuAfter = CpuSample.take(pids);
            JsonNode after = stats(http, url);
            stopped = true;
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(90).toMillis());
                if (t.isAlive()) {
                    error("a producer did not finish within 90 s of the end");
                }
            }
            Histogram h = latency.getIntervalHistogram();
            StatsDelta delta = StatsDelta.between(before, after);
            double seconds = (windowEnd - windowStart) / 1e9;
            long recs = records.sum();
            Map<String, Long> samples = new LinkedHashMap<>();
            errorSamples.forEach((k, v) -> samples.put(k, v.sum()));
            return new ProduceResult(
                    "eddy",
                    lingerMs,
                    acks,
                    size,
                    partitions,
                    producers,
                    recordsPerRequest,
                    seconds,
                    recs,
                    requests.sum(),
                    recs / seconds,
                    recs * (double) size / (1024 * 1024) / seconds,
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getValueAtPercentile(99.9) / 1000.0,
                    h.getMaxValue() / 1000.0,
                    errors.sum(),
                    samples,
                    delta.segmentPuts(),
                    delta.transactions(),
                    delta.bytes(),
                    delta.putsPerGiB(),
                    delta.transactionsPerGiB(),
                    cpuAfter.coresSince(cpuBefore, clockTicks),
                    flushesInFlight,
                    delta.flushes(),
                    delta.transactionItemsPerGiB());
        }

        /**
         * Warm-up windows of {@code warmup.window()} each, until one in which the server's JIT compiler threads took
         * at most a twentieth of its CPU ({@link WarmUp#warm}), at most {@code warmup.windows()}; each printed.
         */
        private void warmUp(String label, WarmUp warmup, Map<String, Long> pids, int clockTicks)
                throws InterruptedException {
            for (int window = 1; window <= warmup.windows() && !stopped; window++) {
                CpuSample before = CpuSample.take(pids);
                long start = System.nanoTime();
                progress(label, "warming up", start, start + warmup.window().toNanos());
                CpuSample after = CpuSample.take(pids);
                Map<String, Double> cores = after.coresSince(before, clockTicks);
                Double server = cores.get("server");
                Double jit = cores.get(CpuSample.JIT);
                if (server == null || jit == null) {
                    return; // no server to watch: one window, as asked
                }
                System.err.printf(
                        Locale.ROOT,
                        "  %s: warm-up window %d of at most %d: server %.2f cores, %.0f%% of it JIT compiler"
                                + " threads%n",
                        label,
                        window,
                        warmup.windows(),
                        server,
                        server > 0 ? 100 * jit / server : 0);
                if (WarmUp.warm(jit, server)) {
                    return;
                }
            }
        }

        /** Waits until {@code until}, printing the rate every 5 s; returns early when every producer gave up. */
        private void progress(String label, String phase, long from, long until) throws InterruptedException {
            long lastRecords = allRecords.sum();
            long lastAt = System.nanoTime();
            long nextPrint = from + 5_000_000_000L;
            while (!stopped && System.nanoTime() < until) {
                Thread.sleep(Math.max(1, Math.min(250, (until - System.nanoTime()) / 1_000_000)));
                long now = System.nanoTime();
                if (now >= nextPrint && now < until) {
                    long recs = allRecords.sum();
                    System.err.printf(
                            Locale.ROOT,
                            "  %s: %s, %.0f s, %,.0f records/s, %d errors%n",
                            label,
                            phase,
                            (now - from) / 1e9,
                            (recs - lastRecords) / ((now - lastAt) / 1e9),
                            errors.sum());
                    lastRecords = recs;
                    lastAt = now;
                    nextPrint += 5_000_000_000L;
                }
            }
        }

        private void produceUntilStopped() {
            byte[] value = new byte[size];
            Random random = new Random();
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) (random.nextInt(26) + 65); // as Kafka's ProducerPerformance fills its payload
            }
            int[] parts = new int[partitions];
            for (int i = 0; i < partitions; i++) {
                parts[i] = i;
            }
            ProduceBodies bodies = new ProduceBodies(parts, value, batchBytes);
            recordsPerRequest = partitions * bodies.recordsPerBatch();
            while (!stopped) {
                ProduceBodies.Body body = bodies.next(System.currentTimeMillis());
                HttpRequest request = HttpRequest.newBuilder(produce)
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", BatchFrames.MEDIA_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                        .build();
                long sent = System.nanoTime();
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    long acked = System.nanoTime();
                    String problem = check(response, body);
                    if (problem != null) {
                        error(problem);
                        continue;
                    }
                    consecutiveFailures.set(0);
                    allRecords.add(body.records());
                    if (acked >= windowStart && acked < windowEnd) {
                        records.add(body.records());
                        requests.increment();
                        latency.recordValue(Math.min(MAX_LATENCY_MICROS, (acked - sent) / 1000));
                    }
                } catch (IOException e) {
                    error(e.getClass().getSimpleName() + ": " + e.getMessage());
                    if (consecutiveFailures.incrementAndGet() >= MAX_CONSECUTIVE_FAILURES) {
                        error("gave up after " + MAX_CONSECUTIVE_FAILURES + " transport failures in a row"
                                + (e instanceof ConnectException ? " (is the server still running?)" : ""));
                        stopped = true;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        private void error(String what) {
            errors.increment();
            String key = errorSamples.size() < 20 || errorSamples.containsKey(what) ? what : "(other errors)";
            errorSamples.computeIfAbsent(key, k -> new LongAdder()).increment();
        }

        /** Null when the response acknowledges every frame of the body with the right offsets count; else why not. */
        static String check(HttpResponse<String> response, ProduceBodies.Body body) {
            if (response.statusCode() != 200) {
                String code = "";
                try {
                    code = JSON.readTree(response.body()).path("code").asText("");
                } catch (IOException e) {
                    // not problem+json: report the status alone
                }
                return "HTTP " + response.statusCode() + (code.isEmpty() ? "" : " " + code);
            }
            JsonNode batches;
            try {
                batches = JSON.readTree(response.body()).path("batches");
            } catch (IOException e) {
                return "200 with a body that is not JSON";
            }
            if (!batches.isArray() || batches.size() != body.partitions().length) {
                return "200 with " + batches.size() + " batch offsets for " + body.partitions().length + " frames";
            }
            for (int i = 0; i < batches.size(); i++) {
                JsonNode b = batches.get(i);
                long count =
                        b.path("last_offset").asLong(-1) - b.path("base_offset").asLong(0) + 1;
                if (b.path("partition").asInt(-1) != body.partitions()[i]
                        || b.path("base_offset").asLong(-1) < 0
                        || count != body.recordsPerFrame()) {
                    return "200 with wrong offsets for frame " + i + ": " + b;
                }
            }
            return null;
        }
    }

    /**
     * How a configuration warms up: windows of {@code window} under load, at most {@code windows}, until the
     * server's JIT compiler settles (as {@code ./eddy perf kafka} warms up in rounds).
     */
    record WarmUp(Duration window, int windows) {
        /** Whether a window in which the server used {@code server} and its compiler threads {@code jit} was warm. */
        static boolean warm(double jit, double server) {
            return server > 0 && jit * 20 <= server;
        }
    }
}
