package io.eddy.core.compact;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.cache.BlockCache;
import io.eddy.core.cache.IndexCache;
import io.eddy.core.fetch.FetchRequest;
import io.eddy.core.fetch.ReadCaches;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.support.AsyncLimiter;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A merge keeps each index entry's chunk small, so a read costs about what it returns, not the merged object. */
@ExtendWith(EddyStackExtension.class)
class MergedEntrySizeTest {
    private static final int BLOCK = 1 << 20;
    private static final int RECORDS_PER_SEGMENT = 25;
    private static final int VALUE_BYTES = 100_000;

    @Test
    void aFetchOfOneRecordFromAMergedObjectReadsAboutOneEntryNotTheWholeMerge(EddyStack stack) {
        try (CoreInstance eddy = CoreInstance.on(stack).start().ensureResources()) {
            Topic topic = await(eddy.topics().create("merged-" + UUID.randomUUID(), 1, Map.of("retention.ms", -1)));
            String name = topic.name().value();
            // given: eight segments of ~2.5 MB, one tier under CompactorTest's policy: merged into one ~20 MB object
            for (int s = 0; s < 8; s++) {
                int segment = s;
                await(eddy.produce()
                        .produce(
                                name,
                                Produce.request(IntStream.range(0, RECORDS_PER_SEGMENT)
                                        .mapToObj(i ->
                                                entry(0, null, segment + "-" + i + "-" + "x".repeat(VALUE_BYTES), 1L))
                                        .toList())));
            }
            await(eddy.compactor(CompactorTest.POLICY)
                    .run(new Compactor.Options(false, false, false, name), CompactorTest.quiet()));
            List<IndexEntry> entries = await(eddy.metadata().entriesFrom(topic.id(), 0, 0, 100));
            assertThat(entries.stream().map(IndexEntry::objectKey).distinct())
                    .as("merged into one object")
                    .hasSize(1);
            assertThat(entries.stream().mapToLong(IndexEntry::length).sum())
                    .isGreaterThan(2 * CompactionExecutor.MERGED_ENTRY_BYTES);

            // when: one record is read from the middle, through a cold cache of 1 MiB blocks without read-ahead
            ReadCaches caches = new ReadCaches(
                    new BlockCache(64L << 20, BLOCK, Optional.empty()),
                    new IndexCache(100, 64),
                    new AsyncLimiter("tail", 4),
                    new AsyncLimiter("catch-up", 4),
                    0,
                    4L << 20);
            long offset = 4L * RECORDS_PER_SEGMENT + 3;
            List<Record> read = await(eddy.fetchThrough(caches)
                            .fetch(new FetchRequest(name, 0, offset, 1, 1 << 20, Duration.ZERO)))
                    .records();

            // then: it reads one capped entry (and the blocks it straddles), not the whole merge
            assertThat(read).hasSize(1);
            assertThat(Produce.text(read.get(0).value())).startsWith("4-3-");
            assertThat(caches.blocks().storageBytes())
                    .isLessThanOrEqualTo(CompactionExecutor.MERGED_ENTRY_BYTES + 2L * BLOCK);
            assertThat(entries)
                    .allSatisfy(e ->
                            assertThat((long) e.length()).isLessThanOrEqualTo(CompactionExecutor.MERGED_ENTRY_BYTES));
        }
    }
}
