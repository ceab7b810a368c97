package io.eddy.core.fetch;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.cache.IndexCache;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.storage.dynamo.DynamoRequestCounter;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a fetch costs in DynamoDB calls, counted as the SDK sends them, and read-after-ack across two processes
 * sharing the stand-ins: a fetch reads the partition head only at the high watermark this process knows.
 */
@ExtendWith(EddyStackExtension.class)
class FetchCallsTest {
    private static final Duration NO_WAIT = Duration.ZERO;
    /** As the server caches topics (so a fetch's topic lookup is no DynamoDB call either, within a second). */
    private static final Duration SERVER_TOPIC_CACHE = Duration.ofMinutes(1);

    private static String topic(CoreInstance eddy, int partitions) {
        return await(eddy.topics().create("calls-" + UUID.randomUUID(), partitions, Map.of()))
                .name()
                .value();
    }

    /** An instance whose every DynamoDB request {@code calls} counts, caching topics as the server does. */
    private static CoreInstance counted(EddyStack stack, DynamoRequestCounter calls) {
        return CoreInstance.on(stack)
                .dynamoInterceptor(calls)
                .topicCacheTtl(SERVER_TOPIC_CACHE)
                .start()
                .ensureResources();
    }

    private static FetchRequest from(String topic, long offset) {
        return new FetchRequest(topic, 0, offset, Integer.MAX_VALUE, 1 << 20, NO_WAIT);
    }

    @Test
    void aRecordAckedByOneProcessIsInTheNextFetchOnAnother(EddyStack stack) {
        try (CoreInstance a = CoreInstance.on(stack).start().ensureResources();
                CoreInstance b = CoreInstance.on(stack).start()) {
            String name = topic(a, 1);
            await(a.produce().produce(name, Produce.request(entry(0, null, "first", 1L))));
            // b reads to the end: it now knows the head at offset 1
            assertThat(await(b.fetch().fetchBatches(from(name, 0))).nextOffset())
                    .isEqualTo(1);

            for (int i = 0; i < 5; i++) {
                await(a.produce().produce(name, Produce.request(entry(0, null, "acked-" + i, 1L))));

                // right after the ack, no wait: b's fetch at what it knew as the end sees the record
                FetchResult read = await(b.fetch().fetch(new FetchRequest(name, 0, 1 + i, 100, 1 << 20, NO_WAIT)));
                assertThat(read.records())
                        .extracting(r -> Produce.text(r.value()))
                        .containsExactly("acked-" + i);
                List<PartitionOutcome<BatchFetchResult>> many = await(b.fetch()
                        .fetchManyBatches(List.of(new PartitionFetch(name, 0, 1 + i, 1 << 20)), NO_WAIT, 0, 1 << 20));
                assertThat(many.get(0).result().nextOffset()).isEqualTo(2 + i);
            }
        }
    }

