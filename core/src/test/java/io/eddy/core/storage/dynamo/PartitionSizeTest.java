package io.eddy.core.storage.dynamo;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.compact.CompactionPolicy;
import io.eddy.core.compact.Compactor;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.MutableClock;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.CompactionStore;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 18: a partition head's byte count, kept by every writer of the log (commits with and without a lease,
 * merges, key compaction, retention), against DynamoDB Local and the S3 stand-in.
 */
@ExtendWith(EddyStackExtension.class)
class PartitionSizeTest {
    static final CompactionPolicy POLICY = new CompactionPolicy(
            1_024, 8, 64L << 20, 0.5, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5));
    static final long T0 = 1_764_000_000_000L;

    private static Topic topic(CoreInstance eddy, int partitions, Map<String, ?> config) {
        return await(eddy.topics().create("sizes-" + UUID.randomUUID(), partitions, config));
    }

    private static PartitionHead head(CoreInstance eddy, Topic topic, int partition) {
        return await(eddy.metadata().heads(topic.id(), List.of(partition))).get(partition);
    }

    private static List<IndexEntry> entries(CoreInstance eddy, Topic topic, int partition) {
        return await(eddy.metadata().entriesFrom(topic.id(), partition, 0, 10_000));
    }

    /** The bytes of the entries a reader can still reach: those ending at or above the log start offset. */
    private static long liveBytes(CoreInstance eddy, Topic topic, int partition) {
        long logStart = head(eddy, topic, partition).logStartOffset();
        return entries(eddy, topic, partition).stream()
                .filter(e -> e.lastOffset() >= logStart)
                .mapToLong(IndexEntry::length)
                .sum();
    }

    /** Changes partition 0's head with the raw SDK, as an Eddy from before sizes were kept would have left it. */
    private static void rawHeadUpdate(
            CoreInstance eddy, Topic topic, String expression, Map<String, AttributeValue> values) {
        await(io.smallrye.mutiny.Uni.createFrom()
                .completionStage(() -> eddy.dynamo()
                        .updateItem(b -> b.tableName(eddy.table())
                                .key(Map.of(
                                        DynamoKeys.PK,
                                        AttributeValue.fromS(DynamoKeys.partition(topic.id(), 0)),
                                        DynamoKeys.SK,
                                        AttributeValue.fromS(DynamoKeys.HEAD)))
                                .updateExpression(expression)
                                .expressionAttributeValues(values.isEmpty() ? null : values))));
    }

    private static void produceRounds(CoreInstance eddy, Topic topic, int partitions, int rounds) {
        for (int i = 0; i < rounds; i++) {
            int n = i;
            await(eddy.produce()
                    .produce(
                            topic.name().value(),
                            Produce.request(IntStream.range(0, partitions)
                                    .mapToObj(p -> entry(p, "k" + (n % 4), "value-" + n + "-" + p, T0 + n * 1_000L))
                                    .toList())));
        }
    }

    private static void compactUntilQuiet(CoreInstance eddy, Topic topic) {
        Compactor compactor = eddy.compactor(POLICY);
        for (int pass = 0; pass < 12; pass++) {
            var result = await(compactor.run(
                    new Compactor.Options(false, false, false, topic.name().value()), new Compactor.Progress() {
                        @Override
                        public void partitionDone(int done, int total, io.eddy.core.compact.CompactionPlan plan) {}

                        @Override
                        public void garbage(List<io.eddy.core.compact.GarbageCollector.Doomed> doomed) {}
                    }));
            if (result.report().objectsWritten() == 0 && result.report().entriesDropped() == 0) {
                return;
            }
        }
        throw new AssertionError("the compactor never settled");
    }

    @Test
    void producedRecordsMakeTheSizeTheSumOfTheCommittedEntriesLengths(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = topic(eddy, 3, Map.of());

            produceRounds(eddy, topic, 2, 7); // partition 2 stays empty

            for (int p = 0; p < 2; p++) {
                PartitionHead head = head(eddy, topic, p);
                List<IndexEntry> entries = entries(eddy, topic, p);
                assertThat(entries).hasSize(7);
                assertThat(head.sizeComplete()).isTrue();
                assertThat(head.sizeBytes())
                        .isPositive()
                        .isEqualTo(
                                entries.stream().mapToLong(IndexEntry::length).sum());
            }
            assertThat(head(eddy, topic, 2).size()).hasValue(0);
        }
    }

    @Test
    void commitsUnderALeaderLeaseCountTheirBytesToo(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack)
                .leases("sizes-owner", Duration.ofSeconds(30))
                .start()
                .ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of());

            produceRounds(eddy, topic, 1, 5);

            PartitionHead head = head(eddy, topic, 0);
            assertThat(head.lease()).as("committed under a lease").isNotNull();
            assertThat(head.size())
                    .hasValue(entries(eddy, topic, 0).stream()
                            .mapToLong(IndexEntry::length)
                            .sum());
        }
    }

    @Test
    void mergingSegmentsMovesTheSizeByWhatItRewrote(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of("retention.ms", -1));
            produceRounds(eddy, topic, 1, 20);
            int before = entries(eddy, topic, 0).size();

            compactUntilQuiet(eddy, topic);

            assertThat(entries(eddy, topic, 0)).hasSizeLessThan(before);
            assertThat(head(eddy, topic, 0).size()).hasValue(liveBytes(eddy, topic, 0));
        }
    }

    @Test
    void keyCompactionShrinksTheSizeByTheRecordsItRemoved(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 1_000_000));
        try (CoreInstance eddy = CoreInstance.on(stack).clock(clock).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of("cleanup.policy", "compact"));
            produceRounds(eddy, topic, 1, 24); // four keys, each written six times
            long before = head(eddy, topic, 0).sizeBytes();

            compactUntilQuiet(eddy, topic);

            PartitionHead after = head(eddy, topic, 0);
            assertThat(after.size()).hasValue(liveBytes(eddy, topic, 0));
            assertThat(after.sizeBytes()).isPositive().isLessThan(before);
        }
    }

    @Test
    void retentionTakesTheDroppedEntriesBytesOff(EddyStack stack) {
        MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0 + 55_000));
        try (CoreInstance eddy = CoreInstance.on(stack).clock(clock).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of("retention.ms", 50_000));
            produceRounds(eddy, topic, 1, 10); // timestamps T0 .. T0+9000: the horizon T0+5000 expires the first five
            long before = head(eddy, topic, 0).sizeBytes();

            compactUntilQuiet(eddy, topic);

            PartitionHead after = head(eddy, topic, 0);
            assertThat(after.logStartOffset()).isPositive();
            assertThat(after.size()).hasValue(liveBytes(eddy, topic, 0));
            assertThat(after.sizeBytes()).isLessThan(before);
        }
    }

    @Test
    void aHeadWrittenBeforeSizesCountsFromItsNextCommitAndIsIncompleteUntilRetentionPassesThere(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of());
            // given: a head as an older Eddy wrote it, without sizeBytes and sizeFrom
            rawHeadUpdate(
                    eddy,
                    topic,
                    "SET nextOffset = :five, logStartOffset = :zero",
                    Map.of(":five", AttributeValue.fromN("5"), ":zero", AttributeValue.fromN("0")));
            assertThat(head(eddy, topic, 0).size())
                    .as("five records of unknown size")
                    .isEmpty();

            // when
            produceRounds(eddy, topic, 1, 3);

            // then
            PartitionHead head = head(eddy, topic, 0);
            long counted = entries(eddy, topic, 0).stream()
                    .mapToLong(IndexEntry::length)
                    .sum();
            assertThat(head.nextOffset()).isEqualTo(8);
            assertThat(head.sizeFrom()).isEqualTo(5);
            assertThat(head.sizeBytes()).isPositive().isEqualTo(counted);
            assertThat(head.sizeComplete()).isFalse();
            assertThat(head.size()).isEmpty();

            // when retention moves the log start to where counting began, the count is whole
            CompactionStore store = eddy.compactionStore();
            var lease =
                    await(store.acquire("sizes-test", "me", 0, Long.MAX_VALUE)).orElseThrow();
            assertThat(await(store.truncate(topic.id(), 0, 5, List.of(), lease)))
                    .isTrue();
            assertThat(head(eddy, topic, 0).size()).hasValue(counted);
        }
    }

    @Test
    void aMergeAcrossWhereCountingBeganCountsTheMergedEntryWholeAndCompletesTheCount(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = topic(eddy, 1, Map.of("retention.ms", -1));
            produceRounds(eddy, topic, 1, 3);
            // given: an older Eddy wrote offsets 0..2 (its head keeps no size); this one writes 3..7, so that the
            // eight entries (the policy's fan-out) merge into one across offset 3
            rawHeadUpdate(eddy, topic, "REMOVE sizeBytes, sizeFrom", Map.of());
            produceRounds(eddy, topic, 1, 5);
            assertThat(head(eddy, topic, 0).sizeFrom()).isEqualTo(3);

            compactUntilQuiet(eddy, topic);

            List<IndexEntry> merged = entries(eddy, topic, 0);
            assertThat(merged.get(0).lastOffset()).as("merged across offset 3").isGreaterThanOrEqualTo(3);
            PartitionHead head = head(eddy, topic, 0);
            assertThat(head.sizeFrom()).isEqualTo(0);
            assertThat(head.size()).hasValue(liveBytes(eddy, topic, 0));
        }
    }
}
