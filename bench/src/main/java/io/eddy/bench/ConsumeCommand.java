package io.eddy.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eddy.core.format.BatchFrames;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
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

/**
 * {@code perf consume}: two steps that {@code ./eddy perf consume} runs against servers it starts.
 * <ul>
 *   <li>{@code load}: creates one topic per record size and fills it through the binary produce API (the bodies
 *       {@code perf produce} sends), then records each partition's end offset in a topics file;</li>
 *   <li>{@code read}: reads every topic of that file in full, one consumer thread per partition, with binary fetches
 *       ({@code Accept: application/vnd.eddy.batches}) over keep-alive connections, checking every response
 *       (status, frames, contiguous offsets, the end offsets and total the load recorded) and counting records from
 *       the batch headers; prints records/s, MB/s and the server's per-tier cache counters and S3 GETs, and writes
 *       the results as JSON. Which tier serves the reads is the server's configuration; {@code --tier} labels
 *       the results.</li>
 * </ul>
 */
final class ConsumeCommand implements Perf.Command {
    static final String USAGE = """
            usage: perf consume load --url http://127.0.0.1:PORT --out topics.json [options]
              --sizes 100,1024       record value sizes in bytes, one topic each
              --mb 150               MiB of record values per topic
              --partitions 6         partitions of each topic
              --producers 16         concurrent producer threads
              --batch-bytes 16384    client batch size per partition (Kafka's batch.size)
            usage: perf consume read --url http://127.0.0.1:PORT --topics topics.json --out FILE.json [options]
              --tier s3|disk|memory  the tier the server was started to read from (labels the results)
              --pass measure         or warm-up: the read that fills the tier
              --rounds 1             read every topic this many times over, measured as one read (a longer window
                                     than one read of a fast tier)
              --max-bytes 8388608    max_bytes of each fetch (the largest the server allows)
              --max-records N        max_records of each fetch (whole batches); none by default: bytes bound it
              --pid NAME=PID         a process whose CPU use to report (repeatable), e.g. server=1234
              --clock-ticks 100      the kernel's clock ticks per second (getconf CLK_TCK)
            """;
    static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);
    /** A consumer gives up after this many failed fetches in a row (each is counted as an error). */
    private static final int MAX_CONSECUTIVE_FAILURES = 20;

    private static final double MIB = 1024.0 * 1024.0;

    /**
     * A topic the load filled: what a full read of it must return.
     *
     * @param segments the segment objects its load PUT (the load server's {@code s3.requests.PutObject}): a GET
     *                 cannot span objects, so a full read makes at least this many GETs
     */
    record LoadedTopic(
            String topic, int recordSize, int partitions, long records, List<Long> endOffsets, long segments) {
        LoadedTopic {
            if (endOffsets.size() != partitions) {
                throw new IllegalArgumentException(
                        topic + ": " + endOffsets.size() + " end offsets for " + partitions + " partitions");
            }
            endOffsets = List.copyOf(endOffsets);
        }
    }

    record Topics(List<LoadedTopic> topics) {}

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(argv, Set.of("help"));
        if (args.flag("help") || args.positional().size() != 1) {
            System.out.print(USAGE);
            return args.flag("help") ? 0 : 2;
        }
        URI url = URI.create(args.required("url").replaceAll("/+$", ""));
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        return switch (args.positional().get(0)) {
            case "load" -> load(http, url, args);
            case "read" -> read(http, url, args);
            default ->
                throw new IllegalArgumentException("perf consume takes load or read, not '"
                        + args.positional().get(0) + "'");
        };
    }

    // ---- load ------------------------------------------------------------------------------------------------

    private int load(HttpClient http, URI url, Args args) throws Exception {
        List<Integer> sizes =
                args.list("sizes", "100,1024").stream().map(Integer::parseInt).toList();
        int mb = args.integer("mb", 150);
        int partitions = args.integer("partitions", 6);
        int producers = args.integer("producers", 16);
        int batchBytes = args.integer("batch-bytes", 16384);
        Path out = Path.of(args.required("out"));
        List<LoadedTopic> loaded = new ArrayList<>();
        long errors = 0;
        for (int size : sizes) {
            String topic = String.format(
                    Locale.ROOT,
                    "consume-%db-%06x",
                    size,
                    ThreadLocalRandom.current().nextInt(1 << 24));
            ProduceCommand.createTopic(http, url, topic, partitions, List.of());
            long putsBefore = puts(ProduceCommand.stats(http, url));
            Loader loader = new Loader(http, url, topic, size, partitions, batchBytes, (long) mb * (1 << 20) / size);
            long started = System.nanoTime();
            errors += loader.run(producers);
            double seconds = (System.nanoTime() - started) / 1e9;
            long segments = puts(ProduceCommand.stats(http, url)) - putsBefore;
            List<Long> ends = new ArrayList<>();
            long total = 0;
            for (int p = 0; p < partitions; p++) {
                long end = endOffset(http, url, topic, p);
                ends.add(end);
                total += end;
            }
            if (total != loader.acked.sum()) {
                System.err.printf(
                        Locale.ROOT,
                        "perf consume: %s holds %,d records, but %,d were acknowledged%n",
                        topic,
                        total,
                        loader.acked.sum());
                errors++;
            }
            System.err.printf(
                    Locale.ROOT,
                    "  loaded %s: %,d records of %d B in %.1f s (%,.0f records/s) into %,d segments, %d errors%n",
                    topic,
                    total,
                    size,
                    seconds,
                    total / seconds,
                    segments,
                    loader.errors.sum());
            loaded.add(new LoadedTopic(topic, size, partitions, total, ends, segments));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        JSON.writeValue(out.toFile(), new Topics(loaded));
        if (errors > 0) {
            System.err.println("perf consume: " + errors + " produce requests failed while loading");
            return 1;
        }
        return 0;
    }

    /** The segment PUTs the server has sent. */
    private static long puts(JsonNode stats) {
        return stats.path("s3").path("requests").path("PutObject").asLong();
    }

    private static long endOffset(HttpClient http, URI url, String topic, int partition)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(
                                url.resolve("/v1/topics/" + topic + "/partitions/" + partition + "/offsets?at=latest"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(
                    "the end offset of " + topic + "/" + partition + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("offset").asLong();
    }

    /** Producer threads sending a fixed number of requests to one topic. Thread-safe. */
    private static final class Loader {
        private final HttpClient http;
        private final URI produce;
        private final int size;
        private final int partitions;
        private final int batchBytes;
        private final long targetRecords;
        private final AtomicLong requestsLeft = new AtomicLong();
        private final LongAdder acked = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final Map<String, LongAdder> samples = new ConcurrentHashMap<>();

        Loader(HttpClient http, URI url, String topic, int size, int partitions, int batchBytes, long targetRecords) {
            this.http = http;
            this.produce = url.resolve("/v1/topics/" + topic + "/records?acks=1");
            this.size = size;
            this.partitions = partitions;
            this.batchBytes = batchBytes;
            this.targetRecords = targetRecords;
        }

        /** Sends the requests; returns how many failed (each is retried, so the topic still gets them all). */
        long run(int producers) throws InterruptedException {
            int perRequest = partitions * ProduceBodies.recordsPerBatch(batchBytes, size);
            requestsLeft.set(Math.max(1, (targetRecords + perRequest - 1) / perRequest));
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < producers; i++) {
                Thread t = new Thread(this::produce, "loader-" + i);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            long next = System.nanoTime() + 5_000_000_000L;
            for (Thread t : threads) {
                while (t.isAlive()) {
                    t.join(250);
                    if (System.nanoTime() >= next) {
                        System.err.printf(
                                Locale.ROOT,
                                "  loading %d B: %,d records acknowledged, %d errors%n",
                                size,
                                acked.sum(),
                                errors.sum());
                        next += 5_000_000_000L;
                    }
                }
            }
            samples.forEach((k, v) -> System.err.println("  load error x" + v.sum() + ": " + k));
            return errors.sum();
        }

        private void produce() {
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
            int failures = 0;
            while (requestsLeft.getAndDecrement() > 0) {
                ProduceBodies.Body body = bodies.next(System.currentTimeMillis());
                HttpRequest request = HttpRequest.newBuilder(produce)
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", BatchFrames.MEDIA_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes()))
                        .build();
                String problem;
                try {
                    problem = ProduceCommand.checkAck(http.send(request, HttpResponse.BodyHandlers.ofString()), body);
                } catch (IOException e) {
                    problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (problem == null) {
                    acked.add(body.records());
                    failures = 0;
                    continue;
                }
                errors.increment();
                samples.computeIfAbsent(problem, k -> new LongAdder()).increment();
                if (++failures >= MAX_CONSECUTIVE_FAILURES) {
                    return; // the acknowledged total will fall short, which load reports
                }
                requestsLeft.incrementAndGet(); // send it again (a failed request stored nothing: all-or-nothing)
            }
        }
    }

    // ---- read ------------------------------------------------------------------------------------------------

    private int read(HttpClient http, URI url, Args args) throws Exception {
        Topics topics = JSON.readValue(Path.of(args.required("topics")).toFile(), Topics.class);
        String tier = args.string("tier", "memory");
        String pass = args.string("pass", "measure");
        if (!Set.of("s3", "disk", "memory").contains(tier)
                || !Set.of("measure", "warm-up").contains(pass)) {
            throw new IllegalArgumentException("--tier takes s3, disk or memory and --pass measure or warm-up, not '"
                    + tier + "', '" + pass + "'");
        }
        int maxBytes = args.integer("max-bytes", 8 << 20);
        int maxRecords = args.integer("max-records", 0);
        int rounds = args.integer("rounds", 1);
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds takes a number of reads from 1, not " + rounds);
        }
        int clockTicks = args.integer("clock-ticks", 100);
        Path out = Path.of(args.required("out"));
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String p : args.all("pid")) {
            String[] kv = p.split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("--pid takes NAME=PID, not '" + p + "'");
            }
            pids.put(kv[0], Long.parseLong(kv[1]));
        }
        pids.put("load", ProcessHandle.current().pid());
        List<ConsumeResult> results = new ArrayList<>();
        long errors = 0;
        for (LoadedTopic topic : topics.topics()) {
            FullRead full = new FullRead(http, url, topic, maxBytes, maxRecords, rounds);
            ConsumeResult r = full.measure(tier, pass, pids, clockTicks);
            System.out.println(line(r));
            if (topic.segments() > 0 && r.batchBytes() > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "  %d B: %,d segments, %,.1f per GiB read (the fewest GETs/GiB a read can make), %.0f KiB"
                                + " of batches each%n",
                        topic.recordSize(),
                        topic.segments(),
                        topic.segments() * rounds / (r.batchBytes() / (double) (1L << 30)),
                        r.batchBytes() / 1024.0 / topic.segments() / rounds);
            }
            results.add(r);
            errors += r.errors();
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("system", "eddy");
        doc.put("tier", tier);
        doc.put("pass", pass);
        doc.put("jit_share", jitShare(results));
        doc.put("results", results);
        JSON.writeValue(out.toFile(), doc);
        if (errors > 0) {
            System.err.println(
                    "perf consume: " + errors + " fetches failed or did not add up; see error_samples in " + out);
            return 1;
        }
        return 0;
    }

    /**
     * The server's JIT compiler threads' share of its CPU over the reads (each read's cores times its seconds), -1
     * when unknown: whether a warm-up read left the server settled, timed within the reads alone (the time between
     * them, when this JVM starts, is the compiler's alone).
     */
    static double jitShare(List<ConsumeResult> results) {
        double jit = 0;
        double server = 0;
        for (ConsumeResult r : results) {
            Double j = r.cpuCores().get(CpuSample.JIT);
            Double s = r.cpuCores().get("server");
            if (j == null || s == null || j < 0 || s < 0) {
                return -1;
            }
            jit += j * r.seconds();
            server += s * r.seconds();
        }
        return server > 0 ? jit / server : -1;
    }

    static String line(ConsumeResult r) {
        String cpu = CpuSample.describe(r.cpuCores());
        return String.format(
                Locale.ROOT,
                "%-5s %-6s %-7s %5d B  %,10.0f records/s  %7.2f MB/s  GETs/GiB %,8.1f  hits mem %,d disk %,d  "
                        + "index misses %,d  DynamoDB calls/fetch %.3f  errors %d  [cores: %s]",
                r.system(),
                r.tier(),
                r.pass(),
                r.recordSize(),
                r.recordsPerSec(),
                r.mbPerSec(),
                r.getsPerGib(),
                r.memoryHits(),
                r.diskHits(),
                r.indexMisses(),
                r.dynamoPerFetch(),
                r.errors(),
                cpu);
    }

    /**
     * One full read of one topic, {@code rounds} times over: a consumer thread per partition, from offset 0 to the
     * loaded end and again. Thread-safe.
     */
    private static final class FullRead {
        private final HttpClient http;
        private final URI url;
        private final LoadedTopic topic;
        private final int maxBytes;
        private final int maxRecords;
        private final int rounds;
        private final LongAdder records = new LongAdder();
        private final LongAdder bytes = new LongAdder();
        private final LongAdder requests = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final Map<String, LongAdder> errorSamples = new ConcurrentHashMap<>();

        FullRead(HttpClient http, URI url, LoadedTopic topic, int maxBytes, int maxRecords, int rounds) {
            this.http = http;
            this.url = url;
            this.topic = topic;
            this.maxBytes = maxBytes;
            this.maxRecords = maxRecords;
            this.rounds = rounds;
        }

        ConsumeResult measure(String tier, String pass, Map<String, Long> pids, int clockTicks) throws Exception {
            JsonNode before = ProduceCommand.stats(http, url);
            CpuSample cpuBefore = CpuSample.take(pids);
            long start = System.nanoTime();
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < topic.partitions(); p++) {
                int partition = p;
                Thread t = new Thread(
                        () -> {
                            for (int round = 0; round < rounds; round++) {
                                if (!consume(partition)) {
                                    return;
                                }
                            }
                        },
                        "consumer-" + p);
                t.setDaemon(true);
                threads.add(t);
                t.start();
            }
            long next = start + 5_000_000_000L;
            long lastRecords = 0;
            long lastAt = start;
            for (Thread t : threads) {
                while (t.isAlive()) {
                    t.join(250);
                    long now = System.nanoTime();
                    if (now >= next) {
                        long recs = records.sum();
                        System.err.printf(
                                Locale.ROOT,
                                "  %s %s, %d B: %.0f s, %,d of %,d records, %,.0f records/s, %d errors%n",
                                tier,
                                pass,
                                topic.recordSize(),
                                (now - start) / 1e9,
                                recs,
                                topic.records() * rounds,
                                (recs - lastRecords) / ((now - lastAt) / 1e9),
                                errors.sum());
                        lastRecords = recs;
                        lastAt = now;
                        next += 5_000_000_000L;
                    }
                }
            }
            long end = System.nanoTime();
            CpuSample cpuAfter = CpuSample.take(pids);
            JsonNode after = ProduceCommand.stats(http, url);
            long recs = records.sum();
            if (recs != topic.records() * rounds) {
                error("read " + recs + " records in all, " + rounds + " read(s) of the " + topic.records()
                        + " the load stored");
            }
            ReadStatsDelta d = ReadStatsDelta.between(before, after);
            double seconds = (end - start) / 1e9;
            long batchBytes = bytes.sum();
            Map<String, Long> samples = new LinkedHashMap<>();
            errorSamples.forEach((k, v) -> samples.put(k, v.sum()));
            return new ConsumeResult(
                    "eddy",
                    tier,
                    pass,
                    topic.recordSize(),
                    topic.partitions(),
                    topic.partitions(),
                    seconds,
                    recs,
                    topic.records() * rounds,
                    requests.sum(),
                    batchBytes,
                    recs / seconds,
                    recs * (double) topic.recordSize() / MIB / seconds,
                    batchBytes / MIB / seconds,
                    errors.sum(),
                    samples,
                    d.memoryHits(),
                    d.memoryMisses(),
                    d.diskHits(),
                    d.diskMisses(),
                    d.s3Gets(),
                    d.s3Bytes(),
                    d.getObjects(),
                    d.getsPerGiB(batchBytes),
                    d.s3BytesPerByteRead(batchBytes),
                    d.indexHits(),
                    d.indexMisses(),
                    d.dynamoCalls(),
                    d.headReads(),
                    d.indexQueries(),
                    d.dynamoCallsPerFetch(requests.sum()),
                    cpuAfter.coresSince(cpuBefore, clockTicks));
        }

        /** Reads the partition from offset 0 to the loaded end; false when it gave up (or was interrupted). */
        private boolean consume(int partition) {
            long end = topic.endOffsets().get(partition);
            long offset = 0;
            int failures = 0;
            String base = "/v1/topics/" + topic.topic() + "/partitions/" + partition + "/records?max_bytes=" + maxBytes
                    + (maxRecords > 0 ? "&max_records=" + maxRecords : "") + "&offset=";
            while (offset < end) {
                HttpRequest request = HttpRequest.newBuilder(url.resolve(base + offset))
                        .timeout(Duration.ofSeconds(60))
                        .header("Accept", BatchFrames.MEDIA_TYPE)
                        .GET()
                        .build();
                String problem;
                try {
                    FetchedBatches f =
                            check(http.send(request, HttpResponse.BodyHandlers.ofByteArray()), partition, offset, end);
                    records.add(f.records());
                    bytes.add(f.batchBytes());
                    requests.increment();
                    offset = f.nextOffset();
                    failures = 0;
                    continue;
                } catch (FetchedBatches.BadBodyException e) {
                    problem = e.getMessage();
                } catch (IOException e) {
                    problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                error(problem);
                if (++failures >= MAX_CONSECUTIVE_FAILURES) {
                    error("partition " + partition + ": gave up at offset " + offset + " after " + failures
                            + " failures in a row");
                    return false;
                }
            }
            return true;
        }

        /** The batches of a 200 binary body whose headers agree with them and with the load; else why not. */
        private static FetchedBatches check(HttpResponse<byte[]> response, int partition, long offset, long end)
                throws FetchedBatches.BadBodyException {
            if (response.statusCode() != 200) {
                String code = "";
                try {
                    code = JSON.readTree(response.body()).path("code").asText("");
                } catch (IOException e) {
                    // not problem+json: the status alone
                }
                throw new FetchedBatches.BadBodyException(
                        "HTTP " + response.statusCode() + (code.isEmpty() ? "" : " " + code));
            }
            if (response.body().length == 0) {
                throw new FetchedBatches.BadBodyException("an empty body below the end the load stored");
            }
            FetchedBatches f;
            try {
                f = FetchedBatches.scan(ByteBuffer.wrap(response.body()), partition, offset);
            } catch (FetchedBatches.BadBodyException e) {
                throw new FetchedBatches.BadBodyException("bad body: " + e.getMessage());
            }
            long next = response.headers().firstValueAsLong("Eddy-Next-Offset").orElse(-1);
            if (next != f.nextOffset()) {
                throw new FetchedBatches.BadBodyException(
                        "Eddy-Next-Offset " + next + " where the batches end at " + f.nextOffset());
            }
            if (f.nextOffset() > end) {
                throw new FetchedBatches.BadBodyException("batches past the end the load stored");
            }
            return f;
        }

        private void error(String what) {
            errors.increment();
            String key = errorSamples.size() < 20 || errorSamples.containsKey(what) ? what : "(other errors)";
            errorSamples.computeIfAbsent(key, k -> new LongAdder()).increment();
        }
    }
}