    @Test
    void anotherProcessesAckIsBelowTheHighWatermarkOnceTheKnownOneIsAHeadPollIntervalOld(EddyStack stack) {
        Duration interval = Duration.ofMillis(250);
        AtomicLong nanos = new AtomicLong(); // when b's known heads were confirmed, as b's index cache tells time
        try (CoreInstance a = CoreInstance.on(stack).start().ensureResources();
                CoreInstance b =
                        CoreInstance.on(stack).headPollInterval(interval).start()) {
            FetchService reader = b.fetchThrough(ReadCaches.inMemory(64L << 20)
                    .withIndex(new IndexCache(10_000, 128, IndexCache.DEFAULT_TTL, nanos::get)));
            String name = topic(a, 1);
            await(a.produce().produce(name, Produce.request(entry(0, null, "first", 1L))));
            assertThat(await(reader.fetchBatches(from(name, 0))).highWatermark())
                    .as("b read the head")
                    .isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                await(a.produce().produce(name, Produce.request(entry(0, null, "acked-" + i, 1L))));
            }

            // within one interval of b's head read, a read of what b knows reports what b knows
            FetchResult within = await(reader.fetch(new FetchRequest(name, 0, 0, 100, 1 << 20, NO_WAIT)));
            assertThat(within.records())
                    .extracting(r -> Produce.text(r.value()))
                    .containsExactly("first");
            assertThat(within.highWatermark()).isEqualTo(1);

            // later, a read that reaches it reports the head as stored: a's acks are below its high watermark
            nanos.addAndGet(interval.toNanos() + 1);
            FetchResult later = await(reader.fetch(new FetchRequest(name, 0, 0, 100, 1 << 20, NO_WAIT)));
            assertThat(later.records()).extracting(r -> Produce.text(r.value())).containsExactly("first");
            assertThat(later.highWatermark()).isEqualTo(4);

            // and so does a multi-partition fetch
            await(a.produce().produce(name, Produce.request(entry(0, null, "acked-3", 1L))));
            nanos.addAndGet(interval.toNanos() + 1);
            List<PartitionOutcome<BatchFetchResult>> many = await(
                    reader.fetchManyBatches(List.of(new PartitionFetch(name, 0, 0, 1 << 20)), NO_WAIT, 0, 1 << 20));
            assertThat(many.get(0).result().nextOffset()).isEqualTo(4);
            assertThat(many.get(0).result().highWatermark()).isEqualTo(5);
        }
    }

    @Test
    void aWaitingFetchAtTheEndReadsNoHeadWhileThisProcessesCommitsKeepItConfirmed(EddyStack stack) {
        DynamoRequestCounter calls = new DynamoRequestCounter();
        try (CoreInstance eddy = CoreInstance.on(stack)
                .leases("tail", Duration.ofMinutes(1)) // commits under the lease read no head either
                .dynamoInterceptor(calls)
                .topicCacheTtl(SERVER_TOPIC_CACHE)
                .start()
                .ensureResources()) {
            // a clock that stands still: every known head is as fresh as its last confirmation
            FetchService reader = eddy.fetchThrough(ReadCaches.inMemory(64L << 20)
                    .withIndex(new IndexCache(10_000, 128, IndexCache.DEFAULT_TTL, () -> 0L)));
            String name = topic(eddy, 1);
            await(eddy.produce().produce(name, Produce.request(entry(0, null, "start", 1L))));
            assertThat(await(reader.fetchBatches(from(name, 0))).nextOffset()).isEqualTo(1);

            long before = calls.count("BatchGetItem") + calls.count("Query") + calls.count("GetItem");
            long next = 1;
            for (int i = 0; i < 30; i++) {
                // a consumer at the end waits (as Kafka's do, fetch.max.wait.ms) and the next record comes
                CompletableFuture<BatchFetchResult> waiting = reader.fetchBatches(
                                new FetchRequest(name, 0, next, Integer.MAX_VALUE, 1 << 20, Duration.ofSeconds(20)))
                        .subscribeAsCompletionStage();
                await(eddy.produce().produce(name, Produce.request(entry(0, null, "tail-" + i, 1L))));
                assertThat(waiting.join().nextOffset()).isEqualTo(next + 1);
                next++;
            }

            // before: a head read by every fetch that found nothing known to read
            assertThat(calls.count("BatchGetItem") + calls.count("Query") + calls.count("GetItem") - before)
                    .as("DynamoDB reads by 30 waiting tail fetches")
                    .isZero();
        }
    }

    @Test
    void aWaitingFetchReadsTheHeadBeforeItWaitsOnceTheKnownEndIsAHeadPollIntervalOld(EddyStack stack) {
        Duration interval = Duration.ofMillis(250);
        AtomicLong nanos = new AtomicLong();
        DynamoRequestCounter calls = new DynamoRequestCounter();
        try (CoreInstance a = CoreInstance.on(stack).start().ensureResources();
                CoreInstance b = CoreInstance.on(stack)
                        .headPollInterval(interval)
                        .dynamoInterceptor(calls)
                        .start()) {
            FetchService reader = b.fetchThrough(ReadCaches.inMemory(64L << 20)
                    .withIndex(new IndexCache(10_000, 128, IndexCache.DEFAULT_TTL, nanos::get)));
            String name = topic(a, 1);
            await(a.produce().produce(name, Produce.request(entry(0, null, "first", 1L))));
            assertThat(await(reader.fetchBatches(from(name, 0))).nextOffset()).isEqualTo(1);
            await(a.produce().produce(name, Produce.request(entry(0, null, "second", 1L))));

            // b's end is an interval old: a fetch that may wait 20 s reads the head first, and has a's record
            nanos.addAndGet(interval.toNanos());
            long before = calls.count("BatchGetItem");
            FetchResult read = reader.fetch(new FetchRequest(name, 0, 1, 100, 1 << 20, FetchRequest.MAX_WAIT))
                    .await()
                    .atMost(FetchRequest.MAX_WAIT.dividedBy(2)); // went by the known end, it would wait it all
            assertThat(read.records()).extracting(r -> Produce.text(r.value())).containsExactly("second");
            assertThat(calls.count("BatchGetItem") - before).isEqualTo(1);
        }
    }

    @Test
    void aMultiPartitionFetchThatAsksForNoBytesReadsTheHeadThoughItMayWait(EddyStack stack) {
        try (CoreInstance a = CoreInstance.on(stack).start().ensureResources();
                CoreInstance b = CoreInstance.on(stack).start()) {
            // a clock that stands still: b's known end stays fresh
            FetchService reader = b.fetchThrough(ReadCaches.inMemory(64L << 20)
                    .withIndex(new IndexCache(10_000, 128, IndexCache.DEFAULT_TTL, () -> 0L)));
            String name = topic(a, 1);
            await(a.produce().produce(name, Produce.request(entry(0, null, "first", 1L))));
            assertThat(await(reader.fetchBatches(from(name, 0))).nextOffset()).isEqualTo(1);
            await(a.produce().produce(name, Produce.request(entry(0, null, "second", 1L))));

            // min_bytes 0 answers at once, so it never waits for b's own commits: it reads the head
            List<PartitionOutcome<BatchFetchResult>> read = await(reader.fetchManyBatches(
                    List.of(new PartitionFetch(name, 0, 1, 1 << 20)), Duration.ofSeconds(5), 0, 1 << 20));

            assertThat(read.get(0).result().nextOffset()).isEqualTo(2);
        }
    }

    @Test
    void tailFetchesOfRecordsThisProcessCommittedMakeNoDynamoCalls(EddyStack stack) {
        DynamoRequestCounter calls = new DynamoRequestCounter();
        try (CoreInstance eddy = counted(stack, calls)) {
            String name = topic(eddy, 1);
            await(eddy.produce().produce(name, Produce.request(entry(0, null, "start", 1L))));
            await(eddy.fetch().fetchBatches(from(name, 0))); // the first read of the partition reads its head

            long fetchCalls = 0;
            long next = 1;
            int fetches = 100;
            for (int i = 0; i < fetches; i++) {
                await(eddy.produce().produce(name, Produce.request(entry(0, null, "tail-" + i, 1L))));
                long before = calls.total();
                BatchFetchResult read = await(eddy.fetch().fetchBatches(from(name, next)));
                fetchCalls += calls.total() - before;
                assertThat(read.nextOffset()).isEqualTo(next + 1);
                next = read.nextOffset();
            }

            // before: a head read on every fetch and an index query for every new entry, 2 calls a fetch
            assertThat((double) fetchCalls / fetches).isLessThanOrEqualTo(0.1);
        }
    }

    @Test
    void aFetchAtTheEndThisProcessKnowsReadsTheHeadOnce(EddyStack stack) {
        DynamoRequestCounter calls = new DynamoRequestCounter();
        try (CoreInstance eddy = counted(stack, calls)) {
            String name = topic(eddy, 1);
            await(eddy.produce().produce(name, Produce.request(entry(0, null, "only", 1L))));
            await(eddy.fetch().fetchBatches(from(name, 0)));

            long before = calls.total();
            BatchFetchResult read = await(eddy.fetch().fetchBatches(from(name, 1)));

            assertThat(read.batches()).isEmpty();
            assertThat(calls.total() - before)
                    .as("the head, to see other processes' commits")
                    .isEqualTo(1);
        }
    }

    @Test
    void aMultiPartitionFetchAtTheEndReadsItsTopicsHeadsInOneCall(EddyStack stack) {
        DynamoRequestCounter calls = new DynamoRequestCounter();
        try (CoreInstance eddy = counted(stack, calls)) {
            int partitions = 6;
            String name = topic(eddy, partitions);
            List<PartitionFetch> atTheEnd = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                await(eddy.produce().produce(name, Produce.request(entry(p, null, "only-" + p, 1L))));
                atTheEnd.add(new PartitionFetch(name, p, 1, 1 << 20));
            }

            long before = calls.total();
            List<PartitionOutcome<BatchFetchResult>> read =
                    await(eddy.fetch().fetchManyBatches(atTheEnd, NO_WAIT, 0, 1 << 20));

            assertThat(read)
                    .allSatisfy(o -> assertThat(o.result().highWatermark()).isEqualTo(1));
            // before: one head read per partition
            assertThat(calls.total() - before).as("DynamoDB calls").isEqualTo(1);
        }
    }

    @Test
    void aCatchUpReadCostsAnIndexQueryPer64EntriesAtMost(EddyStack stack) {
        DynamoRequestCounter calls = new DynamoRequestCounter();
        try (CoreInstance eddy = counted(stack, calls)) {
            String name = topic(eddy, 1);
            int entries = 160;
            for (int i = 0; i < entries; i++) { // one produce, one commit, one index entry each
                await(eddy.produce().produce(name, Produce.request(entry(0, null, i + "-" + "x".repeat(200), 1L))));
            }
            FetchService reader = eddy.coldFetch(); // a process of its own caches: a new consumer group replaying
            long queriesBefore = calls.count("Query");
            long before = calls.total();

            long next = 0;
            int fetches = 0;
            while (next < entries) {
                // about one entry a fetch: the index walk goes on from fetch to fetch
                next = await(reader.fetchBatches(new FetchRequest(name, 0, next, Integer.MAX_VALUE, 300, NO_WAIT)))
                        .nextOffset();
                fetches++;
            }

            assertThat(fetches).isEqualTo(entries);
            assertThat(calls.count("Query") - queriesBefore).isLessThanOrEqualTo(entries / 64);
            assertThat((double) (calls.total() - before) / fetches).isLessThanOrEqualTo(0.1);
        }
    }
}
