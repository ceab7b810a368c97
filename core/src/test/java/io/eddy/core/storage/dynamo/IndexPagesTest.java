package io.eddy.core.storage.dynamo;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.CompactionStore.JobLease;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.support.RetryPolicy;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Index pages (issue 17): a commit appends its run to the partition head's tail, every 4th seals the tail and its
 * run into an {@code O#} page; every reader and writer of the index sees runs wherever they are. Against DynamoDB
 * Local, with the raw items checked where the layout is the point.
 */
@ExtendWith(EddyStackExtension.class)
class IndexPagesTest {
    private static CoreInstance eddy;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = CoreInstance.on(stack).start().ensureResources();
    }

    @AfterAll
    static void stop() {
        eddy.close();
    }

    private static MetadataStore store() {
        return eddy.metadata();
    }

    private static CompactionStore compaction() {
        return eddy.compactionStore();
    }

    private static IndexEntry run(long base, long last) {
        return new IndexEntry(
                base,
                last,
                "segments/0a/" + UUID.randomUUID() + ".seg",
                8 + base,
                (int) (last - base + 1) * 10,
                1_764_000_000_000L + last,
                (int) (base * 31 + last),
                List.of("eddy-pages"));
    }

    /** Commits runs of {@code size} records, one per transaction; returns them and the items each wrote. */
    private static List<IndexEntry> commit(MetadataStore store, UUID topic, long from, int runs, List<Integer> items) {
        List<IndexEntry> out = new ArrayList<>();
        long next = from;
        for (int i = 0; i < runs; i++) {
            IndexEntry e = run(next, next + 2);
            CommitBatch batch = new CommitBatch(
                    List.of(new CommitBatch.PartitionCommit(topic, 0, next, next > 0, null, e, List.of())), Map.of());
            // as the produce path does, a lost race (here: a tail a compaction changed) is decided again on a read
            items.add(await(store.commit(batch)
                            .onFailure(io.eddy.core.error.OffsetConflictException.class)
                            .recoverWithUni(() -> store.commit(batch)))
                    .items());
            out.add(e);
            next = e.lastOffset() + 1;
        }
        return out;
    }

    private static List<IndexEntry> commit(UUID topic, int runs) {
        return commit(store(), topic, 0, runs, new ArrayList<>());
    }

    private static Map<String, AttributeValue> item(UUID topic, String sk) {
        return await(Uni.createFrom()
                        .completionStage(() -> eddy.dynamo()
                                .getItem(b -> b.tableName(eddy.table())
                                        .consistentRead(true)
                                        .key(Map.of(
                                                DynamoKeys.PK,
                                                AttributeValue.fromS(DynamoKeys.partition(topic, 0)),
                                                DynamoKeys.SK,
                                                AttributeValue.fromS(sk))))))
                .item();
    }

    private static List<String> indexKeys(UUID topic) {
        return await(Uni.createFrom()
                        .completionStage(() -> eddy.dynamo()
                                .query(b -> b.tableName(eddy.table())
                                        .consistentRead(true)
                                        .keyConditionExpression("pk = :pk AND begins_with(sk, :o)")
                                        .expressionAttributeValues(Map.of(
                                                ":pk",
                                                AttributeValue.fromS(DynamoKeys.partition(topic, 0)),
                                                ":o",
                                                AttributeValue.fromS("O#"))))))
                .items()
                .stream()
                .map(i -> i.get(DynamoKeys.SK).s())
                .toList();
    }

    private static List<IndexEntry> tail(UUID topic) {
        return DynamoRuns.ofHead(item(topic, DynamoKeys.HEAD));
    }

    private static List<IndexEntry> all(UUID topic) {
        return await(store().entriesFrom(topic, 0, 0, 10_000));
    }

    private static JobLease lease() {
        String name = "pages-" + UUID.randomUUID();
        long now = System.currentTimeMillis();
        return await(compaction().acquire(name, "test", now, now + 60_000)).orElseThrow();
    }

    @Test
    void aCommitAppendsItsRunToTheHeadsTailInOneItem() {
        UUID topic = UUID.randomUUID();
        List<Integer> items = new ArrayList<>();

        List<IndexEntry> runs = commit(store(), topic, 0, 3, items);

        assertThat(items).as("items per commit").containsExactly(1, 1, 1);
        assertThat(tail(topic)).containsExactlyElementsOf(runs);
        assertThat(indexKeys(topic)).as("no O# item yet").isEmpty();
        assertThat(all(topic)).containsExactlyElementsOf(runs);
    }

    @Test
    void theFourthCommitSealsTheTailAndItsRunIntoAPage() {
        UUID topic = UUID.randomUUID();
        List<Integer> items = new ArrayList<>();

        List<IndexEntry> runs = commit(store(), topic, 0, 9, items);

        assertThat(items).containsExactly(1, 1, 1, 2, 1, 1, 1, 2, 1);
        assertThat(indexKeys(topic)).containsExactly(DynamoKeys.entry(0), DynamoKeys.entry(12));
        assertThat(DynamoRuns.ofPage(item(topic, DynamoKeys.entry(0)))).containsExactlyElementsOf(runs.subList(0, 4));
        assertThat(tail(topic)).containsExactly(runs.get(8));
        assertThat(all(topic)).containsExactlyElementsOf(runs);
    }

    @Test
    void aCommitThatDoesNotKnowTheTailReadsItAndStillSeals() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = commit(topic, 3);
        // another process (a store of its own, knowing nothing) commits the 4th run
        MetadataStore other = new DynamoMetadataStore(eddy.dynamo(), eddy.table(), RetryPolicy.defaults());
        List<Integer> items = new ArrayList<>();

        runs = new ArrayList<>(runs);
        runs.addAll(commit(other, topic, 9, 1, items));

        assertThat(items).containsExactly(2);
        assertThat(tail(topic)).isEmpty();
        assertThat(all(topic)).containsExactlyElementsOf(runs);
        // and the first store, whose known tail is stale now, loses nothing either: its seal is conditioned
        List<Integer> more = new ArrayList<>();
        runs.addAll(commit(store(), topic, 12, 4, more));
        assertThat(all(topic)).containsExactlyElementsOf(runs);
    }

    @Test
    void runsTooLargeToShareAPageWithTheTailSealItAloneAndStayInTheTailAtTwoItemsACommit() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = new ArrayList<>();
        List<Integer> items = new ArrayList<>();
        long next = 0;
        for (int i = 0; i < 3; i++) { // ~550 bytes each: one fits a tail, two do not fit a page
            IndexEntry e = new IndexEntry(
                    next, next + 1, "segments/0b/" + "x".repeat(480) + i, 0, 20, 1, 2, List.of("eddy-pages"));
            items.add(await(store().commit(new CommitBatch(
                            List.of(new CommitBatch.PartitionCommit(topic, 0, next, next > 0, null, e, List.of())),
                            Map.of())))
                    .items());
            runs.add(e);
            next += 2;
        }

        assertThat(items).containsExactly(1, 2, 2);
        assertThat(tail(topic)).containsExactly(runs.get(2));
        assertThat(indexKeys(topic)).containsExactly(DynamoKeys.entry(0), DynamoKeys.entry(2));
        assertThat(all(topic)).containsExactlyElementsOf(runs);
    }

    @Test
    void entriesAndTheEntryAtOrBeforeAnOffsetComeFromPagesAndTheTail() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = commit(topic, 10); // pages [0, 12), [12, 24); tail [24, 27), [27, 30)

        for (long offset : LongStream.range(0, 40).toArray()) {
            Optional<IndexEntry> expected =
                    runs.stream().filter(e -> e.baseOffset() <= offset).reduce((a, b) -> b);
            assertThat(await(store().entryAtOrBefore(topic, 0, offset)))
                    .as("entry at or before %d", offset)
                    .isEqualTo(expected);
            List<IndexEntry> from =
                    runs.stream().filter(e -> e.baseOffset() >= offset).limit(3).toList();
            assertThat(await(store().entriesFrom(topic, 0, offset, 3)))
                    .as("entries from %d", offset)
                    .containsExactlyElementsOf(from);
        }
        assertThat(await(store().entriesFrom(topic, 0, 0, 100))).containsExactlyElementsOf(runs);
    }

    /**
     * Read-after-ack across processes while commits seal pages: a reader (a store of its own) that learned a high
     * watermark from a head finds every run below it, whichever moment a seal falls between its reads.
     */
    @Test
    void aReaderInAnotherProcessFindsEveryRunBelowTheHighWatermarkItReadWhileCommitsSeal() throws Exception {
        UUID topic = UUID.randomUUID();
        MetadataStore reader = new DynamoMetadataStore(eddy.dynamo(), eddy.table(), RetryPolicy.defaults());
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.CompletableFuture<List<IndexEntry>> written =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return commit(store(), topic, 0, 40, new ArrayList<>());
                    } finally {
                        writing.set(false);
                    }
                });
        int checks = 0;
        while (writing.get() || checks == 0) {
            long hw = await(reader.heads(topic, List.of(0))).get(0).nextOffset();
            if (hw == 0) {
                continue;
            }
            List<IndexEntry> seen = await(reader.entriesFrom(topic, 0, 0, 1_000));
            long expected = 0;
            for (IndexEntry e : seen) {
                assertThat(e.baseOffset()).as("runs tile the log").isEqualTo(expected);
                expected = e.lastOffset() + 1;
            }
            assertThat(expected)
                    .as("the runs reach the high watermark read before")
                    .isGreaterThanOrEqualTo(hw);
            assertThat(await(reader.entryAtOrBefore(topic, 0, hw - 1)))
                    .hasValueSatisfying(e -> assertThat(e.covers(hw - 1)).isTrue());
            checks++;
        }
        assertThat(all(topic)).containsExactlyElementsOf(written.get());
        assertThat(checks).isPositive();
    }

    @Test
    void indexItemsWrittenBeforePagesReadAsOneRunPages() {
        UUID topic = UUID.randomUUID();
        // an Eddy from before pages left two one-run items and a head without a tail
        List<IndexEntry> old = List.of(run(0, 4), run(5, 9));
        for (IndexEntry e : old) {
            Map<String, AttributeValue> item = new HashMap<>(DynamoEntries.item(e));
            item.put(DynamoKeys.PK, AttributeValue.fromS(DynamoKeys.partition(topic, 0)));
            item.put(DynamoKeys.SK, AttributeValue.fromS(DynamoKeys.entry(e.baseOffset())));
            await(Uni.createFrom()
                    .completionStage(() ->
                            eddy.dynamo().putItem(b -> b.tableName(eddy.table()).item(item))));
        }
        await(Uni.createFrom()
                .completionStage(() -> eddy.dynamo()
                        .putItem(b -> b.tableName(eddy.table())
                                .item(Map.of(
                                        DynamoKeys.PK,
                                        AttributeValue.fromS(DynamoKeys.partition(topic, 0)),
                                        DynamoKeys.SK,
                                        AttributeValue.fromS(DynamoKeys.HEAD),
                                        "nextOffset",
                                        AttributeValue.fromN("10"),
                                        "logStartOffset",
                                        AttributeValue.fromN("0"))))));

        List<IndexEntry> runs = new ArrayList<>(old);
        runs.addAll(commit(store(), topic, 10, 5, new ArrayList<>()));

        assertThat(all(topic)).containsExactlyElementsOf(runs);
        assertThat(await(store().entryAtOrBefore(topic, 0, 7))).contains(old.get(1));
        assertThat(await(store().entryAtOrBefore(topic, 0, 11))).contains(runs.get(2));
        // a swap over old items and pages
        IndexEntry merged =
                new IndexEntry(0, runs.get(3).lastOffset(), "partitions/x/0.seg", 0, 100, 1, 7, List.of("eddy-pages"));
        assertThat(await(compaction().swap(topic, 0, runs.subList(0, 4), List.of(merged), lease())))
                .isTrue();
        List<IndexEntry> after = new ArrayList<>(List.of(merged));
        after.addAll(runs.subList(4, runs.size()));
        assertThat(all(topic)).containsExactlyElementsOf(after);
    }

    @Test
    void aSwapAcrossAPageAndTheTailReplacesTheRunsInBoth() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = commit(topic, 6); // page [0, 12), tail [12, 15), [15, 18)
        IndexEntry merged = new IndexEntry(6, 14, "partitions/x/6.seg", 0, 90, 1, 7, List.of("eddy-pages"));

        boolean swapped = await(compaction().swap(topic, 0, runs.subList(2, 5), List.of(merged), lease()));

        assertThat(swapped).isTrue();
        assertThat(all(topic)).containsExactly(runs.get(0), runs.get(1), merged, runs.get(5));
        assertThat(tail(topic)).containsExactly(runs.get(5));
        assertThat(await(store().entryAtOrBefore(topic, 0, 13))).contains(merged);
        // the partition goes on: commits append and seal as before
        List<IndexEntry> more = commit(store(), topic, 18, 4, new ArrayList<>());
        List<IndexEntry> expected = new ArrayList<>(List.of(runs.get(0), runs.get(1), merged, runs.get(5)));
        expected.addAll(more);
        assertThat(all(topic)).containsExactlyElementsOf(expected);
    }

    @Test
    void aSwapOfATailRunLosesToACommitThatChangedTheTailAndChangesNothing() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = commit(topic, 2);
        IndexEntry moved =
                new IndexEntry(0, 2, "partitions/x/0.seg", 0, 30, 1, 7, List.of("eddy-pages", "eddy-replica"));
        // a swap planned on a run that is no longer as it was read (a commit or another swap changed the tail)
        IndexEntry stale = new IndexEntry(0, 2, "segments/0a/gone.seg", 8, 30, 1, 7, List.of("eddy-pages"));

        assertThat(await(compaction().swap(topic, 0, List.of(stale), List.of(moved), lease())))
                .isFalse();
        assertThat(all(topic)).containsExactlyElementsOf(runs);
    }

    @Test
    void replicaRepairMovesARunInAPageAndARunInTheTail() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = commit(topic, 6); // page [0, 12), tail [12, 15), [15, 18)
        IndexEntry inPage = runs.get(1);
        IndexEntry inTail = runs.get(4);
        IndexEntry pageMoved = new IndexEntry(
                inPage.baseOffset(),
                inPage.lastOffset(),
                "partitions/x/a.seg",
                0,
                inPage.length(),
                inPage.maxTimestamp(),
                inPage.crc32c(),
                List.of("eddy-pages", "eddy-replica"));
        IndexEntry tailMoved = new IndexEntry(
                inTail.baseOffset(),
                inTail.lastOffset(),
                "partitions/x/b.seg",
                0,
                inTail.length(),
                inTail.maxTimestamp(),
                inTail.crc32c(),
                List.of("eddy-pages", "eddy-replica"));

        assertThat(await(compaction().swap(topic, 0, List.of(inPage), List.of(pageMoved), lease())))
                .isTrue();
        assertThat(await(compaction().swap(topic, 0, List.of(inTail), List.of(tailMoved), lease())))
                .isTrue();

        assertThat(all(topic))
                .containsExactly(runs.get(0), pageMoved, runs.get(2), runs.get(3), tailMoved, runs.get(5));
        assertThat(tail(topic)).containsExactly(tailMoved, runs.get(5));
        // and the bucket list of a run in a page and in the tail, each conditioned on the buckets it had
        assertThat(await(store().replaceEntryBuckets(
                                topic, 0, 6, List.of("eddy-pages"), List.of("eddy-pages", "eddy-replica"))))
                .isTrue();
        assertThat(await(store().replaceEntryBuckets(
                                topic, 0, 15, List.of("eddy-pages"), List.of("eddy-pages", "eddy-replica"))))
                .isTrue();
        assertThat(await(store().replaceEntryBuckets(
                                topic, 0, 15, List.of("eddy-pages"), List.of("eddy-pages", "eddy-other"))))
                .as("no longer as expected")
                .isFalse();
        assertThat(all(topic)).allSatisfy(e -> {
            if (e.baseOffset() == 6 || e.baseOffset() == 15 || e.baseOffset() == 3 || e.baseOffset() == 12) {
                assertThat(e.buckets()).containsExactly("eddy-pages", "eddy-replica");
            }
        });
        // the committer's known tail is stale now: it may append (on room alone), but its seal is conditioned on the
        // tail it would write into the page, so it loses the race once, reads the tail and seals the repaired runs
        commit(store(), topic, 18, 1, new ArrayList<>());
        IndexEntry fourth = run(21, 23);
        CommitBatch seal = new CommitBatch(
                List.of(new CommitBatch.PartitionCommit(topic, 0, 21, true, null, fourth, List.of())), Map.of());
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> await(store().commit(seal))))
                .isInstanceOf(io.eddy.core.error.OffsetConflictException.class);
        MetadataStore.Committed sealed = await(store().commit(seal));
        assertThat(sealed.items()).as("items").isEqualTo(2);
        assertThat(sealed.writeUnits())
                .as("consumed capacity, as DynamoDB (Local) reports it")
                .isPositive();
        assertThat(tail(topic)).isEmpty();
        assertThat(await(store().entryAtOrBefore(topic, 0, 12))).contains(tailMoved);
        assertThat(await(store().entryAtOrBefore(topic, 0, 15)).orElseThrow().buckets())
                .containsExactly("eddy-pages", "eddy-replica");
    }

    @Test
    void truncationDropsRunsFromPagesAndFromTheTail() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = commit(topic, 6); // page [0, 12), tail [12, 15), [15, 18)
        JobLease lease = lease();

        assertThat(await(compaction().truncate(topic, 0, 6, runs.subList(0, 2), lease)))
                .isTrue();
        assertThat(all(topic)).containsExactlyElementsOf(runs.subList(2, 6));
        assertThat(indexKeys(topic))
                .as("the page is keyed by its first run left")
                .containsExactly(DynamoKeys.entry(6));

        assertThat(await(compaction().truncate(topic, 0, 15, runs.subList(2, 5), lease)))
                .isTrue();
        assertThat(all(topic)).containsExactly(runs.get(5));
        assertThat(indexKeys(topic)).isEmpty();
        assertThat(tail(topic)).containsExactly(runs.get(5));
        assertThat(await(store().heads(topic, List.of(0))).get(0).logStartOffset())
                .isEqualTo(15);
    }

    @Test
    void theIndexScanSeesRunsInTailsAndPages() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = commit(topic, 6);

        List<IndexEntry> scanned = await(compaction().scanEntries()).stream()
                .filter(s -> s.topicId().equals(topic))
                .map(CompactionStore.ScannedEntry::entry)
                .toList();

        assertThat(scanned).containsExactlyElementsOf(runs);
    }

    @Test
    void theCommitterFindsItsRunInTheTailAfterAnUnknownOutcome() {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = commit(topic, 2);

        // what Committer.committedAnyway asks: the entry at the expected offset, pointing at our object
        assertThat(await(store().entryAtOrBefore(topic, 0, runs.get(1).baseOffset())))
                .contains(runs.get(1));
    }

    @Test
    void aFullHeadAndAFullPageStayUnderOneKilobyte() {
        // a commit's runs (a segment key, one bucket): 3 in a tail, 4 in a page
        fullHeadAndPageUnderOneKilobyte("segments/ff/01JXXXXXXXXXXXXXXXXXXXXXXX.seg", 1, DynamoRuns.TAIL_RUNS);
        // repaired or merged runs (a per-partition key, two buckets): fewer fit, by bytes
        fullHeadAndPageUnderOneKilobyte(
                "partitions/" + UUID.randomUUID() + "/99999/00000000000000000000-01JXXXXXXXXXXXXXXXXXXXXXXX.seg", 2, 2);
    }

    private static void fullHeadAndPageUnderOneKilobyte(String objectKey, int buckets, int tailRuns) {
        UUID topic = UUID.randomUUID();
        List<IndexEntry> runs = new ArrayList<>();
        long base = 1_000_000_000_000L;
        for (int i = 0; i < DynamoRuns.PAGE_RUNS; i++) {
            runs.add(new IndexEntry(
                    base,
                    base + 999_999,
                    objectKey,
                    Integer.MAX_VALUE,
                    Integer.MAX_VALUE,
                    Long.MAX_VALUE,
                    Integer.MIN_VALUE,
                    java.util.stream.IntStream.range(0, buckets)
                            .mapToObj(b -> "eddy-data-" + b + "-000000000000-eu-west-1-abcdefgh")
                            .toList()));
            base += 1_000_000;
        }
        List<IndexEntry> tail = new ArrayList<>();
        for (IndexEntry e : runs) {
            List<IndexEntry> grown = new ArrayList<>(tail);
            grown.add(e);
            if (DynamoRuns.fitTail(grown)) {
                tail = grown;
            }
        }
        assertThat(tail).as("a full tail of such runs").hasSize(tailRuns);
        Map<String, AttributeValue> head = new HashMap<>();
        head.put(DynamoKeys.PK, AttributeValue.fromS(DynamoKeys.partition(topic, 99_999)));
        head.put(DynamoKeys.SK, AttributeValue.fromS(DynamoKeys.HEAD));
        for (String n :
                List.of("nextOffset", "logStartOffset", "leaseEpoch", "leaseExpiresAt", "sizeBytes", "sizeFrom")) {
            head.put(n, AttributeValue.fromN(Long.toString(Long.MAX_VALUE)));
        }
        head.put("leaseOwner", AttributeValue.fromS("eddy-" + UUID.randomUUID()));
        head.put(DynamoRuns.TAIL, DynamoRuns.list(tail));
        head.put(DynamoRuns.TAIL_SIZE, AttributeValue.fromN(Integer.toString(DynamoRuns.size(tail))));
        Map<String, AttributeValue> page =
                DynamoRuns.pageItem(DynamoRuns.pages(runs).get(0));
        page.put(DynamoKeys.PK, AttributeValue.fromS(DynamoKeys.partition(topic, 99_999)));
        page.put(DynamoKeys.SK, AttributeValue.fromS(DynamoKeys.entry(Long.MAX_VALUE)));

        for (Map<String, AttributeValue> item : List.of(head, page)) {
            // DynamoDB counts a plain write 1 unit per started KB: 1.0 means the item is at most 1 KB
            double units = await(Uni.createFrom()
                            .completionStage(() -> eddy.dynamo()
                                    .putItem(b -> b.tableName(eddy.table())
                                            .item(item)
                                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL))))
                    .consumedCapacity()
                    .capacityUnits();
            assertThat(units)
                    .as("write units of %s", item.get(DynamoKeys.SK).s())
                    .isEqualTo(1.0);
        }
    }
}
