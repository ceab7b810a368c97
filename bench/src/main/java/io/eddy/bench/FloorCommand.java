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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * {@code perf floor}: what the stand-ins alone cost per record. It drives the two calls a flush makes — the
 * segment PUT (through Eddy's own {@link S3SegmentStore}) and the commit transaction of a flush's partitions
 * (through {@link DynamoMetadataStore#commit}) — straight at the stand-ins, with no Eddy server, and reads the CPU
 * time the stand-ins' process spent on each ({@code /proc}), and the CPU time this process spent making them. From
 * those it prints, per record at a given flush size, the stand-ins' CPU (a floor under Eddy's whole cost per record
 * on a machine where the emulated AWS services share the cores; compare it with Kafka's whole cost per record from
 * {@code perf produce} in the same session) and the caller's (what the server spends in the AWS SDK to make a
 * flush's calls at the least; compare it with the Kafka broker's CPU per record from {@code perf kafka}).
 */
final class FloorCommand implements Perf.Command {
    static final String USAGE = """
            usage: perf floor --s3-endpoint URL --dynamodb-endpoint URL --pid standins=PID [options]
              --mb 512               MiB PUT in the measured S3 phase
              --object-kb 800        segment object size (a flush: ~800 KB with 16 producers, up to 8 MiB)
              --transactions 1500    commits in the measured DynamoDB phase
              --partitions 6         partitions a commit appends to (a flush of 6 partitions' records)
              --threads 8            concurrent calls
              --warmup 15s           PUTs and commits before measuring (the stand-ins are CPU-bound until warm)
              --buckets 2            replica buckets a flush PUTs to (2 = acks=all in perf produce)
              --flush-kb 800,8192    flush sizes to derive the floor per record for
              --handoffs 100000      thread wake-ups measured first (what handing a task to a parked thread costs)
              --http-client netty    the SDK's HTTP client: netty (the server's) or crt (the SDK's native one)
              --clock-ticks 100      the kernel's clock ticks per second (getconf CLK_TCK)
            """;

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
        String httpClient = args.string("http-client", "netty");
        try (S3AsyncClient s3 = S3AsyncClient.builder()
                        .httpClientBuilder(httpClient(httpClient))
                        .endpointOverride(s3Endpoint)
                        .region(Region.US_EAST_1)
                        .forcePathStyle(true)
                        .credentialsProvider(credentials)
                        .build();
                DynamoDbAsyncClient dynamo = DynamoDbAsyncClient.builder()
                        .httpClientBuilder(httpClient(httpClient))
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

    /** The server's HTTP client (Netty, its defaults) or the SDK's native one (the CRT), for comparison. */
    private static SdkAsyncHttpClient.Builder<?> httpClient(String name) {
        return switch (name) {
            case "netty" -> NettyNioAsyncHttpClient.builder();
            case "crt" -> AwsCrtAsyncHttpClient.builder();
            default -> throw new IllegalArgumentException("--http-client is netty or crt, not " + name);
        };
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
            int partitions = args.integer("partitions", 6);
            if (partitions < 1 || partitions > CommitBatch.MAX_ITEMS / 2) {
                throw new IllegalArgumentException("--partitions takes 1 to " + CommitBatch.MAX_ITEMS / 2
                        + " (a commit's items), not " + partitions);
            }
            List<Committer> committers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                committers.add(new Committer(metadata, partitions));
            }

            handoffs(args.integer("handoffs", 100_000), ticksPerSecond);

            System.err.println("perf floor: warming the stand-ins up for " + warmupMs / 1000 + " s…");
            long warmEnd = System.currentTimeMillis() + warmupMs;
            runUntil(pool, threads, () -> System.currentTimeMillis() < warmEnd, t -> {
                put.run();
                committers.get(t).commit();
            });

            long puts = Math.max(1, mb * 1024 * 1024 / objectBytes);
            Phase s3Phase = measure(pid, ticksPerSecond, () -> runCount(pool, threads, puts, t -> put.run()));
            double mib = puts * (double) objectBytes / (1 << 20);
            Cost s3Cost = new Cost(s3Phase.standinsMs() / mib, s3Phase.callerMs() / mib);
            System.out.printf(
                    Locale.ROOT,
                    "s3 PUT      %,d objects of %,d KiB in %.1f s: %.0f MiB/s, stand-ins %.2f cores,"
                            + " %.2f CPU-ms per MiB; caller %.2f cores, %.2f CPU-ms per MiB%n",
                    puts,
                    objectBytes / 1024,
                    s3Phase.seconds(),
                    mib / s3Phase.seconds(),
                    s3Phase.standinsMs() / 1000 / s3Phase.seconds(),
                    s3Cost.standins(),
                    s3Phase.callerMs() / 1000 / s3Phase.seconds(),
                    s3Cost.caller());

            Phase dynamoPhase = measure(
                    pid,
                    ticksPerSecond,
                    () -> runCount(
                            pool, threads, transactions, t -> committers.get(t).commit()));
            long items = committers.stream().mapToLong(c -> c.items).sum();
            long commits = committers.stream().mapToLong(c -> c.commits).sum();
            Cost commitCost = new Cost(dynamoPhase.standinsMs() / transactions, dynamoPhase.callerMs() / transactions);
            System.out.printf(
                    Locale.ROOT,
                    "dynamodb    %,d commits of %d partitions (%.1f items each) in %.1f s: %.0f/s,"
                            + " stand-ins %.2f cores, %.2f CPU-ms per commit; caller %.2f cores, %.2f CPU-ms"
                            + " per commit%n",
                    transactions,
                    partitions,
                    items / (double) Math.max(1, commits),
                    dynamoPhase.seconds(),
                    transactions / dynamoPhase.seconds(),
                    dynamoPhase.standinsMs() / 1000 / dynamoPhase.seconds(),
                    commitCost.standins(),
                    dynamoPhase.callerMs() / 1000 / dynamoPhase.seconds(),
                    commitCost.caller());

            System.out.printf(
                    Locale.ROOT,
                    "%nCPU per record, %d bucket(s) per flush: the stand-ins' (a floor under Eddy's cost per record"
                            + " here) and the caller's (this process making the same SDK calls as a server does:"
                            + " a floor under the server's own)%n",
                    buckets);
            for (int valueSize : List.of(100, 1024)) {
                double bytesPerRecord = batchBytesPerRecord(valueSize);
                for (int kb : flushKb) {
                    double standins =
                            microsPerRecord(s3Cost.standins(), commitCost.standins(), buckets, bytesPerRecord, kb);
                    double caller = microsPerRecord(s3Cost.caller(), commitCost.caller(), buckets, bytesPerRecord, kb);
                    System.out.printf(
                            Locale.ROOT,
                            "  %5d B records (%.1f B in a batch), flush %,6d KiB: stand-ins %.2f CPU-us per"
                                    + " record = at most %,.0f records/s per core of stand-ins; caller %.2f CPU-us"
                                    + " per record%n",
                            valueSize,
                            bytesPerRecord,
                            kb,
                            standins,
                            1e6 / standins,
                            caller);
                }
            }
        }
    }

    /**
     * CPU microseconds per record that a flush's calls cost one side: {@code buckets} PUTs of the flush's bytes
     * and one commit, shared by the records of a flush of {@code flushKb} KiB.
     */
    static double microsPerRecord(
            double cpuMsPerMib, double cpuMsPerCommit, int buckets, double bytesPerRecord, int flushKb) {
        double recordsPerFlush = flushKb * 1024.0 / bytesPerRecord;
        return 1000 * (buckets * cpuMsPerMib * bytesPerRecord / (1 << 20) + cpuMsPerCommit / recordsPerFlush);
    }

    /** Bytes a record of {@code valueSize} takes in a 16 KiB v2 batch, batch header shared out. */
    static double batchBytesPerRecord(int valueSize) {
        int perBatch = ProduceBodies.recordsPerBatch(16384, valueSize);
        int recordBytes =
                DefaultRecord.sizeInBytes(perBatch / 2, 0L, 0, valueSize, new org.apache.kafka.common.header.Header[0]);
        return recordBytes + (double) DefaultRecordBatch.RECORD_BATCH_OVERHEAD / perBatch;
    }

    /**
     * One worker's partitions: commits a flush's worth of index entries on {@code partitions} partitions of its own
     * topic, and counts its commits and the items they wrote (one thread uses it; read once the threads are done).
     */
    private static final class Committer {
        private final DynamoMetadataStore metadata;
        private final int partitionCount;
        private final UUID topicId = UUID.randomUUID();
        private long next;
        long commits;
        long items;

        Committer(DynamoMetadataStore metadata, int partitionCount) {
            this.metadata = metadata;
            this.partitionCount = partitionCount;
        }

        void commit() {
            List<CommitBatch.PartitionCommit> partitions = new ArrayList<>();
            for (int p = 0; p < partitionCount; p++) {
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
            items += metadata.commit(new CommitBatch(partitions, Map.of()))
                    .await()
                    .indefinitely()
                    .items();
            commits++;
            next += 148;
        }
    }

    /**
     * What one thread handing work to another costs on this machine: two threads of this process take turns
     * ({@code LockSupport.park}/{@code unpark}), each turn a wake-up of a sleeping thread, as a call handed to an
     * event loop or a completion handed back is. Three rounds, so the last is compiled.
     */
    private static void handoffs(int count, int ticksPerSecond) {
        for (int round = 0; round < 3; round++) {
            Phase phase = measure(-1, ticksPerSecond, () -> pingPong(count));
            if (round == 2) {
                System.out.printf(
                        Locale.ROOT,
                        "handoff     %,d wake-ups of a parked thread by another: %.1f us each, %.1f CPU-us each%n",
                        count,
                        phase.seconds() * 1e6 / count,
                        phase.callerMs() * 1e3 / count);
            }
        }
    }

    /** Two threads take {@code count} turns in all, each turn unparking the other, which was parked. */
    static void pingPong(int count) {
        AtomicInteger turn = new AtomicInteger();
        Thread[] players = new Thread[2];
        for (int p = 0; p < 2; p++) {
            int me = p;
            players[p] = new Thread(() -> {
                for (int t = me; t < count; t += 2) {
                    while (turn.get() != t) {
                        LockSupport.park(turn);
                    }
                    turn.set(t + 1);
                    LockSupport.unpark(players[1 - me]);
                }
            });
        }
        for (Thread p : players) {
            p.start();
        }
        for (Thread p : players) {
            try {
                p.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** CPU milliseconds per MiB PUT or per commit, of the stand-ins' process and of this one (the caller). */
    private record Cost(double standins, double caller) {}

    private record Phase(double seconds, double standinsMs, double callerMs) {}

    private static Phase measure(long pid, int ticksPerSecond, Runnable work) {
        long caller = ProcessHandle.current().pid();
        Map<String, Long> pids = pid < 0 ? Map.of("caller", caller) : Map.of("standins", pid, "caller", caller);
        CpuSample before = CpuSample.take(pids);
        work.run();
        CpuSample after = CpuSample.take(pids);
        double seconds = (after.nanoTime() - before.nanoTime()) / 1e9;
        double standins = pid < 0 ? Double.NaN : cpuMs(before, after, "standins", ticksPerSecond);
        return new Phase(seconds, standins, cpuMs(before, after, "caller", ticksPerSecond));
    }

    private static double cpuMs(CpuSample before, CpuSample after, String name, int ticksPerSecond) {
        Long t0 = before.ticks().get(name);
        Long t1 = after.ticks().get(name);
        if (t0 == null || t1 == null) {
            throw new IllegalStateException("no CPU figures for the " + name + " process (is /proc there?)");
        }
        return (t1 - t0) * 1000.0 / ticksPerSecond;
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
