package io.eddy.bench;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.ResourceBootstrap;
import io.eddy.core.storage.dynamo.DynamoMetadataStore;
import io.eddy.core.storage.s3.S3SegmentStore;
import io.eddy.core.support.RetryPolicy;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * {@code perf floor}: what the stand-ins alone cost per record. It drives the two calls a flush makes — the
 * segment PUT (through Eddy's own {@link S3SegmentStore}) and the commit transaction of 6 partitions (through
 * {@link DynamoMetadataStore#commit}) — straight at the stand-ins, with no Eddy server, and reads the CPU time
 * the stand-ins' process spent on each ({@code /proc}). From those it prints the stand-ins' CPU per record at a
 * given flush size: a floor under Eddy's whole cost per record on a machine where the emulated AWS services share
 * the cores. Compare it with Kafka's whole cost per record (its cores busy over its records/s) from
 * {@code perf produce} in the same session.
 */
final class FloorCommand implements Perf.Command {
    static final String USAGE = """
            usage: perf floor --s3-endpoint URL --dynamodb-endpoint URL --pid standins=PID [options]
              --mb 512               MiB PUT in the measured S3 phase
              --object-kb 800        segment object size (a flush: ~800 KB with 16 producers, up to 8 MiB)
              --transactions 1500    commits in the measured DynamoDB phase (6 partitions each, as a flush)
              --threads 8            concurrent calls
              --warmup 15s           PUTs and commits before measuring (the stand-ins are CPU-bound until warm)
              --buckets 2            replica buckets a flush PUTs to (2 = acks=all in perf produce)
              --flush-kb 800,8192    flush sizes to derive the floor per record for
              --clock-ticks 100      the kernel's clock ticks per second (getconf CLK_TCK)
            """;
    private static final int PARTITIONS = 6;

    @Override
    public int run(String[] argv) throws Exception {
        Args args = new Args(argv, Set.of("help"));
        if (args.flag("help")) {
            System.out.print(USAGE);
            return 0;
        }
        URI s3Endpoint = URI.create(args.required("s3-endpoint"));
        URI dynamoEndpoint = URI.create(args.required("dynamodb-endpoint"));
        String pidArg = args.required("pid");
        long pid = Long.parseLong(pidArg.substring(pidArg.indexOf('=') + 1));
        int threads = args.integer("threads", 8);

        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("eddy", "eddy-local-secret"));
        try (S3AsyncClient s3 = S3AsyncClient.builder()
                        .endpointOverride(s3Endpoint)
                        .region(Region.US_EAST_1)
                        .forcePathStyle(true)
                        .credentialsProvider(credentials)
                        .build();
                DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
                        .endpointOverride(dynamoEndpoint)
                        .region(Region.US_EAST_1)
                        .credentialsProvider(credentials)
                        .build()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                measureAll(s3, dynamo, pool, args, pid, threads);
            } finally {
                pool.shutdownNow();
            }
        }
        return 0;
    }

    private static void measureAll(
            S3AsyncClient s3, DynamoDbAsyncClient dynamo, ExecutorService pool, Args args, long pid, int threads) {
        long mb = args.integer("mb", 512);
        int objectBytes = args.integer("object-kb", 800) * 1024;
        int transactions = args.integer("transactions", 1500);
        long warmupMs = args.duration("warmup", "15s").toMillis();
        int buckets = args.integer("buckets", 2);
        List<Integer> flushKb = args.list("flush-kb", "800,8192").stream()
                .map(Integer::parseInt)
                .toList();
        int ticksPerSecond = args.integer("clock-ticks", 100);
        {
            String bucket = "eddy-floor-" + Long.toHexString(System.nanoTime());
            String table = "eddy-floor-" + Long.toHexString(System.nanoTime());
            ResourceBootstrap.ensureBuckets(s3, List.of(bucket));
            ResourceBootstrap.ensureTable(dynamo, table);
            S3SegmentStore segments = new S3SegmentStore(s3, RetryPolicy.defaults());
            DynamoMetadataStore metadata = new DynamoMetadataStore(dynamo, table, RetryPolicy.defaults());
            byte[] object = new byte[objectBytes];
            ThreadLocalRandom.current().nextBytes(object);
            AtomicLong keys = new AtomicLong();
            Runnable put = () -> segments.put(bucket, "segments/floor-" + keys.incrementAndGet(), object)
                    .await()
                    .indefinitely();
            List<Committer> committers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                committers.add(new Committer(metadata));
            }

            System.err.println("perf floor: warming the stand-ins up for " + warmupMs / 1000 + " s…");
            long warmEnd = System.currentTimeMillis() + warmupMs;
            runUntil(pool, threads, () -> System.currentTimeMillis() < warmEnd, t -> {
                put.run();
                committers.get(t).commit();
            });

            long puts = Math.max(1, mb * 1024 * 1024 / objectBytes);
            Phase s3Phase = measure(pid, ticksPerSecond, () -> runCount(pool, threads, puts, t -> put.run()));
            double cpuMsPerMib = s3Phase.cpuMs() / (puts * (double) objectBytes / (1 << 20));
            System.out.printf(
                    Locale.ROOT,
                    "s3 PUT      %,d objects of %,d KiB in %.1f s: %.0f MiB/s, stand-ins %.2f cores,"
                            + " %.2f CPU-ms per MiB%n",
                    puts,
                    objectBytes / 1024,
                    s3Phase.seconds(),
                    puts * (double) objectBytes / (1 << 20) / s3Phase.seconds(),
                    s3Phase.cores(),
                    cpuMsPerMib);

            Phase dynamoPhase = measure(
                    pid,
                    ticksPerSecond,
                    () -> runCount(
                            pool, threads, transactions, t -> committers.get(t).commit()));
            double cpuMsPerTxn = dynamoPhase.cpuMs() / transactions;
            System.out.printf(
                    Locale.ROOT,
                    "dynamodb    %,d commits of %d partitions (%d items) in %.1f s: %.0f/s,"
                            + " stand-ins %.2f cores, %.2f CPU-ms per commit%n",
                    transactions,
                    PARTITIONS,
                    2 * PARTITIONS,
                    dynamoPhase.seconds(),
                    transactions / dynamoPhase.seconds(),
                    dynamoPhase.cores(),
                    cpuMsPerTxn);

            System.out.printf(
                    Locale.ROOT,
                    "%nstand-ins' CPU per record, %d bucket(s) per flush (a floor under Eddy's cost"
                            + " per record here):%n",
                    buckets);
            for (int valueSize : List.of(100, 1024)) {
                double bytesPerRecord = batchBytesPerRecord(valueSize);
                for (int kb : flushKb) {
                    double recordsPerFlush = kb * 1024.0 / bytesPerRecord;
                    double micros =
                            1000 * (buckets * cpuMsPerMib * bytesPerRecord / (1 << 20) + cpuMsPerTxn / recordsPerFlush);
                    System.out.printf(
                            Locale.ROOT,
                            "  %5d B records (%.1f B in a batch), flush %,6d KiB: %.2f CPU-us per"
                                    + " record = at most %,.0f records/s per core of stand-ins%n",
                            valueSize,
                            bytesPerRecord,
                            kb,
                            micros,
                            1e6 / micros);
                }
            }
        }
    }

    /** Bytes a record of {@code valueSize} takes in a 16 KiB v2 batch, batch header shared out. */
    static double batchBytesPerRecord(int valueSize) {
        int perBatch = ProduceBodies.recordsPerBatch(16384, valueSize);
        int recordBytes =
                DefaultRecord.sizeInBytes(perBatch / 2, 0L, 0, valueSize, new org.apache.kafka.common.header.Header[0]);
        return recordBytes + (double) DefaultRecordBatch.RECORD_BATCH_OVERHEAD / perBatch;
    }

    /** One worker's partitions: commits a flush's worth of index entries on 6 partitions of its own topic. */
    private static final class Committer {
        private final DynamoMetadataStore metadata;
        private final UUID topicId = UUID.randomUUID();
        private long next;

        Committer(DynamoMetadataStore metadata) {
            this.metadata = metadata;
        }

        void commit() {
            List<CommitBatch.PartitionCommit> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                IndexEntry entry = new IndexEntry(
                        next,
                        next + 147,
                        "segments/floor-" + next,
                        p * 16_000L,
                        16_000,
                        1_764_000_000_000L,
                        0,
                        List.of("eddy-segments", "eddy-perf-replica"));
                partitions.add(new CommitBatch.PartitionCommit(topicId, p, next, next > 0, null, entry, List.of()));
            }
            metadata.commit(new CommitBatch(partitions, Map.of())).await().indefinitely();
            next += 148;
        }
    }

    private record Phase(double seconds, double cpuMs, double cores) {}

    private static Phase measure(long pid, int ticksPerSecond, Runnable work) {
        CpuSample before = CpuSample.take(Map.of("standins", pid));
        work.run();
        CpuSample after = CpuSample.take(Map.of("standins", pid));
        double seconds = (after.nanoTime() - before.nanoTime()) / 1e9;
        Long t0 = before.ticks().get("standins");
        Long t1 = after.ticks().get("standins");
        if (t0 == null || t1 == null) {
            throw new IllegalStateException("no CPU figures for the stand-ins' process " + pid + " (is /proc there?)");
        }
        double cpuMs = (t1 - t0) * 1000.0 / ticksPerSecond;
        return new Phase(seconds, cpuMs, cpuMs / 1000 / seconds);
    }

    private static void runUntil(ExecutorService pool, int threads, BooleanSupplier more, IntConsumer task) {
        runAll(pool, threads, t -> {
            while (more.getAsBoolean()) {
                task.accept(t);
            }
        });
    }

    private static void runCount(ExecutorService pool, int threads, long count, IntConsumer task) {
        AtomicLong left = new AtomicLong(count);
        runAll(pool, threads, t -> {
            while (left.getAndDecrement() > 0) {
                task.accept(t);
            }
        });
    }

    private static void runAll(ExecutorService pool, int threads, IntConsumer task) {
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            futures.add(pool.submit(() -> task.accept(thread)));
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a call failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
