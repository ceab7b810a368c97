package io.eddy.core.compact;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.FailFirstTransactWrite;
import io.eddy.core.fixtures.MutableClock;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.fixtures.RecordView;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.produce.RecordOffset;
import io.eddy.core.storage.CompactionStore;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The compactor against the stand-ins: merges, retention, key compaction, garbage collection, leases. */
@ExtendWith(EddyStackExtension.class)
class CompactorTest {
    /** Small tiers so a test's kilobytes go through several of them. */
    static final CompactionPolicy POLICY = new CompactionPolicy(
            1_024, 8, 64L << 20, 0.5, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5));

    static final long T0 = 1_764_000_000_000L;

    private static Topic topic(CoreInstance eddy, int partitions, Map<String, ?> config) {
        return await(eddy.topics().create("compact-" + UUID.randomUUID(), partitions, config));
    }

    private static List<IndexEntry> entries(CoreInstance eddy, Topic topic, int partition) {
        return await(eddy.metadata().entriesFrom(topic.id(), partition, 0, 10_000));
    }

    private static List<Record> readAll(FetchService fetch, Topic topic, int partition, long from) {
        List<Record> out = new ArrayList<>();
        long offset = from;
        while (true) {
            var r = await(fetch.fetch(
                    new FetchRequest(topic.name().value(), partition, offset, 10_000, 8 << 20, Duration.ZERO)));
            out.addAll(r.records());
            if (r.nextOffset() >= r.highWatermark()) {
                return out;
            }
            offset = r.nextOffset();
        }
    }

    private static CompactionReport runUntilQuiet(Compactor compactor, Compactor.Options options) {
        CompactionReport total = null;
        for (int pass = 0; pass < 12; pass++) {
            Compactor.Result result = await(compactor.run(options, quiet()));
            if (total == null) {
                total = result.report();
            } else {
                add(total, result.report());
            }
            if (result.report().objectsWritten() == 0) {
                return total;
            }
        }
        throw new AssertionError("the compactor never settled");
    }

    private static void add(CompactionReport into, CompactionReport more) {
        into.bytesWritten.add(more.bytesWritten());
        into.objectsWritten.add(more.objectsWritten());
        into.bytesRead.add(more.bytesRead());
        into.recordsRemoved.add(more.recordsRemoved());
        into.objectsDeleted.add(more.objectsDeleted());
        into.entriesDropped.add(more.entriesDropped());
    }

    static Compactor.Progress quiet() {
        return new Compactor.Progress() {
            @Override
            public void partitionDone(int done, int total, CompactionPlan plan) {}

            @Override
            public void garbage(List<GarbageCollector.Doomed> doomed) {}
        };
    }

    @Test
    void aThousandSmallSegmentsMergeIntoAFewObjectsAndEveryFetchReturnsTheSame(EddyStack stack) throws Exception {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = topic(eddy, 2, Map.of("retention.ms", -1));
            String name = topic.name().value();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> writes = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    int n = i;
                    writes.add(pool.submit(() -> await(eddy.produce()
                            .produce(name, Produce.request(entry(n % 2, "k" + n, "value-" + n, T0 + n))))));
                }
                for (Future<?> f : writes) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                pool.shutdownNow();
            }
            List<RecordView> before0 = RecordView.of(readAll(eddy.coldFetch(), topic, 0, 0));
            List<RecordView> before1 = RecordView.of(readAll(eddy.coldFetch(), topic, 1, 0));
            long bytesBefore = entries(eddy, topic, 0).stream()
                            .mapToLong(IndexEntry::length)
                            .sum()
                    + entries(eddy, topic, 1).stream()
                            .mapToLong(IndexEntry::length)
                            .sum();
            assertThat(entries(eddy, topic, 0)).hasSize(500);

            CompactionReport report =
                    runUntilQuiet(eddy.compactor(POLICY), new Compactor.Options(false, false, false, name));

            for (int p = 0; p < 2; p++) {
                Set<String> objects = new HashSet<>();
                entries(eddy, topic, p).forEach(e -> objects.add(e.objectKey()));
                assertThat(objects).as("objects of partition %d", p).hasSizeLessThanOrEqualTo(POLICY.fanout());
            }
            assertThat(RecordView.of(readAll(eddy.coldFetch(), topic, 0, 0))).isEqualTo(before0);
            assertThat(RecordView.of(readAll(eddy.fetch(), topic, 1, 0)))
                    .as("through the warm cache too")
                    .isEqualTo(before1);
            assertThat(RecordView.of(readAll(eddy.coldFetch(), topic, 1, 377))).isEqualTo(before1.subList(377, 500));
            double amplification = (double) report.bytesWritten() / bytesBefore;
            int tiers = POLICY.tierOf(bytesBefore) + 1;
            assertThat(amplification)
                    .as("each byte rewritten at most once per tier")
                    .isLessThanOrEqualTo(tiers);
        }
    }

    @Test
    void retentionDeletesExactlyTheExpiredEntries(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 100_000));
        try (CoreInstance eddy = CoreInstance.on(stack).clock(clock).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of("retention.ms", 50_000));
            String name = topic.name().value();
            for (int i = 0; i < 10; i++) {
                int n = i;
                await(eddy.produce()
                        .produce(
                                name,
                                Produce.request(IntStream.range(0, 3)
                                        .mapToObj(j -> entry(0, null, "v" + n + "-" + j, T0 + n * 10_000L + j))
                                        .toList())));
            }
            // newest timestamps T0+2 .. T0+90002; the horizon is T0+50000: the first five requests expire
            runUntilQuiet(eddy.compactor(POLICY), new Compactor.Options(false, false, false, name));

            var head = await(eddy.metadata().heads(topic.id(), List.of(0))).get(0);
            assertThat(head.logStartOffset()).isEqualTo(15);
            assertThat(entries(eddy, topic, 0))
                    .allSatisfy(e -> assertThat(e.baseOffset()).isGreaterThanOrEqualTo(15));
            assertThat(readAll(eddy.coldFetch(), topic, 0, 15))
                    .extracting(r -> Produce.text(r.value()))
                    .startsWith("v5-0")
                    .endsWith("v9-2")
                    .hasSize(15);
            EddyException below = catchThrowableOfType(
                    EddyException.class,
                    () -> await(eddy.coldFetch().fetch(new FetchRequest(name, 0, 14, 10, 1 << 20, Duration.ZERO))));
            assertThat(below.code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
        }
    }

    @Test
    void aCompactedTopicKeepsTheNewestValuePerKeyAtItsOriginalOffset(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 1_000_000));
        try (CoreInstance eddy = CoreInstance.on(stack).clock(clock).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of("cleanup.policy", "compact", "delete.retention.ms", 500_000));
            String name = topic.name().value();
            Map<String, RecordOffset> newest = new java.util.TreeMap<>();
            for (int round = 0; round < 6; round++) {
                List<ProduceRequest.Entry> batch = new ArrayList<>();
                for (int k = 0; k < 8; k++) {
                    batch.add(entry(0, "k" + k, "r" + round + "-k" + k, T0 + round * 1_000L + k));
                }
                List<RecordOffset> acked = await(eddy.produce().produce(name, Produce.request(batch)));
                for (int k = 0; k < 8; k++) {
                    newest.put("k" + k, acked.get(k));
                }
            }
            // k7 deleted with an old timestamp, k6 with a recent one: both tombstones stay at their first compaction
            Record oldTombstone = new Record(-1, T0 + 10_000, Produce.utf8("k7"), null, List.of());
            Record freshTombstone = new Record(-1, T0 + 900_000, Produce.utf8("k6"), null, List.of());
            List<RecordOffset> tombstones = await(
                    eddy.produce().produce(name, Produce.request(entry(0, oldTombstone), entry(0, freshTombstone))));
            await(eddy.produce().produce(name, Produce.request(entry(0, "k0", "active", T0 + 999_000))));
            List<Record> before = readAll(eddy.coldFetch(), topic, 0, 0);

            CompactionReport report =
                    runUntilQuiet(eddy.compactor(POLICY), new Compactor.Options(false, false, false, name));

            List<Record> after = readAll(eddy.coldFetch(), topic, 0, 0);
            assertThat(report.recordsRemoved()).isPositive();
            // k1..k5: the last round's value, at the offset it was acknowledged at
            for (int k = 1; k <= 5; k++) {
                long offset = newest.get("k" + k).offset();
                String key = "k" + k;
                assertThat(after)
                        .filteredOn(r -> Produce.text(r.key()).equals(key))
                        .extracting(Record::offset)
                        .containsExactly(offset);
            }
            assertThat(after)
                    .filteredOn(r -> Produce.text(r.key()).equals("k7"))
                    .extracting(Record::offset)
                    .as("old tombstone kept: delete.retention.ms runs from its first compaction")
                    .containsExactly(tombstones.get(0).offset());
            assertThat(after)
                    .filteredOn(r -> Produce.text(r.key()).equals("k6"))
                    .extracting(Record::offset)
                    .as("fresh tombstone kept")
                    .containsExactly(tombstones.get(1).offset());
            assertThat(after)
                    .filteredOn(r -> Produce.text(r.key()).equals("k0"))
                    .extracting(r -> Produce.text(r.value()))
                    .as("the active part is untouched; k0's older values are shadowed by it")
                    .containsExactly("active");
            assertThat(after.get(after.size() - 1).offset())
                    .isEqualTo(before.get(before.size() - 1).offset());
            assertThat(after).extracting(Record::offset).isSorted();
            // reading from an offset inside a gap starts at the next record kept
            long gap = newest.get("k1").offset() - 1;
            assertThat(readAll(eddy.coldFetch(), topic, 0, gap).get(0).offset()).isGreaterThanOrEqualTo(gap);
        }
    }

    /**
     * Issue 14 item 2: a compacted topic rewritten in full each time (a snapshot). Every record below the newest
     * write is superseded by it, so a pass must leave nothing below it: the removed range is an entry with no
     * records, and reads from anywhere in it move on to the next record kept.
     */
    @Test
    void aSnapshotThatSupersedesEverythingOlderLeavesOnlyTheNewestRecordPerKeyAndTheTail(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.now());
        String replica = stack.newBucketName();
        try (CoreInstance eddy =
                CoreInstance.on(stack).clock(clock).buckets(replica).start().ensureResources()) {
            io.eddy.core.storage.ResourceBootstrap.ensureBuckets(eddy.s3(), List.of(replica));
            Topic topic =
                    topic(eddy, 1, Map.of("cleanup.policy", "compact", "replicas", List.of(eddy.bucket(), replica)));
            String name = topic.name().value();
            for (int w = 0; w < 25; w++) { // 25 partial writes of keys k0..k4, 2 to 5 records each
                List<ProduceRequest.Entry> batch = new ArrayList<>();
                for (int j = 0; j < 2 + w % 4; j++) {
                    batch.add(entry(0, "k" + (w + j) % 5, "w" + w + "-" + j, T0 + w * 100L + j));
                }
                await(eddy.produce().produce(name, Produce.request(batch)));
            }
            List<ProduceRequest.Entry> snapshot = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                snapshot.add(entry(0, "k" + k, "snapshot-k" + k, T0 + 10_000 + k));
            }
            List<RecordOffset> last = await(eddy.produce().produce(name, Produce.request(snapshot)));
            long tail = last.get(0).offset();
            assertThat(readAll(eddy.coldFetch(), topic, 0, 0)).hasSize((int) tail + 5);

            Compactor compactor = eddy.compactor(POLICY);
            Compactor.Result pass = await(compactor.run(new Compactor.Options(false, false, false, name), quiet()));

            assertThat(pass.plans())
                    .singleElement()
                    .satisfies(p -> assertThat(p.compaction()).isPresent());
            assertThat(pass.report().recordsRemoved()).isEqualTo(tail);
            List<Record> fromZero = readAll(eddy.coldFetch(), topic, 0, 0);
            assertThat(fromZero)
                    .extracting(Record::offset)
                    .containsExactlyElementsOf(
                            last.stream().map(RecordOffset::offset).toList());
            assertThat(fromZero)
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactly("snapshot-k0", "snapshot-k1", "snapshot-k2", "snapshot-k3", "snapshot-k4");
            assertThat(readAll(eddy.fetch(), topic, 0, 0))
                    .as("through the warm cache too")
                    .hasSize(5);
            assertThat(entries(eddy, topic, 0))
                    .as("nothing stored below the tail")
                    .filteredOn(e -> e.lastOffset() < tail)
                    .extracting(IndexEntry::length)
                    .containsOnly(0);
            for (long inside : new long[] {0, tail / 2, tail - 1}) {
                var r = await(eddy.coldFetch().fetch(new FetchRequest(name, 0, inside, 1, 1 << 20, Duration.ZERO)));
                assertThat(r.records())
                        .as("a read from %d inside the removed range", inside)
                        .extracting(Record::offset)
                        .containsExactly(tail);
                var batches = await(
                        eddy.coldFetch().fetchBatches(new FetchRequest(name, 0, inside, 10, 1 << 20, Duration.ZERO)));
                assertThat(batches.batches())
                        .as("stored batches from %d", inside)
                        .isNotEmpty();
                assertThat(batches.batches().get(0).patched().getLong(0)).isEqualTo(tail);
                assertThat(batches.nextOffset()).isEqualTo(tail + 5);
            }
            Compactor.Result again =
                    await(compactor.run(new Compactor.Options(false, false, true, name, true), quiet()));
            assertThat(again.plans())
                    .singleElement()
                    .as("nothing dirty left")
                    .satisfies(p -> assertThat(p.isEmpty()).isTrue());
            assertThat(again.report().bytesRead()).isZero();

            // the next snapshot supersedes the last one: the gap is cleaned with it
            List<ProduceRequest.Entry> next = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                next.add(entry(0, "k" + k, "next-k" + k, T0 + 20_000 + k));
            }
            List<RecordOffset> newest = await(eddy.produce().produce(name, Produce.request(next)));
            long newestTail = newest.get(0).offset();
            await(eddy.produce().produce(name, Produce.request(entry(0, "k0", "after", T0 + 30_000))));
            await(compactor.run(new Compactor.Options(false, false, false, name), quiet()));
            assertThat(readAll(eddy.coldFetch(), topic, 0, 0))
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactly("next-k1", "next-k2", "next-k3", "next-k4", "after");
            assertThat(entries(eddy, topic, 0))
                    .extracting(IndexEntry::baseOffset)
                    .as("the gap and both snapshots cleaned into one entry, then the active one")
                    .containsExactly(0L, newestTail + 5);

            // garbage collection keeps what the index references and deletes what the gaps replaced
            clock.advance(Duration.ofMinutes(11));
            await(compactor.run(Compactor.Options.all(), quiet()));
            Set<String> referenced = new HashSet<>();
            entries(eddy, topic, 0).stream().filter(e -> e.length() > 0).forEach(e -> referenced.add(e.objectKey()));
            assertThat(objects(eddy, replica)).containsExactlyInAnyOrderElementsOf(referenced);
            assertThat(readAll(eddy.coldFetch(), topic, 0, 0))
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactly("next-k1", "next-k2", "next-k3", "next-k4", "after");
        }
    }

    /**
     * Issue 14 item 3: {@code delete.retention.ms} runs from the tombstone's first compaction (Kafka's delete
     * horizon), not from its own timestamp, so a consumer behind still sees a delete sent with an old timestamp.
     */
    @Test
    void aTombstoneWithAnOldTimestampSurvivesItsFirstCompactionAndGoesDeleteRetentionAfterIt(EddyStack stack) {
        CompactionPolicy always = new CompactionPolicy(
                1_024, 8, 64L << 20, 0.0, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5));
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 100_000_000));
        try (CoreInstance eddy = CoreInstance.on(stack).clock(clock).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of("cleanup.policy", "compact", "delete.retention.ms", 60_000));
            String name = topic.name().value();
            await(eddy.produce().produce(name, Produce.request(entry(0, "gone", "v", T0), entry(0, "kept", "v", T0))));
            long tombstone = await(eddy.produce()
                            .produce(
                                    name,
                                    Produce.request(
                                            entry(0, new Record(-1, T0 + 1, Produce.utf8("gone"), null, List.of())))))
                    .get(0)
                    .offset();
            Compactor compactor = eddy.compactor(always);
            Compactor.Options options = new Compactor.Options(false, false, false, name);
            int[] writes = {0};
            Runnable dirty = () -> await(eddy.produce()
                    .produce(name, Produce.request(entry(0, "other-" + writes[0]++, "v", clock.millis()))));

            dirty.run(); // the tombstone's entry is no longer the newest: it can be cleaned
            Compactor.Result first = await(compactor.run(options, quiet()));
            assertThat(first.plans().get(0).compaction()).isPresent();
            assertThat(tombstones(eddy, topic))
                    .as("kept at its first compaction, however old its timestamp")
                    .containsExactly(tombstone);
            assertThat(readAll(eddy.coldFetch(), topic, 0, tombstone).get(0).timestamp())
                    .as("its own timestamp unchanged by the delete horizon in its batch")
                    .isEqualTo(T0 + 1);

            clock.advance(Duration.ofSeconds(59));
            dirty.run();
            dirty.run();
            Compactor.Result second = await(compactor.run(options, quiet()));
            assertThat(second.plans().get(0).compaction()).isPresent();
            assertThat(tombstones(eddy, topic))
                    .as("within delete.retention.ms of its first compaction")
                    .containsExactly(tombstone);

            clock.advance(Duration.ofSeconds(2));
            dirty.run();
            Compactor.Result third = await(compactor.run(options, quiet()));
            assertThat(third.plans().get(0).compaction()).isPresent();
            assertThat(tombstones(eddy, topic))
                    .as("delete.retention.ms after its first compaction")
                    .isEmpty();
            assertThat(readAll(eddy.coldFetch(), topic, 0, 0))
                    .extracting(r -> Produce.text(r.key()))
                    .contains("kept")
                    .doesNotContain("gone");
        }
    }

    private static List<Long> tombstones(CoreInstance eddy, Topic topic) {
        return readAll(eddy.coldFetch(), topic, 0, 0).stream()
                .filter(r -> r.value() == null)
                .map(Record::offset)
                .toList();
    }

    @Test
    void garbageCollectionDeletesOrphansAndReplacedObjectsAfterTheirGraceAndNothingReferenced(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.now());
        FailFirstTransactWrite crash = new FailFirstTransactWrite();
        String bucket = stack.newBucketName();
        try (CoreInstance eddy = CoreInstance.on(stack)
                .buckets(bucket)
                .clock(clock)
                .dynamoInterceptor(crash)
                .start()
                .ensureResources()) {
            io.eddy.core.storage.ResourceBootstrap.ensureBuckets(eddy.s3(), List.of(bucket));
            Topic topic = topic(eddy, 1, Map.of("retention.ms", -1, "replicas", List.of(bucket)));
            String name = topic.name().value();
            crash.arm();
            catchThrowableOfType(
                    EddyException.class,
                    () -> await(eddy.produce()
                            .produce(
                                    name, Produce.request(entry(0, null, "lost", T0))))); // its object is an orphan now
            for (int i = 0; i < 8; i++) {
                await(eddy.produce().produce(name, Produce.request(entry(0, null, "v" + i, T0 + i))));
            }
            assertThat(objects(eddy, bucket)).hasSize(9);
            Compactor compactor = eddy.compactor(POLICY);

            Compactor.Result merged = await(compactor.run(Compactor.Options.all(), quiet()));
            assertThat(objects(eddy, bucket))
                    .filteredOn(k -> k.startsWith("partitions/"))
                    .hasSize(1);
            assertThat(merged.garbage())
                    .filteredOn(d -> d.bucket().equals(bucket))
                    .as("all within their grace")
                    .isEmpty();

            clock.advance(Duration.ofMinutes(11)); // past the replaced grace, not the orphan grace
            Compactor.Result replaced = await(compactor.run(Compactor.Options.all(), quiet()));
            assertThat(replaced.garbage())
                    .filteredOn(d -> d.bucket().equals(bucket))
                    .extracting(GarbageCollector.Doomed::reason)
                    .containsOnly("replaced")
                    .hasSize(8);
            assertThat(objects(eddy, bucket)).hasSize(2).as("the orphan and the merged object");

            clock.advance(Duration.ofHours(2));
            Compactor.Result orphans = await(compactor.run(Compactor.Options.all(), quiet()));
            assertThat(orphans.garbage())
                    .filteredOn(d -> d.bucket().equals(bucket))
                    .extracting(GarbageCollector.Doomed::reason)
                    .containsExactly("orphan");
            assertThat(objects(eddy, bucket)).hasSize(1).allMatch(k -> k.startsWith("partitions/"));
            assertThat(readAll(eddy.coldFetch(), topic, 0, 0))
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7");
        }
    }

    @Test
    void garbageCollectionAndRepairNeverTouchABucketOutsideTheDeploymentEvenIfAnOldTopicNamesOne(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.now());
        String foreign = stack.newBucketName(); // another deployment's bucket, as far as this one knows
        try (CoreInstance eddy = CoreInstance.on(stack).clock(clock).start().ensureResources();
                CoreInstance writer = CoreInstance.on(stack)
                        .clock(clock)
                        .s3Interceptor(new io.eddy.core.fixtures.FailingBucket(foreign))
                        .start()) {
            io.eddy.core.storage.ResourceBootstrap.ensureBuckets(eddy.s3(), List.of(foreign));
            await(eddy.segments().put(foreign, "segments/00/theirs.seg", new byte[] {1, 2, 3}));
            await(eddy.segments().put(foreign, "partitions/theirs/0/x.seg", new byte[] {4, 5, 6}));
            // a topic stored before the allow-list existed names the foreign bucket as a replica
            Topic old = new Topic(
                    new io.eddy.core.model.TopicName("old-" + UUID.randomUUID()),
                    UUID.randomUUID(),
                    1,
                    io.eddy.core.model.TopicConfig.defaults(eddy.bucket())
                            .with(Map.of("retention.ms", -1, "replicas", List.of(eddy.bucket(), foreign))),
                    Instant.ofEpochMilli(clock.millis()));
            await(eddy.metadata().createTopic(old));
            await(writer.produce()
                    .produce(
                            old.name().value(),
                            new ProduceRequest(
                                    List.of(entry(0, null, "v", T0)),
                                    false,
                                    io.eddy.core.produce.Acks.LEADER,
                                    org.apache.kafka.common.compress.Compression.NONE,
                                    null)));
            assertThat(entries(eddy, old, 0).get(0).buckets()).containsExactly(eddy.bucket());
            clock.advance(Duration.ofHours(2)); // the foreign objects are past the orphan grace

            Compactor.Result result = await(eddy.compactor(POLICY).run(Compactor.Options.all(), quiet()));

            assertThat(result.garbage())
                    .extracting(GarbageCollector.Doomed::bucket)
                    .doesNotContain(foreign);
            assertThat(objects(eddy, foreign))
                    .as("nothing deleted from, nothing copied to the foreign bucket")
                    .containsExactlyInAnyOrder("segments/00/theirs.seg", "partitions/theirs/0/x.seg");
            assertThat(entries(eddy, old, 0).get(0).buckets()).containsExactly(eddy.bucket());
            assertThat(readAll(eddy.coldFetch(), old, 0, 0))
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactly("v");
        }
    }

    private static List<String> objects(CoreInstance eddy, String bucket) {
        List<String> out = new ArrayList<>();
        for (String prefix : List.of("segments/", "partitions/")) {
            await(eddy.segments().list(bucket, prefix)).forEach(o -> out.add(o.key()));
        }
        return out;
    }

    @Test
    void aCompactorThatLostItsLeaseChangesNothing(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));
        try (CoreInstance eddy = CoreInstance.on(stack).clock(clock).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of("retention.ms", -1));
            for (int i = 0; i < 8; i++) {
                await(eddy.produce().produce(topic.name().value(), Produce.request(entry(0, null, "v" + i, T0 + i))));
            }
            CompactionStore store = eddy.compactionStore();
            String lease = "compact:" + topic.id() + ":0";
            var mine = await(store.acquire(lease, "paused", T0, T0 + 1_000)).orElseThrow();
            clock.advance(Duration.ofSeconds(2)); // paused past its term; another compactor takes over
            assertThat(await(store.acquire(lease, "other", T0 + 2_000, T0 + 60_000)))
                    .isPresent();
            List<IndexEntry> before = entries(eddy, topic, 0);
            CompactionPlan plan = new CompactionPlanner()
                    .plan(
                            new PartitionLog(
                                    topic,
                                    0,
                                    await(eddy.metadata().heads(topic.id(), List.of(0)))
                                            .get(0),
                                    before),
                            POLICY,
                            clock.instant());
            assertThat(plan.merges()).hasSize(1);
            CompactionReport report = new CompactionReport();

            CompactionExecutor executor = new CompactionExecutor(
                    store, eddy.segments(), new io.eddy.core.storage.ObjectKeys(clock), clock, (t, p) -> {});
            boolean ran = await(executor.execute(
                    plan, topic, new CompactionStore.JobLease(lease, "paused", mine.epoch(), T0 + 60_000), report));

            assertThat(ran).isFalse();
            assertThat(report.leasesLost()).isEqualTo(1);
            assertThat(entries(eddy, topic, 0)).isEqualTo(before);
        }
    }

    @Test
    void aPassPastItsDeadlineStartsNothingAndTheNextPassDoesTheWork(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));
        try (CoreInstance eddy = CoreInstance.on(stack).clock(clock).start().ensureResources()) {
            Topic topic = topic(eddy, 2, Map.of("retention.ms", -1));
            for (int i = 0; i < 16; i++) {
                await(eddy.produce()
                        .produce(topic.name().value(), Produce.request(entry(i % 2, null, "v" + i, T0 + i))));
            }
            List<IndexEntry> before = new ArrayList<>(entries(eddy, topic, 0));
            before.addAll(entries(eddy, topic, 1));
            Compactor compactor = eddy.compactor(POLICY);

            // a whole pass (every topic in the table, then garbage) whose deadline has come: all deferred
            Compactor.Result cut = await(compactor.run(Compactor.Options.all().until(clock.instant()), quiet()));

            assertThat(cut.report().partitionsDeferred()).isGreaterThanOrEqualTo(2);
            assertThat(cut.report().summary()).containsEntry("partitions", 0L).containsEntry("gc_deferred", true);
            assertThat(cut.report().objectsWritten()).isZero();
            List<IndexEntry> after = new ArrayList<>(entries(eddy, topic, 0));
            after.addAll(entries(eddy, topic, 1));
            assertThat(after).isEqualTo(before);

            // before its deadline a pass runs as without one
            Compactor.Result next = await(compactor.run(
                    new Compactor.Options(false, false, false, topic.name().value())
                            .until(clock.instant().plusSeconds(60)),
                    quiet()));
            assertThat(next.report().partitionsDeferred()).isZero();
            assertThat(next.report().objectsWritten()).isEqualTo(2);
            assertThat(entries(eddy, topic, 0))
                    .extracting(IndexEntry::objectKey)
                    .containsOnly(entries(eddy, topic, 0).get(0).objectKey());
        }
    }

    /** Producers, readers, merges and garbage collection at once: every acknowledged record stays readable. */
    @Test
    void produceFetchMergeAndCollectAtOnceLoseNothing(EddyStack stack) throws Exception {
        CompactionPolicy eager = new CompactionPolicy(
                1_024, 4, 64L << 20, 0.5, Duration.ofSeconds(3), Duration.ofHours(1), Duration.ofMinutes(5));
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = topic(eddy, 2, Map.of("retention.ms", -1));
            String name = topic.name().value();
            ConcurrentLinkedQueue<RecordOffset> acked = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> readErrors = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            Compactor compactor = eddy.compactor(eager);
            try {
                List<Future<?>> producers = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    int writer = w;
                    producers.add(pool.submit(() -> {
                        for (int i = 0; i < 120; i++) {
                            acked.addAll(await(eddy.produce()
                                    .produce(
                                            name,
                                            Produce.request(entry(i % 2, null, "w" + writer + "-" + i, T0 + i)))));
                        }
                        return null;
                    }));
                }
                Future<?> reader = pool.submit(() -> {
                    while (!stop.get()) {
                        for (int p = 0; p < 2; p++) {
                            try {
                                readAll(eddy.fetch(), topic, p, 0);
                            } catch (RuntimeException e) {
                                readErrors.add(e.toString());
                            }
                        }
                    }
                    return null;
                });
                int passes = 0;
                while (!producers.stream().allMatch(Future::isDone)) {
                    await(compactor.run(Compactor.Options.all(), quiet()));
                    passes++;
                }
                for (Future<?> f : producers) {
                    f.get(1, TimeUnit.MINUTES);
                }
                runUntilQuiet(compactor, Compactor.Options.all());
                stop.set(true);
                reader.get(1, TimeUnit.MINUTES);
                assertThat(passes).isPositive();
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }

            assertThat(readErrors).isEmpty();
            for (int p = 0; p < 2; p++) {
                int partition = p;
                List<Record> log = readAll(eddy.coldFetch(), topic, p, 0);
                List<Long> expected = acked.stream()
                        .filter(o -> o.partition() == partition)
                        .map(RecordOffset::offset)
                        .sorted()
                        .toList();
                assertThat(log).extracting(Record::offset).containsExactlyElementsOf(expected);
            }
            assertThat(entries(eddy, topic, 0).size()).isLessThan(180);
        }
    }
}
