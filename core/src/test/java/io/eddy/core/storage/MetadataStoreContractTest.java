package io.eddy.core.storage;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.OffsetConflictException;
import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicConfig;
import io.eddy.core.model.TopicName;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The {@link MetadataStore} port's contract, run against every implementation by a subclass that supplies the
 * store. Each test works on topics and topic ids of its own, so the tests share one store.
 */
public abstract class MetadataStoreContractTest {

    /** The store under test; the same instance for every test of a class. */
    protected abstract MetadataStore store();

    // --- cluster id ------------------------------------------------------------------------------------------

    @Test
    void theFirstClusterIdStoredIsTheOneEveryCallerGetsAfterwards() {
        List<String> raced = await(Uni.join()
                .all(IntStream.range(0, 4)
                        .mapToObj(i -> store().clusterId("candidate-" + i))
                        .toList())
                .andFailFast());

        assertThat(raced).hasSize(4).containsOnly(raced.get(0));
        assertThat(raced.get(0)).startsWith("candidate-");
        assertThat(await(store().clusterId("a-later-candidate"))).isEqualTo(raced.get(0));
    }

    // --- topics ----------------------------------------------------------------------------------------------

    @Test
    void createdTopicReadsBackEqual() {
        Topic topic = topic(
                "created",
                6,
                new TopicConfig(
                        3_600_000,
                        1 << 30,
                        CleanupPolicy.COMPACT,
                        2_000_000,
                        List.of("primary-bucket", "replica-bucket")));

        await(store().createTopic(topic));

        assertThat(await(store().topic(topic.name().value()))).contains(topic);
    }

    @Test
    void creatingATakenNameIsTopicAlreadyExistsAndKeepsTheFirst() {
        Topic first = topic("taken", 3);
        Topic second = new Topic(first.name(), UUID.randomUUID(), 9, first.config(), first.createdAt());
        await(store().createTopic(first));

        EddyException e = catchThrowableOfType(EddyException.class, () -> await(store().createTopic(second)));

        assertThat(e.code()).isEqualTo(ErrorCode.TOPIC_ALREADY_EXISTS);
        assertThat(await(store().topic(first.name().value()))).contains(first);
    }

    @Test
    void anUpdateReplacesPartitionsAndConfigOnlyIfTheTopicIsAsRead() {
        Topic before = topic("altered", 3);
        await(store().createTopic(before));
        Topic grown = new Topic(
                before.name(),
                before.id(),
                5,
                before.config().with(Map.of("retention.ms", 60_000)),
                before.createdAt());

        assertThat(await(store().updateTopic(before, grown))).isTrue();
        assertThat(await(store().topic(before.name().value()))).contains(grown);
        assertThat(await(store().topics())).contains(grown);

        // a writer that read the topic before the change finds it changed, and writes nothing
        Topic stale = new Topic(before.name(), before.id(), 4, before.config(), before.createdAt());
        assertThat(await(store().updateTopic(before, stale))).isFalse();
        assertThat(await(store().topic(before.name().value()))).contains(grown);
        // so does one for a topic deleted (or deleted and created again) meanwhile
        await(store().deleteTopic(grown));
        assertThat(await(store().updateTopic(grown, grown))).isFalse();
        assertThat(await(store().topic(before.name().value()))).isEmpty();
    }

    @Test
    void unknownTopicIsEmpty() {
        assertThat(await(store().topic("never-created-" + UUID.randomUUID()))).isEmpty();
    }

    @Test
    void topicsAreListedSortedByName() {
        String prefix = "listed-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        for (String suffix : List.of("b", "C", "a", "a.b", "a-b", "a_b", "0")) {
            await(store().createTopic(new Topic(
                    new TopicName(prefix + suffix),
                    UUID.randomUUID(),
                    1,
                    TopicConfig.defaults("eddy-contract"),
                    now())));
        }

        List<Topic> all = await(store().topics());

