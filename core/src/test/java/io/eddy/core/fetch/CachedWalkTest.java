package io.eddy.core.fetch;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.cache.IndexCache;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A read whose every index entry and chunk is cached makes no call that completes later on another thread: each
 * step of its walk completes at once, on the thread that started the read. The walk must then take the same stack
 * for thousands of entries as for one. Found by ChaosScenariosIT once the index cache kept 4,096 entries a partition:
 * the final read of a partition of ~450 one-record entries, all cached, overflowed the server's stack (a 500, or no
 * answer at all when the error was lost on the way) on every attempt until the entries expired two minutes later and
 * a DynamoDB query in the walk broke the chain. With 128 entries a partition a query came at least every 128 entries.
 */
@ExtendWith(EddyStackExtension.class)
class CachedWalkTest {
    private static final long T0 = 1_764_000_000_000L;
    /** As many entries as the index cache keeps of one partition by default once it times them one by one. */
    private static final int ENTRIES = 4_096;
    /** The stack the reads run on: a few times what one entry's read needs, far less than 4,096 entries' worth. */
    private static final long STACK_BYTES = 512 * 1024;

    @Test
    void aReadOfThousandsOfCachedEntriesCompletesOnASmallStack(EddyStack stack) throws Exception {
        try (CoreInstance eddy = CoreInstance.on(stack)
                .topicCacheTtl(Duration.ofMinutes(1)) // as the server does: the topic is no DynamoDB call either
                .start()
                .ensureResources()) {
            Topic topic = await(eddy.topics().create("walk-" + UUID.randomUUID(), 1, Map.of()));
            String name = topic.name().value();
            await(eddy.produce().produce(name, Produce.request(entry(0, null, "r", T0))));
            IndexCache index = new IndexCache(10, ENTRIES);
            FetchService reader =
                    eddy.fetchThrough(ReadCaches.inMemory(64L << 20).withIndex(index));
            // the reader knows the topic, the head, the entry at offset 0 and its chunk (in its memory tier)
            assertThat(await(reader.fetch(request(name, 0))).records()).hasSize(1);
            IndexEntry first = index.covering(topic.id(), 0, 0).orElseThrow();

            // given: this process committed thousands of one-record entries after it, as a producer sending one
            // record at a time does; they share the first's chunk (a chunk's offsets are its entry's), so each is
            // cached as a commit leaves it, with its chunk in memory
            for (long base = 1; base < ENTRIES; base++) {
                eddy.signals()
                        .committed(
                                topic.id(),
                                0,
                                new IndexEntry(
                                        base,
                                        base,
                                        first.objectKey(),
                                        first.position(),
                                        first.length(),
                                        first.maxTimestamp(),
                                        first.crc32c(),
                                        first.buckets()));
            }

            // when: one read takes them all, on a small stack
            FetchResult records = onSmallStack(reader.fetch(request(name, 0)));
            BatchFetchResult batches = onSmallStack(reader.fetchBatches(request(name, 0)));

            // then: every record, in order
            assertThat(records.records()).extracting(Record::offset).containsExactlyElementsOf(offsets());
            assertThat(records.nextOffset()).isEqualTo(ENTRIES);
            assertThat(batches.nextOffset()).isEqualTo(ENTRIES);
            assertThat(batches.batches()).hasSize(ENTRIES);
        }
    }

    private static FetchRequest request(String topic, long offset) {
        return new FetchRequest(
                topic, 0, offset, FetchRequest.MAX_MAX_RECORDS, FetchRequest.MAX_MAX_BYTES, Duration.ZERO);
    }

    private static List<Long> offsets() {
        return LongStream.range(0, ENTRIES).boxed().toList();
    }

    /** {@code read}'s item, subscribed to on a thread of {@link #STACK_BYTES} of stack. */
    private static <T> T onSmallStack(Uni<T> read) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread reading = new Thread(
                null,
                () -> read.subscribe().with(result::complete, result::completeExceptionally),
                "small-stack-read",
                STACK_BYTES);
        reading.setUncaughtExceptionHandler((t, e) -> result.completeExceptionally(e));
        reading.start();
        return result.get(30, TimeUnit.SECONDS);
    }
}
