package io.eddy.core.fetch;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.cache.BlockCache;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.produce.QueueLimits;
import io.eddy.core.produce.RecordOffset;
import io.eddy.core.storage.s3.S3RequestCounter;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The S3 tier (a memory tier of 0 bytes) read by a consumer per partition, against the stand-ins, counting the
 * GETs the SDK really sends: the partitions of a segment share its block GETs through the recent blocks.
 */
@ExtendWith(EddyStackExtension.class)
class SharedBlockReadsTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final int BLOCK = BlockCache.DEFAULT_BLOCK_BYTES;
    private static final int PARTITIONS = 6;
    private static final int VALUE_BYTES = 1_000;
    /** A consumer's fetch: small, so each partition takes many fetches and the consumers drift apart. */
    private static final int FETCH_BYTES = 256 << 10;

    /** What the load wrote: the index entries of every partition. */
    private record Layout(String topic, List<List<IndexEntry>> entries) {
        long records(int partition) {
            List<IndexEntry> p = entries.get(partition);
            return p.get(p.size() - 1).lastOffset() + 1;
        }

        /** Bytes of all chunks: what the consumers are served from S3, at the least. */
        long chunkBytes() {
            return entries.stream()
                    .flatMap(List::stream)
                    .mapToLong(IndexEntry::length)
                    .sum();
        }

        /** Blocks holding chunks, over all objects: one GET each at most is the goal. */
        long blocks() {
            Map<String, Long> ends = new HashMap<>();
            entries.stream()
                    .flatMap(List::stream)
                    .forEach(e -> ends.merge(e.objectKey(), e.position() + e.length(), Math::max));
            return ends.values().stream()
                    .mapToLong(end -> (end - 1) / BLOCK + 1)
                    .sum();
        }

        /** Objects read by each partition, summed: the GETs of consumers that share nothing, at the least. */
        long partitionObjects() {
            return entries.stream()
                    .mapToLong(p ->
                            p.stream().map(IndexEntry::objectKey).distinct().count())
                    .sum();
        }

        long objects() {
            return entries.stream()
                    .flatMap(List::stream)
                    .map(IndexEntry::objectKey)
                    .distinct()
                    .count();
        }
    }

    private static CoreInstance eddy(EddyStack stack, S3RequestCounter s3) {
        // the 24 MB below are sent at once: more than a lane holds by default
        return CoreInstance.on(stack)
                .s3Interceptor(s3)
                .groupCommit(Duration.ofMillis(20), 8 << 20)
                .queueLimits(new QueueLimits(128L << 20, 256L << 20))
                .start()
                .ensureResources();
    }

    /** 80 concurrent requests of 50 records of 1,000 B to every partition: segments shared by all partitions. */
    private static Layout load(CoreInstance eddy) {
        Topic topic = await(eddy.topics().create("shared-" + UUID.randomUUID(), PARTITIONS, Map.of()));
        String name = topic.name().value();
        List<Uni<List<RecordOffset>>> writes = new ArrayList<>();
        for (int r = 0; r < 80; r++) {
            List<ProduceRequest.Entry> entries = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < 50; i++) {
                    byte[] value = new byte[VALUE_BYTES];
                    value[0] = (byte) r;
                    value[1] = (byte) i;
                    entries.add(Produce.entry(p, new Record(-1, T0, null, value, List.of())));
                }
            }
            writes.add(eddy.produce().produce(name, new ProduceRequest(entries, false)));
        }
        Uni.join().all(writes).andFailFast().await().atMost(Duration.ofMinutes(2));
        List<List<IndexEntry>> entries = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            entries.add(await(eddy.metadata().entriesFrom(topic.id(), p, 0, 10_000)));
        }
        return new Layout(name, entries);
    }

    /** Reads one partition in full, fetch after fetch; returns the records read. */
    private static long consume(FetchService fetch, String topic, int partition) {
        long offset = 0;
        long records = 0;
        while (true) {
            FetchResult r = await(fetch.fetch(new FetchRequest(
                    topic, partition, offset, FetchRequest.MAX_MAX_RECORDS, FETCH_BYTES, Duration.ZERO)));
            for (Record record : r.records()) {
                assertThat(record.offset()).as("contiguous offsets").isEqualTo(records++);
            }
            offset = r.nextOffset();
            if (offset >= r.highWatermark()) {
                return records;
            }
        }
    }

    private static FetchService s3Tier(CoreInstance eddy, long recentBytes) {
        return eddy.fetchThrough(ReadCaches.over(new BlockCache(0, recentBytes, BLOCK, Optional.empty())));
    }

    private static void report(String what, Layout layout, long gets, BlockCache blocks) {
        System.out.printf(
                "%s: %d objects, %d blocks, %d GETs (%.0f per GiB), %d bytes from S3 for %d chunk bytes (%.3f B/B),"
                        + " %d recent hits%n",
                what,
                layout.objects(),
                layout.blocks(),
                gets,
                gets / (layout.chunkBytes() / (double) (1L << 30)),
                blocks.storageBytes(),
                layout.chunkBytes(),
                blocks.storageBytes() / (double) layout.chunkBytes(),
                blocks.recentHits());
    }

    @Test
    void concurrentConsumersOfThePartitionsOfASegmentShareItsGets(EddyStack stack) throws Exception {
        S3RequestCounter s3 = new S3RequestCounter();
        try (CoreInstance eddy = eddy(stack, s3)) {
            Layout layout = load(eddy);
            FetchService fetch = s3Tier(eddy, BlockCache.DEFAULT_RECENT_BYTES);
            BlockCache blocks = fetch.caches().blocks();
            long getsBefore = s3.count("GetObject");

            // when: a consumer per partition, all at once
            ExecutorService consumers = Executors.newFixedThreadPool(PARTITIONS);
            try {
                List<CompletableFuture<Long>> reads = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    int partition = p;
                    reads.add(
                            CompletableFuture.supplyAsync(() -> consume(fetch, layout.topic(), partition), consumers));
                }
                // then: every record, with one GET per block, not one per block and partition
                for (int p = 0; p < PARTITIONS; p++) {
                    assertThat(reads.get(p).get()).isEqualTo(layout.records(p));
                }
            } finally {
                consumers.shutdownNow();
            }
            long gets = s3.count("GetObject") - getsBefore;
            report("6 concurrent consumers", layout, gets, blocks);
            assertThat(layout.partitionObjects())
                    .as("segments shared by the partitions")
                    .isGreaterThan(3 * layout.objects());
            assertThat(gets).isEqualTo(blocks.storageGets());
            assertThat((double) gets).isLessThanOrEqualTo(1.1 * layout.blocks());
            assertThat(blocks.storageBytes() / (double) layout.chunkBytes()).isLessThanOrEqualTo(1.1);
            assertThat(blocks.bytes())
                    .as("the memory tier of 0 bytes keeps nothing")
                    .isZero();
        }
    }

    @Test
    void aConsumerComingAfterAnotherFindsTheSegmentsBlocksWhileTheyAreRecent(EddyStack stack) {
        S3RequestCounter s3 = new S3RequestCounter();
        try (CoreInstance eddy = eddy(stack, s3)) {
            Layout layout = load(eddy);
            FetchService shared = s3Tier(eddy, 64L << 20);
            FetchService alone = s3Tier(eddy, 0);

            // when: the partitions read one after another, with and without recent blocks
            long before = s3.count("GetObject");
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(consume(shared, layout.topic(), p)).isEqualTo(layout.records(p));
            }
            long sharedGets = s3.count("GetObject") - before;
            before = s3.count("GetObject");
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(consume(alone, layout.topic(), p)).isEqualTo(layout.records(p));
            }
            long aloneGets = s3.count("GetObject") - before;

            // then: with them, each block once; without, each partition GETs its blocks itself
            report(
                    "partitions one after another, recent blocks",
                    layout,
                    sharedGets,
                    shared.caches().blocks());
            report(
                    "partitions one after another, none",
                    layout,
                    aloneGets,
                    alone.caches().blocks());
            assertThat((double) sharedGets).isLessThanOrEqualTo(1.1 * layout.blocks());
            assertThat(shared.caches().blocks().storageBytes() / (double) layout.chunkBytes())
                    .isLessThanOrEqualTo(1.1);
            assertThat(aloneGets).isGreaterThanOrEqualTo(layout.partitionObjects());
        }
    }
}