        assertThat(all).extracting(t -> t.name().value()).isSorted();
        assertThat(all)
                .extracting(t -> t.name().value())
                .filteredOn(n -> n.startsWith(prefix))
                .containsExactly(
                        prefix + "0",
                        prefix + "C",
                        prefix + "a",
                        prefix + "a-b",
                        prefix + "a.b",
                        prefix + "a_b",
                        prefix + "b");
    }

    @Test
    void listedTopicsCarryTheirIdPartitionsAndConfig() {
        Topic topic = topic("described", 4);
        await(store().createTopic(topic));

        assertThat(await(store().topics())).contains(topic);
    }

    @Test
    void deletedTopicIsGoneAndItsNameCanBeReused() {
        Topic topic = topic("deleted", 2);
        await(store().createTopic(topic));

        await(store().deleteTopic(topic));

        assertThat(await(store().topic(topic.name().value()))).isEmpty();
        assertThat(await(store().topics())).doesNotContain(topic);
        Topic again = new Topic(topic.name(), UUID.randomUUID(), 5, topic.config(), now());
        await(store().createTopic(again));
        assertThat(await(store().topic(topic.name().value()))).contains(again);
    }

    @Test
    void deletingAnUnknownTopicIsUnknownTopic() {
        EddyException e =
                catchThrowableOfType(EddyException.class, () -> await(store().deleteTopic(topic("ghost", 1))));

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
    }

    @Test
    void deletingWithAStaleIdLeavesTheRecreatedTopic() {
        Topic old = topic("recreated", 1);
        await(store().createTopic(old));
        await(store().deleteTopic(old));
        Topic current = new Topic(old.name(), UUID.randomUUID(), 1, old.config(), now());
        await(store().createTopic(current));

        EddyException e = catchThrowableOfType(EddyException.class, () -> await(store().deleteTopic(old)));

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC);
        assertThat(await(store().topic(old.name().value()))).contains(current);
    }

    // --- heads and commits -----------------------------------------------------------------------------------

    @Test
    void headsOfNeverWrittenPartitionsAreEmpty() {
        UUID topicId = UUID.randomUUID();

        Map<Integer, PartitionHead> heads = await(store().heads(topicId, List.of(0, 1, 7)));

        assertThat(heads)
                .containsOnly(
                        Map.entry(0, PartitionHead.empty(0)),
                        Map.entry(1, PartitionHead.empty(1)),
                        Map.entry(7, PartitionHead.empty(7)));
    }

    @Test
    void headsOfNoPartitionsAreNone() {
        assertThat(await(store().heads(UUID.randomUUID(), List.of()))).isEmpty();
    }

    @Test
    void commitMovesTheHeadPastTheEntry() {
        UUID topicId = UUID.randomUUID();

        await(store().commit(batch(topicId, first(0, 10))));
        assertThat(await(store().heads(topicId, List.of(0, 1))))
                .containsOnly(Map.entry(0, counted(0, 10, 100)), Map.entry(1, PartitionHead.empty(1)));

        await(store().commit(batch(topicId, next(0, 10, 5))));
        assertThat(await(store().heads(topicId, List.of(0)))).containsEntry(0, counted(0, 15, 150));
    }

    @Test
    void commitSpanningPartitionsMovesEveryHead() {
        UUID topicId = UUID.randomUUID();
        await(store().commit(batch(topicId, first(2, 3))));

        await(store().commit(batch(topicId, next(2, 3, 4), first(5, 1), first(9, 2))));

        assertThat(await(store().heads(topicId, List.of(2, 5, 9))))
                .containsOnly(
                        Map.entry(2, counted(2, 7, 70)),
                        Map.entry(5, counted(5, 1, 10)),
                        Map.entry(9, counted(9, 2, 20)));
    }

    @Test
    void commitOfTheMostPartitionsATransactionHoldsSucceeds() {
        UUID topicId = UUID.randomUUID();
        int most = CommitBatch.MAX_ITEMS / 2; // a head and an index entry each, no producers
        CommitBatch.PartitionCommit[] appends =
                IntStream.range(0, most).mapToObj(p -> first(p, p + 1)).toArray(CommitBatch.PartitionCommit[]::new);

        await(store().commit(batch(topicId, appends)));

        Map<Integer, PartitionHead> heads =
                await(store().heads(topicId, IntStream.range(0, most).boxed().toList()));
        assertThat(heads)
                .hasSize(most)
                .allSatisfy((p, head) -> assertThat(head).isEqualTo(counted(p, p + 1, (p + 1) * 10L)));
    }

    @Test
    void headsOfManyPartitionsAreReadInOneCall() {
        UUID topicId = UUID.randomUUID();
        await(store().commit(batch(topicId, first(0, 1), first(150, 2), first(249, 3))));

        Map<Integer, PartitionHead> heads =
                await(store().heads(topicId, IntStream.range(0, 250).boxed().toList()));

        assertThat(heads).hasSize(250);
        assertThat(heads.get(0).nextOffset()).isEqualTo(1);
        assertThat(heads.get(150).nextOffset()).isEqualTo(2);
        assertThat(heads.get(249).nextOffset()).isEqualTo(3);
        assertThat(heads.get(100)).isEqualTo(PartitionHead.empty(100));
    }

    @Test
    void staleHeadCommitWritesNothing() {
        UUID topicId = UUID.randomUUID();
        IndexEntry committed = entry(0, 9);
        await(store().commit(batch(topicId, append(0, 0, false, committed))));

        // partition 0 expects 5 but is at 10; partition 1 would be fine on its own
        OffsetConflictException e = catchThrowableOfType(
                OffsetConflictException.class, () -> await(store().commit(batch(topicId, next(0, 5, 3), first(1, 4)))));

        assertThat(e.partitions()).containsExactly(0);
        assertThat(e.code()).isEqualTo(ErrorCode.OFFSET_CONFLICT);
        assertThat(e.retryable()).isTrue();
        assertThat(await(store().heads(topicId, List.of(0, 1))))
                .containsOnly(Map.entry(0, counted(0, 10, 100)), Map.entry(1, PartitionHead.empty(1)));
        assertThat(await(store().entriesFrom(topicId, 0, 0, 100))).containsExactly(committed);
        assertThat(await(store().entriesFrom(topicId, 1, 0, 100))).isEmpty();
        assertThat(await(store().entryAtOrBefore(topicId, 0, 7))).contains(committed);
    }

    @Test
    void commitExpectingNoHeadWhenOneExistsConflicts() {
        UUID topicId = UUID.randomUUID();
        await(store().commit(batch(topicId, first(3, 2))));

        OffsetConflictException e = catchThrowableOfType(
                OffsetConflictException.class, () -> await(store().commit(batch(topicId, first(3, 1)))));

        assertThat(e.partitions()).containsExactly(3);
        assertThat(await(store().heads(topicId, List.of(3)))).containsEntry(3, counted(3, 2, 20));
        assertThat(await(store().entriesFrom(topicId, 3, 0, 100)))
                .extracting(IndexEntry::lastOffset)
                .containsExactly(1L);
    }

    @Test
    void commitExpectingAHeadThatWasNeverWrittenConflicts() {
        UUID topicId = UUID.randomUUID();

        OffsetConflictException e = catchThrowableOfType(
                OffsetConflictException.class,
                () -> await(store().commit(batch(topicId, append(4, 0, true, entry(0, 0))))));

        assertThat(e.partitions()).containsExactly(4);
        assertThat(await(store().heads(topicId, List.of(4)))).containsEntry(4, PartitionHead.empty(4));
        assertThat(await(store().entriesFrom(topicId, 4, 0, 100))).isEmpty();
    }

    @Test
    void conflictNamesEveryPartitionThatMoved() {
        UUID topicId = UUID.randomUUID();
        await(store().commit(batch(topicId, first(0, 1), first(1, 1), first(2, 1))));

        OffsetConflictException e = catchThrowableOfType(
                OffsetConflictException.class,
                () -> await(store().commit(batch(topicId, next(0, 0, 1), next(1, 1, 1), next(2, 0, 1)))));

        assertThat(e.partitions()).containsExactlyInAnyOrder(0, 2);
        assertThat(e.getMessage()).contains("0").contains("2");
    }

    // --- the offset index ------------------------------------------------------------------------------------

    @Test
    void entryAtOrBeforeFindsTheEntryCoveringAnOffset() {
        UUID topicId = UUID.randomUUID();
        IndexEntry a = entry(0, 9);
        IndexEntry b = entry(10, 14);
        IndexEntry c = entry(15, 15);
        commitRun(topicId, 0, a, b, c);

        assertThat(await(store().entryAtOrBefore(topicId, 0, 0)))
                .as("at the first base")
                .contains(a);
        assertThat(await(store().entryAtOrBefore(topicId, 0, 4))).as("inside").contains(a);
        assertThat(await(store().entryAtOrBefore(topicId, 0, 9)))
                .as("at the last offset")
                .contains(a);
        assertThat(await(store().entryAtOrBefore(topicId, 0, 10)))
                .as("at a base")
                .contains(b);
        assertThat(await(store().entryAtOrBefore(topicId, 0, 14)))
                .as("at a last offset")
                .contains(b);
        assertThat(await(store().entryAtOrBefore(topicId, 0, 15)))
                .as("one-record entry")
                .contains(c);
        assertThat(await(store().entryAtOrBefore(topicId, 0, 16)))
                .as("at the high watermark")
                .contains(c);
        assertThat(await(store().entryAtOrBefore(topicId, 0, Long.MAX_VALUE)))
                .as("far beyond, not HEAD")
                .contains(c);
    }

    @Test
    void entryAtOrBeforeIsEmptyBeforeTheFirstEntryAndOnOtherPartitions() {
        UUID topicId = UUID.randomUUID();
        commitRun(topicId, 0, entry(0, 9));

        assertThat(await(store().entryAtOrBefore(topicId, 1, 5)))
                .as("partition never written")
                .isEmpty();
        assertThat(await(store().entryAtOrBefore(UUID.randomUUID(), 0, 5)))
                .as("another topic id")
                .isEmpty();
        assertThat(await(store().entryAtOrBefore(topicId, 0, -1)))
                .as("below offset 0")
                .isEmpty();
    }

    @Test
    void entriesFromListsEntriesAtOrAboveABaseInOrder() {
        UUID topicId = UUID.randomUUID();
        IndexEntry a = entry(0, 9);
        IndexEntry b = entry(10, 14);
        IndexEntry c = entry(15, 15);
        IndexEntry d = entry(16, 115);
        commitRun(topicId, 0, a, b, c, d);

        assertThat(await(store().entriesFrom(topicId, 0, 0, 100))).containsExactly(a, b, c, d);
        assertThat(await(store().entriesFrom(topicId, 0, 10, 100)))
                .as("from a base")
                .containsExactly(b, c, d);
        assertThat(await(store().entriesFrom(topicId, 0, 5, 100)))
                .as("from inside an entry")
                .containsExactly(b, c, d);
        assertThat(await(store().entriesFrom(topicId, 0, 0, 2))).as("limited").containsExactly(a, b);
        assertThat(await(store().entriesFrom(topicId, 0, 16, 100)))
                .as("the last")
                .containsExactly(d);
        assertThat(await(store().entriesFrom(topicId, 0, 116, 100)))
                .as("at the high watermark, not HEAD")
                .isEmpty();
        assertThat(await(store().entriesFrom(topicId, 1, 0, 100)))
                .as("another partition")
                .isEmpty();
    }

    @Test
    void entriesOrderByOffsetNotByDigitCount() {
        UUID topicId = UUID.randomUUID();
        IndexEntry small = entry(0, 8);
        IndexEntry nine = entry(9, 9);
        IndexEntry ten = entry(10, 99);
        IndexEntry hundred = entry(100, 100);
        commitRun(topicId, 0, small, nine, ten, hundred);

        assertThat(await(store().entriesFrom(topicId, 0, 0, 10))).containsExactly(small, nine, ten, hundred);
        assertThat(await(store().entryAtOrBefore(topicId, 0, 99))).contains(ten);
    }

    @Test
    void entryReadsBackWithEveryField() {
        UUID topicId = UUID.randomUUID();
        IndexEntry entry = new IndexEntry(
                0,
                41,
                "segments/3f/01JABCDEFGHJKMNPQRSTVWXYZ01.seg",
                123_456_789_012L,
                987_654,
                1_764_000_000_123L,
                -123_456_789,
                List.of("primary-bucket", "replica-bucket"));

        await(store().commit(batch(topicId, append(0, 0, false, entry))));

        assertThat(await(store().entryAtOrBefore(topicId, 0, 20))).contains(entry);
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    /** Commits entries one after the other on a partition, the first creating its head. */
    private void commitRun(UUID topicId, int partition, IndexEntry... entries) {
        boolean exists = false;
        for (IndexEntry e : entries) {
            await(store().commit(batch(topicId, append(partition, e.baseOffset(), exists, e))));
            exists = true;
        }
    }

    private static CommitBatch batch(UUID topicId, CommitBatch.PartitionCommit... appends) {
        return new CommitBatch(
                java.util.Arrays.stream(appends)
                        .map(a -> new CommitBatch.PartitionCommit(
                                topicId,
                                a.partition(),
                                a.expectedNextOffset(),
                                a.headExists(),
                                null,
                                a.entry(),
                                List.of()))
                        .toList(),
                Map.of());
    }

    /** A partition's commit; {@link #batch} puts in the topic id. */
    private static CommitBatch.PartitionCommit append(int partition, long expected, boolean exists, IndexEntry entry) {
        return new CommitBatch.PartitionCommit(null, partition, expected, exists, null, entry, List.of());
    }

    /** The first append to a never-written partition: {@code records} records from offset 0. */
    /** A head written by commits only: its size counts from offset 0, the entries' lengths summed. */
    private static PartitionHead counted(int partition, long nextOffset, long bytes) {
        return new PartitionHead(partition, nextOffset, 0, true, null, bytes, 0);
    }

    private static CommitBatch.PartitionCommit first(int partition, int records) {
        return append(partition, 0, false, entry(0, records - 1));
    }

    private static CommitBatch.PartitionCommit next(int partition, long expected, int records) {
        return append(partition, expected, true, entry(expected, expected + records - 1));
    }

    private static IndexEntry entry(long base, long last) {
        return new IndexEntry(
                base,
                last,
                "segments/00/" + UUID.randomUUID() + ".seg",
                8 + base,
                (int) (last - base + 1) * 10,
                1_764_000_000_000L + last,
                (int) (base * 31 + last),
                List.of("eddy-contract"));
    }

    private static Topic topic(String prefix, int partitions) {
        return topic(prefix, partitions, TopicConfig.defaults("eddy-contract"));
    }

    private static Topic topic(String prefix, int partitions, TopicConfig config) {
        return new Topic(new TopicName(prefix + "-" + UUID.randomUUID()), UUID.randomUUID(), partitions, config, now());
    }

    /** Stores keep milliseconds. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
