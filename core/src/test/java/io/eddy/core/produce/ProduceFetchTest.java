package io.eddy.core.produce;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static io.eddy.core.fixtures.Produce.request;
import static io.eddy.core.fixtures.Produce.text;
import static io.eddy.core.fixtures.Produce.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.FetchResult;
import io.eddy.core.fetch.FetchService;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.ObservedMetadataStore;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.fixtures.RecordView;
import io.eddy.core.model.Header;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;

/** The write and read paths end to end, over the stand-ins. */
@ExtendWith(EddyStackExtension.class)
class ProduceFetchTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final Duration NO_WAIT = Duration.ZERO;

    /** This process: long-polls wake only by its own commits' signals (its head poll is longer than any wait). */
    private static CoreInstance eddy;

    private static ObservedMetadataStore fetchReads;
    /** Another process on the same table and bucket, whose long-polls see commits by re-reading the head. */
    private static CoreInstance other;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = CoreInstance.on(stack)
                .headPollInterval(FetchRequest.MAX_WAIT)
                .fetchMetadata(store -> fetchReads = new ObservedMetadataStore(store))
                .start()
                .ensureResources();
        other = CoreInstance.on(stack).headPollInterval(Duration.ofMillis(100)).start();
    }

    @AfterAll
    static void stop() {
        eddy.close();
        other.close();
    }

    // --- produce, then fetch ---------------------------------------------------------------------------------

    @Test
    void producedRecordsAreFetchedAtTheirAckedOffsets() {
        Topic topic = newTopic(3);
        List<Record> records = List.of(
                record(T0, "k1", "v1", new Header("trace", utf8("abc")), new Header("no-value", null)),
                record(T0 + 1, "k2", null), // a tombstone
                record(T0 - 5_000, null, "keyless"),
                new Record(
                        -1,
                        T0 + 2,
                        new byte[0],
                        new byte[] {0, (byte) 0xff, 0x10},
                        List.of(new Header("e", new byte[0]))),
                record(T0 + 3, "k5", "x".repeat(10_000)));

        List<RecordOffset> acks =
                produce(topic, records.stream().map(r -> entry(1, r)).toList());

        assertThat(acks)
                .containsExactly(
                        new RecordOffset(1, 0, T0),
                        new RecordOffset(1, 1, T0 + 1),
                        new RecordOffset(1, 2, T0 - 5_000),
                        new RecordOffset(1, 3, T0 + 2),
                        new RecordOffset(1, 4, T0 + 3));
        for (FetchService reader : List.of(eddy.fetch(), eddy.coldFetch())) {
            FetchResult result = await(reader.fetch(new FetchRequest(name(topic), 1, 0, 500, 1 << 20, NO_WAIT)));
            assertThat(RecordView.of(result.records())).containsExactlyElementsOf(RecordView.at(0, records));
            assertThat(result.nextOffset()).isEqualTo(5);
            assertThat(result.highWatermark()).isEqualTo(5);
            assertThat(result.logStartOffset()).isZero();
        }
    }

    @Test
    void nextRequestContinuesWhereTheLastEnded() {
        Topic topic = newTopic(1);
        produce(topic, entry(0, "a", "1", T0), entry(0, "b", "2", T0), entry(0, "c", "3", T0));

        List<RecordOffset> acks = produce(topic, entry(0, "d", "4", T0), entry(0, "e", "5", T0));

        assertThat(acks).extracting(RecordOffset::offset).containsExactly(3L, 4L);
        assertThat(fetchAll(topic, 0)).extracting(r -> text(r.value())).containsExactly("1", "2", "3", "4", "5");
    }

    @Test
    void offsetsComeBackInRequestOrderAcrossPartitions() {
        Topic topic = newTopic(4);
        List<ProduceRequest.Entry> entries = IntStream.range(0, 24)
                .mapToObj(i -> entry(-1, "key-" + (i % 7), "value-" + i, T0 + i))
                .toList();

        List<RecordOffset> acks = produce(topic, entries);

        assertThat(acks).hasSize(24);
        Map<Integer, List<Integer>> requestIndexesByPartition = new TreeMap<>();
        for (int i = 0; i < 24; i++) {
            int expected = Partitioner.forKey(utf8("key-" + (i % 7)), 4);
            assertThat(acks.get(i).partition()).as("record %d", i).isEqualTo(expected);
            assertThat(acks.get(i).timestamp()).isEqualTo(T0 + i);
            requestIndexesByPartition
                    .computeIfAbsent(expected, p -> new ArrayList<>())
                    .add(i);
        }
        requestIndexesByPartition.forEach((p, indexes) -> {
            assertThat(indexes.stream().map(i -> acks.get(i).offset()))
                    .as("partition %d gets contiguous offsets in request order", p)
                    .containsExactlyElementsOf(IntStream.range(0, indexes.size())
                            .mapToObj(o -> (long) o)
                            .toList());
            assertThat(fetchAll(topic, p))
                    .extracting(r -> text(r.value()))
                    .containsExactlyElementsOf(
                            indexes.stream().map(i -> "value-" + i).toList());
        });
    }

    @Test
    void explicitPartitionWinsOverTheKey() {
        Topic topic = newTopic(5);
        int byKey = Partitioner.forKey(utf8("routed"), 5);
        int explicit = (byKey + 1) % 5;

        List<RecordOffset> acks = produce(topic, entry(explicit, "routed", "v", T0));

        assertThat(acks).containsExactly(new RecordOffset(explicit, 0, T0));
    }

    @Test
    void keylessRecordsOfARequestShareOnePartitionAndTheNextRequestMovesOn() {
        Topic topic = newTopic(3);

        List<RecordOffset> first =
                produce(topic, entry(-1, null, "a", T0), entry(-1, null, "b", T0), entry(-1, null, "c", T0));
        List<RecordOffset> second = produce(topic, entry(-1, null, "d", T0));

        int p = first.get(0).partition();
        assertThat(first).extracting(RecordOffset::partition).containsOnly(p);
        assertThat(first).extracting(RecordOffset::offset).containsExactly(0L, 1L, 2L);
        assertThat(second.get(0).partition()).isEqualTo((p + 1) % 3);
    }

    @Test
    void recordWithoutTimestampIsStampedWithTheProduceTime() {
        Topic topic = newTopic(1);
        long before = System.currentTimeMillis();

        List<RecordOffset> acks = produce(topic, entry(0, "k", "v", -1));

        long after = System.currentTimeMillis();
        assertThat(acks.get(0).timestamp()).isBetween(before, after);
        assertThat(fetchAll(topic, 0).get(0).timestamp()).isEqualTo(acks.get(0).timestamp());
    }

    @Test
    void fetchFromTheMiddleOfABatchStartsAtTheRequestedOffset() {
        Topic topic = newTopic(1);
        produce(
                topic,
                IntStream.range(0, 10)
                        .mapToObj(i -> entry(0, "k" + i, "v" + i, T0 + i))
                        .toList());

        for (FetchService reader : List.of(eddy.fetch(), eddy.coldFetch())) {
            FetchResult result = await(reader.fetch(new FetchRequest(name(topic), 0, 4, 500, 1 << 20, NO_WAIT)));
            assertThat(result.records()).extracting(Record::offset).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
            assertThat(result.records())
                    .extracting(r -> text(r.value()))
                    .containsExactly("v4", "v5", "v6", "v7", "v8", "v9");
            assertThat(result.nextOffset()).isEqualTo(10);
        }
    }

    @Test
    void fetchReadsOnAcrossManyIndexEntries() {
        Topic topic = newTopic(1);
        for (int i = 0; i < 20; i++) {
            produce(topic, entry(0, null, "v" + i, T0 + i));
        }

        FetchResult all = await(eddy.coldFetch().fetch(new FetchRequest(name(topic), 0, 0, 500, 1 << 20, NO_WAIT)));
        FetchResult fromThree = await(eddy.fetch().fetch(new FetchRequest(name(topic), 0, 3, 500, 1 << 20, NO_WAIT)));

        assertThat(all.records())
                .extracting(Record::offset)
                .containsExactlyElementsOf(
                        IntStream.range(0, 20).mapToObj(i -> (long) i).toList());
        assertThat(all.records())
                .extracting(r -> text(r.value()))
                .containsExactlyElementsOf(
                        IntStream.range(0, 20).mapToObj(i -> "v" + i).toList());
        assertThat(fromThree.records()).extracting(Record::offset).first().isEqualTo(3L);
        assertThat(fromThree.records()).hasSize(17);
        assertThat(fromThree.nextOffset()).isEqualTo(20);
    }

    @Test
    void maxRecordsLimitsTheFetch() {
        Topic topic = newTopic(1);
        produce(
                topic,
                IntStream.range(0, 10)
                        .mapToObj(i -> entry(0, null, "v" + i, T0))
                        .toList());

        FetchResult result = await(eddy.fetch().fetch(new FetchRequest(name(topic), 0, 2, 3, 1 << 20, NO_WAIT)));

        assertThat(result.records()).extracting(Record::offset).containsExactly(2L, 3L, 4L);
        assertThat(result.nextOffset()).isEqualTo(5);
        assertThat(result.highWatermark()).isEqualTo(10);
    }

    @Test
    void maxBytesLimitsTheFetchButOneRecordAlwaysComesBack() {
        Topic topic = newTopic(1);
        List<ProduceRequest.Entry> entries = IntStream.range(0, 6)
                .mapToObj(i -> entry(0, "key" + i, "v".repeat(100), T0))
                .toList();
        produce(topic, entries);
        int size = entries.get(0).record().sizeInBytes();

        assertThat(fetchWithMaxBytes(topic, 1)).extracting(Record::offset).containsExactly(0L);
        assertThat(fetchWithMaxBytes(topic, size - 1))
                .extracting(Record::offset)
                .containsExactly(0L);
        assertThat(fetchWithMaxBytes(topic, 2 * size))
                .extracting(Record::offset)
                .containsExactly(0L, 1L);
        assertThat(fetchWithMaxBytes(topic, 3 * size - 1))
                .extracting(Record::offset)
                .containsExactly(0L, 1L);
        assertThat(fetchWithMaxBytes(topic, 100 * size)).hasSize(6);
    }

    @Test
    void recordsLargerThanMaxBytesComeBackOneAtATime() {
        Topic topic = newTopic(1);
        produce(topic, entry(0, null, "x".repeat(5_000), T0), entry(0, null, "y".repeat(5_000), T0));

        FetchResult first = await(eddy.fetch().fetch(new FetchRequest(name(topic), 0, 0, 500, 1_000, NO_WAIT)));
        FetchResult second =
                await(eddy.fetch().fetch(new FetchRequest(name(topic), 0, first.nextOffset(), 500, 1_000, NO_WAIT)));

        assertThat(first.records()).extracting(Record::offset).containsExactly(0L);
        assertThat(second.records()).extracting(Record::offset).containsExactly(1L);
        assertThat(second.nextOffset()).isEqualTo(2);
    }

    // --- list offsets ----------------------------------------------------------------------------------------

    @Test
    void offsetsAtEarliestLatestAndTimestamp() {
        Topic topic = newTopic(2);
        // offsets 0..4 with timestamps out of order, over three index entries
        produce(topic, entry(1, null, "a", T0 + 1_000), entry(1, null, "b", T0 + 3_000));
        produce(topic, entry(1, null, "c", T0 + 2_000));
        produce(topic, entry(1, null, "d", T0 + 5_000), entry(1, null, "e", T0 + 4_000));

        assertThat(offsetAt(topic, 1, new OffsetSpec.Earliest())).isZero();
        assertThat(offsetAt(topic, 1, new OffsetSpec.Latest())).isEqualTo(5);
        assertThat(offsetAtTime(topic, 1, 0)).isZero();
        assertThat(offsetAtTime(topic, 1, T0 + 1_000)).isZero();
        assertThat(offsetAtTime(topic, 1, T0 + 1_001))
                .as("first offset with a timestamp at or after")
                .isEqualTo(1);
        assertThat(offsetAtTime(topic, 1, T0 + 2_500)).isEqualTo(1);
        assertThat(offsetAtTime(topic, 1, T0 + 3_001)).isEqualTo(3);
        assertThat(offsetAtTime(topic, 1, T0 + 4_500)).isEqualTo(3);
        assertThat(offsetAtTime(topic, 1, T0 + 5_000)).isEqualTo(3);
        assertThat(offsetAtTime(topic, 1, T0 + 5_001))
                .as("none: the high watermark")
                .isEqualTo(5);
    }

    @Test
    void offsetAtTimestampLooksPastTheFirstPageOfIndexEntries() {
        Topic topic = newTopic(1);
        for (int i = 0; i < 20; i++) {
            produce(topic, entry(0, null, "v" + i, T0 + i * 1_000L));
        }

        assertThat(offsetAtTime(topic, 0, T0 + 17_500)).isEqualTo(18);
        assertThat(offsetAtTime(topic, 0, T0 + 19_000)).isEqualTo(19);
        assertThat(offsetAtTime(topic, 0, T0 + 19_001)).isEqualTo(20);
    }

    @Test
    void theMaxTimestampIsTheFirstRecordWithTheLargestTimestampAcrossEveryPageOfIndexEntries() {
        Topic topic = newTopic(2);
        // 20 entries; the largest timestamp, twice, at offsets 7 and 15; none of the later ones beats it
        for (int i = 0; i < 20; i++) {
            long timestamp = i == 7 || i == 15 ? T0 + 100_000 : T0 + i * 1_000L;
            produce(topic, entry(0, null, "v" + i, timestamp));
        }

        Optional<Record> max = await(eddy.fetch().maxTimestamp(name(topic), 0));

        assertThat(max).hasValueSatisfying(r -> {
            assertThat(r.offset()).isEqualTo(7);
            assertThat(r.timestamp()).isEqualTo(T0 + 100_000);
        });
        assertThat(await(eddy.fetch().maxTimestamp(name(topic), 1)))
                .as("a partition with no record")
                .isEmpty();
    }

    @Test
    void offsetsOfANeverWrittenPartitionAreZero() {
        Topic topic = newTopic(2);
        produce(topic, entry(0, null, "v", T0));

        assertThat(offsetAt(topic, 1, new OffsetSpec.Earliest())).isZero();
        assertThat(offsetAt(topic, 1, new OffsetSpec.Latest())).isZero();
        assertThat(offsetAtTime(topic, 1, 0)).isZero();
    }

    // --- out of range ----------------------------------------------------------------------------------------

    @Test
    void fetchAboveTheHighWatermarkIsOffsetOutOfRangeWithBothBounds() {
        Topic topic = newTopic(2);
        produce(topic, entry(0, null, "a", T0), entry(0, null, "b", T0), entry(0, null, "c", T0));

        EddyException above = catchThrowableOfType(
                EddyException.class,
                () -> await(eddy.fetch().fetch(new FetchRequest(name(topic), 0, 4, 500, 1 << 20, NO_WAIT))));
        EddyException neverWritten = catchThrowableOfType(
                EddyException.class,
                () -> await(eddy.fetch().fetch(new FetchRequest(name(topic), 1, 1, 500, 1 << 20, NO_WAIT))));

        assertThat(above.code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
        assertThat(above.details())
                .containsEntry("offset", 4L)
                .containsEntry("high_watermark", 3L)
                .containsEntry("log_start_offset", 0L);
        assertThat(neverWritten.code()).isEqualTo(ErrorCode.OFFSET_OUT_OF_RANGE);
        assertThat(neverWritten.details()).containsEntry("high_watermark", 0L).containsEntry("log_start_offset", 0L);
    }

    /** A negative offset never reaches storage: the request refuses it (the HTTP edge answers 400 before). */
    @Test
    void negativeOffsetIsRefusedByTheRequest() {
        assertThatThrownBy(() -> new FetchRequest("t", 0, -1, 500, 1 << 20, NO_WAIT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fetchAtTheHighWatermarkWithoutWaitIsEmpty() {
        Topic topic = newTopic(1);
        produce(topic, entry(0, null, "a", T0), entry(0, null, "b", T0));

        FetchResult result = await(eddy.fetch().fetch(new FetchRequest(name(topic), 0, 2, 500, 1 << 20, NO_WAIT)));

        assertThat(result.records()).isEmpty();
        assertThat(result.nextOffset()).isEqualTo(2);
        assertThat(result.highWatermark()).isEqualTo(2);
    }

    // --- long-poll -------------------------------------------------------------------------------------------

    @Test
    void longPollAtTheHighWatermarkReturnsAsSoonAsARecordIsProduced() throws Exception {
        Topic topic = newTopic(2);
        produce(topic, entry(1, null, "before", T0));
        Duration wait = Duration.ofSeconds(10);

        CompletableFuture<Map<Integer, PartitionHead>> headRead = fetchReads.nextHeadRead();
        long start = System.nanoTime();
        CompletableFuture<FetchResult> poll = eddy.fetch()
                .fetch(new FetchRequest(name(topic), 1, 1, 500, 1 << 20, wait))
                .subscribeAsCompletionStage();
        assertThat(headRead.get(5, TimeUnit.SECONDS).get(1).nextOffset())
                .as("the poll saw the high watermark before the produce")
                .isEqualTo(1);
        CompletableFuture.runAsync(() -> produce(topic, entry(1, "new", "arrived", T0 + 1)))
                .get(30, TimeUnit.SECONDS);
        FetchResult result = poll.get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.records()).extracting(r -> text(r.value())).containsExactly("arrived");
        assertThat(result.records()).extracting(Record::offset).containsExactly(1L);
        assertThat(result.nextOffset()).isEqualTo(2);
        assertThat(took).as("woken by the commit, not by the end of the wait").isLessThan(wait.dividedBy(2));
    }

    @Test
    void longPollSeesRecordsProducedByAnotherProcess() throws Exception {
        Topic topic = newTopic(1);
        Duration wait = Duration.ofSeconds(10);

        long start = System.nanoTime();
        CompletableFuture<FetchResult> poll = other.fetch()
                .fetch(new FetchRequest(name(topic), 0, 0, 500, 1 << 20, wait))
                .subscribeAsCompletionStage();
        produce(topic, entry(0, null, "from-elsewhere", T0));
        FetchResult result = poll.get(30, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.records()).extracting(r -> text(r.value())).containsExactly("from-elsewhere");
        assertThat(took)
                .as("seen by re-reading the head, not at the end of the wait")
                .isLessThan(wait.dividedBy(2));
    }

    @Test
    void longPollWithNothingArrivingReturnsEmptyAfterItsWait() {
        Topic topic = newTopic(1);
        produce(topic, entry(0, null, "only", T0));

        long start = System.nanoTime();
        FetchResult result =
                await(eddy.fetch().fetch(new FetchRequest(name(topic), 0, 1, 500, 1 << 20, Duration.ofMillis(200))));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(result.records()).isEmpty();
        assertThat(result.nextOffset()).isEqualTo(1);
        assertThat(result.highWatermark()).isEqualTo(1);
        assertThat(took).isBetween(Duration.ofMillis(150), Duration.ofSeconds(5));
    }

    /**
     * Each re-read of the head during a long-poll waits on the partition's commit signal again; a wait that ends
     * must not stay attached to that signal, or an idle partition that consumers poll piles up waiters forever.
     */
    @Test
    void longPollsOnAnIdlePartitionLeaveNoWaitersBehind(EddyStack stack) {
        try (CoreInstance polling =
                CoreInstance.on(stack).headPollInterval(Duration.ofMillis(10)).start()) {
            Topic topic = newTopic(1);

            FetchResult result = await(
                    polling.fetch().fetch(new FetchRequest(name(topic), 0, 0, 500, 1 << 20, Duration.ofMillis(500))));

            assertThat(result.records()).isEmpty();
            assertThat(polling.signals().waiters(topic.id(), 0))
                    .as("waiters still attached to the signal after the poll ended")
                    .isZero();
        }
    }

    // --- refused requests store nothing ----------------------------------------------------------------------

    @Test
    void unknownTopicIsUnknownTopic() {
        String missing = "missing-" + UUID.randomUUID();

        assertCode(() -> produce(missing, request(entry(0, null, "v", T0))), ErrorCode.UNKNOWN_TOPIC);
        assertCode(
                () -> await(eddy.fetch().fetch(new FetchRequest(missing, 0, 0, 500, 1 << 20, NO_WAIT))),
                ErrorCode.UNKNOWN_TOPIC);
        assertCode(() -> await(eddy.fetch().offsetAt(missing, 0, new OffsetSpec.Latest())), ErrorCode.UNKNOWN_TOPIC);
    }

    @Test
    void deletedTopicIsUnknownAndItsNameStartsAfreshWhenRecreated() {
        Topic topic = newTopic(1);
        produce(topic, entry(0, null, "old", T0));
        await(eddy.topics().delete(name(topic)));

        assertCode(() -> produce(name(topic), request(entry(0, null, "v", T0))), ErrorCode.UNKNOWN_TOPIC);
        await(eddy.topics().create(name(topic), 1, Map.of()));
        assertThat(offsetAt(topic, 0, new OffsetSpec.Latest())).isZero();
        assertThat(produce(name(topic), request(entry(0, null, "new", T0))))
                .extracting(RecordOffset::offset)
                .containsExactly(0L);
        assertThat(fetchAll(topic, 0)).extracting(r -> text(r.value())).containsExactly("new");
    }

    @Test
    void unknownPartitionIsUnknownPartitionAndNothingIsStored() {
        Topic topic = newTopic(3);
        int objectsBefore = segmentObjects();

        EddyException e = catchThrowableOfType(
                EddyException.class,
                () -> produce(
                        name(topic), request(entry(0, null, "fine", T0), entry(3, null, "no such partition", T0))));

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_PARTITION);
        assertThat(e.details()).containsEntry("partition", 3).containsEntry("partitions", 3);
        assertNothingStored(topic, List.of(0, 1, 2), objectsBefore);
        assertCode(
                () -> await(eddy.fetch().fetch(new FetchRequest(name(topic), 3, 0, 500, 1 << 20, NO_WAIT))),
                ErrorCode.UNKNOWN_PARTITION);
        assertCode(
                () -> await(eddy.fetch().offsetAt(name(topic), -1, new OffsetSpec.Earliest())),
                ErrorCode.UNKNOWN_PARTITION);
    }

    @Test
    void atomicProduceOverMoreThan50PartitionsIsRefusedAndNothingIsStored() {
        Topic topic = newTopic(60);
        int objectsBefore = segmentObjects();
        List<ProduceRequest.Entry> entries = IntStream.range(0, 51)
                .mapToObj(p -> entry(p, null, "v" + p, T0))
                .toList();

        EddyException e =
                catchThrowableOfType(EddyException.class, () -> produce(name(topic), Produce.atomic(entries)));

        assertThat(e.code()).isEqualTo(ErrorCode.TOO_MANY_PARTITIONS);
        assertThat(e.details())
                .containsEntry("partitions", 51)
                .containsEntry("items", 102)
                .containsEntry("max_items", 100);
        assertNothingStored(topic, IntStream.range(0, 60).boxed().toList(), objectsBefore);
    }

    @Test
    void atomicProduceOf50PartitionsCommits() {
        Topic topic = newTopic(60);
        List<ProduceRequest.Entry> entries = IntStream.range(0, 50)
                .mapToObj(p -> entry(p, null, "v" + p, T0))
                .toList();

        List<RecordOffset> acks = await(eddy.produce().produce(name(topic), Produce.atomic(entries)));

        assertThat(acks)
                .extracting(RecordOffset::partition)
                .containsExactlyElementsOf(IntStream.range(0, 50).boxed().toList());
        assertThat(acks).extracting(RecordOffset::offset).containsOnly(0L);
    }

    @Test
    void produceOverMoreThan50PartitionsWithoutAtomicCommitsThemAll() {
        Topic topic = newTopic(60);
        List<ProduceRequest.Entry> entries = IntStream.range(0, 60)
                .mapToObj(p -> entry(p, null, "v" + p, T0))
                .toList();

        List<RecordOffset> acks = produce(topic, entries);

        assertThat(acks).extracting(RecordOffset::offset).containsOnly(0L);
        for (int p : List.of(0, 49, 50, 59)) {
            assertThat(fetchAll(topic, p)).extracting(r -> text(r.value())).containsExactly("v" + p);
        }
    }

    @Test
    void recordLargerThanMaxMessageBytesIsRecordTooLargeAndNothingIsStored() {
        Topic topic = newTopic(2, Map.of("max.message.bytes", 1_000));
        int objectsBefore = segmentObjects();

        EddyException e = catchThrowableOfType(
                EddyException.class,
                () -> produce(
                        name(topic), request(entry(0, null, "small", T0), entry(1, null, "x".repeat(2_000), T0))));

        assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
        assertThat(e.details()).containsEntry("max_message_bytes", 1_000);
        assertNothingStored(topic, List.of(0, 1), objectsBefore);
    }

    /** max.message.bytes bounds a batch: records that each fit are split over batches, never refused together. */
    @Test
    void recordsThatEachFitAreAcceptedTogether() {
        Topic topic = newTopic(1, Map.of("max.message.bytes", 1_200));
        Header[] headers = IntStream.range(0, 20)
                .mapToObj(i -> new Header("h" + (char) ('a' + i), null))
                .toArray(Header[]::new);
        List<ProduceRequest.Entry> entries = IntStream.range(0, 10)
                .mapToObj(i -> entry(0, null, "v".repeat(30), T0 + i, headers))
                .toList();
        produce(topic, entries.subList(0, 1)); // one alone fits

        List<RecordOffset> acks = produce(topic, entries);

        assertThat(acks)
                .extracting(RecordOffset::offset)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, 10).mapToObj(i -> (long) i).toList());
        assertThat(fetchAll(topic, 0)).hasSize(11);
    }

    @Test
    void manyRecordsAreSplitIntoBatchesOfAtMostMaxMessageBytes() {
        Topic topic = newTopic(1, Map.of("max.message.bytes", 1_000));
        List<ProduceRequest.Entry> entries = IntStream.range(0, 50)
                .mapToObj(i -> entry(0, "key-" + i, "v".repeat(100), T0 + i))
                .toList();

        produce(topic, entries);

        IndexEntry index =
                await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
        List<Integer> batchSizes = new ArrayList<>();
        for (MutableRecordBatch batch :
                MemoryRecords.readableRecords(await(eddy.fetch().chunk(index))).batches()) {
            batchSizes.add(batch.sizeInBytes());
        }
        assertThat(batchSizes)
                .hasSizeGreaterThan(1)
                .allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(1_000));
        assertThat(fetchAll(topic, 0))
                .extracting(r -> text(r.key()))
                .containsExactlyElementsOf(
                        IntStream.range(0, 50).mapToObj(i -> "key-" + i).toList());
    }

    @Test
    void emptyRequestIsNoRecords() {
        Topic topic = newTopic(1);

        assertCode(() -> produce(name(topic), request(List.of())), ErrorCode.NO_RECORDS);
    }

    @Test
    void chunkCorruptedInStorageIsCorruptSegmentNotWrongRecords() {
        Topic topic = newTopic(1);
        produce(topic, entry(0, "k", "precious", T0));
        IndexEntry index =
                await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 10)).get(0);
        byte[] object = eddy.s3()
                .getObject(b -> b.bucket(eddy.bucket()).key(index.objectKey()), AsyncResponseTransformer.toBytes())
                .join()
                .asByteArray();
        object[(int) index.position() + index.length() - 2] ^= 0x01;
        eddy.s3()
                .putObject(b -> b.bucket(eddy.bucket()).key(index.objectKey()), AsyncRequestBody.fromBytes(object))
                .join();

        assertCode(
                () -> await(eddy.coldFetch().fetch(new FetchRequest(name(topic), 0, 0, 500, 1 << 20, NO_WAIT))),
                ErrorCode.CORRUPT_SEGMENT);
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static Topic newTopic(int partitions) {
        return newTopic(partitions, Map.of());
    }

    private static Topic newTopic(int partitions, Map<String, ?> config) {
        return await(eddy.topics().create("pf-" + UUID.randomUUID(), partitions, config));
    }

    private static String name(Topic topic) {
        return topic.name().value();
    }

    private static Record record(long timestamp, String key, String value, Header... headers) {
        return new Record(-1, timestamp, utf8(key), utf8(value), List.of(headers));
    }

    private static List<RecordOffset> produce(Topic topic, ProduceRequest.Entry... entries) {
        return produce(name(topic), request(entries));
    }

    private static List<RecordOffset> produce(Topic topic, List<ProduceRequest.Entry> entries) {
        return produce(name(topic), request(entries));
    }

    private static List<RecordOffset> produce(String topic, ProduceRequest request) {
        return await(eddy.produce().produce(topic, request));
    }

    private static List<Record> fetchAll(Topic topic, int partition) {
        return await(eddy.coldFetch().fetch(new FetchRequest(name(topic), partition, 0, 10_000, 8 << 20, NO_WAIT)))
                .records();
    }

    private static List<Record> fetchWithMaxBytes(Topic topic, int maxBytes) {
        return await(eddy.fetch().fetch(new FetchRequest(name(topic), 0, 0, 500, maxBytes, NO_WAIT)))
                .records();
    }

    private static long offsetAt(Topic topic, int partition, OffsetSpec spec) {
        return await(eddy.fetch().offsetAt(name(topic), partition, spec));
    }

    private static long offsetAtTime(Topic topic, int partition, long epochMillis) {
        return offsetAt(topic, partition, new OffsetSpec.AtTimestamp(epochMillis));
    }

    private static int segmentObjects() {
        return eddy.objectKeys("segments/").size();
    }

    private static void assertNothingStored(Topic topic, List<Integer> partitions, int objectsBefore) {
        assertThat(await(eddy.metadata().heads(topic.id(), partitions)).values())
                .allSatisfy(h -> assertThat(h.exists()).isFalse());
        for (int p : partitions) {
            assertThat(await(eddy.metadata().entriesFrom(topic.id(), p, 0, 10))).isEmpty();
        }
        assertThat(segmentObjects()).as("no object was written").isEqualTo(objectsBefore);
    }

    private static void assertCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
