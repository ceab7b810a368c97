package io.eddy.core.fetch;

import static io.eddy.core.fixtures.CoreInstance.await;
import static io.eddy.core.fixtures.Produce.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.cache.BlockCache;
import io.eddy.core.cache.DiskBlockStore;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.fixtures.Produce;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.produce.ProduceRequest;
import io.eddy.core.produce.QueueLimits;
import io.eddy.core.produce.RecordOffset;
import io.eddy.core.storage.s3.S3RequestCounter;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The read path's cache tiers against the stand-ins, counting the S3 GETs the SDK really sends. */
@ExtendWith(EddyStackExtension.class)
class ReadTiersTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final int BLOCK = BlockCache.DEFAULT_BLOCK_BYTES;

    private static Topic topic(CoreInstance eddy) {
        return await(eddy.topics().create("tiers-" + UUID.randomUUID(), 1, Map.of()));
    }

    private static List<Record> readAll(FetchService fetch, String topic) {
        List<Record> out = new ArrayList<>();
        long offset = 0;
        while (true) {
            FetchResult r = await(fetch.fetch(new FetchRequest(
                    topic, 0, offset, FetchRequest.MAX_MAX_RECORDS, FetchRequest.MAX_MAX_BYTES, Duration.ZERO)));
            out.addAll(r.records());
            offset = r.nextOffset();
            if (offset >= r.highWatermark()) {
                return out;
            }
        }
    }

    private static void produceSmall(CoreInstance eddy, String topic, int requests) {
        for (int i = 0; i < requests; i++) {
            await(eddy.produce().produce(topic, Produce.request(entry(0, null, "v" + i, T0))));
        }
    }

    @Test
    void aCatchUpReadOf100MbMakesFewLargeGets(EddyStack stack) {
        S3RequestCounter s3 = new S3RequestCounter();
        // the 100 MB below are sent all at once: more than a lane holds by default (that would be 429 throttled)
        try (CoreInstance eddy = CoreInstance.on(stack)
                .s3Interceptor(s3)
                .groupCommit(Duration.ofMillis(20), 8 << 20)
                .queueLimits(new QueueLimits(128L << 20, 256L << 20))
                .start()
                .ensureResources()) {
            String name = topic(eddy).name().value();
            // 100 produce requests of 1 MB (4 records of 250,000 bytes), concurrent, so they share segments as in a
            // server
            int requests = 100;
            int valueBytes = 250_000;
            List<Uni<List<RecordOffset>>> writes = new ArrayList<>();
            for (int r = 0; r < requests; r++) {
                byte[] value = new byte[valueBytes];
                Arrays.fill(value, (byte) r);
                writes.add(eddy.produce()
                        .produce(
                                name,
                                new ProduceRequest(
                                        IntStream.range(0, 4)
                                                .mapToObj(i -> entry(0, new Record(-1, T0, null, value, List.of())))
                                                .toList(),
                                        false)));
            }
            Uni.join().all(writes).andFailFast().await().atMost(Duration.ofMinutes(2));
            long written = (long) requests * 4 * valueBytes;

            FetchService cold = eddy.coldFetch();
            long getsBefore = s3.count("GetObject");
            List<Record> read = readAll(cold, name);
            long gets = s3.count("GetObject") - getsBefore;

            assertThat(read).hasSize(requests * 4);
            assertThat(read)
                    .extracting(Record::offset)
                    .containsExactlyElementsOf(IntStream.range(0, requests * 4)
                            .mapToObj(i -> (long) i)
                            .toList());
            long blocks = (written + BLOCK - 1) / BLOCK;
            System.out.printf(
                    "catch-up read of %d bytes: %d GETs, %d bytes from S3 (bound %.1f)%n",
                    written, gets, cold.caches().blocks().storageBytes(), 1.1 * blocks);
            assertThat((double) gets).isLessThanOrEqualTo(1.1 * blocks);
            assertThat(cold.caches().blocks().storageGets()).isEqualTo(gets);
        }
    }

    @Test
    void afterARestartTheDiskTierServesWithoutGets(EddyStack stack, @TempDir Path dir) {
        S3RequestCounter s3 = new S3RequestCounter();
        try (CoreInstance eddy =
                CoreInstance.on(stack).s3Interceptor(s3).start().ensureResources()) {
            String name = topic(eddy).name().value();
            produceSmall(eddy, name, 5);
            List<Record> first;
            try (BlockCache blocks = new BlockCache(64 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 64 << 20)))) {
                first = readAll(eddy.fetchThrough(ReadCaches.over(blocks)), name);
            }
            long getsBefore = s3.count("GetObject");

            // a new process: nothing in memory, the same cache directory
            try (BlockCache blocks = new BlockCache(64 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 64 << 20)))) {
                List<Record> again = readAll(eddy.fetchThrough(ReadCaches.over(blocks)), name);

                assertThat(again).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(first);
                assertThat(s3.count("GetObject")).isEqualTo(getsBefore);
                assertThat(blocks.disk().orElseThrow().hits()).isEqualTo(5);
            }
        }
    }

    @Test
    void aCorruptedDiskCacheFileIsDetectedAndItsBlockReadAgainFromS3(EddyStack stack, @TempDir Path dir)
            throws IOException {
        S3RequestCounter s3 = new S3RequestCounter();
        try (CoreInstance eddy =
                CoreInstance.on(stack).s3Interceptor(s3).start().ensureResources()) {
            String name = topic(eddy).name().value();
            produceSmall(eddy, name, 3);
            List<Record> first;
            try (BlockCache blocks = new BlockCache(64 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 64 << 20)))) {
                first = readAll(eddy.fetchThrough(ReadCaches.over(blocks)), name);
            }
            Path victim;
            try (Stream<Path> files = Files.list(dir)) {
                victim = files.filter(p -> p.toString().endsWith(".blk"))
                        .findFirst()
                        .orElseThrow();
            }
            byte[] bytes = Files.readAllBytes(victim);
            bytes[bytes.length - 3] ^= 0x20; // one flipped bit in the block's content
            Files.write(victim, bytes);
            long getsBefore = s3.count("GetObject");

            try (BlockCache blocks = new BlockCache(64 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 64 << 20)))) {
                List<Record> again = readAll(eddy.fetchThrough(ReadCaches.over(blocks)), name);

                assertThat(again).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(first);
                assertThat(blocks.disk().orElseThrow().corrupt()).isEqualTo(1);
                assertThat(s3.count("GetObject") - getsBefore)
                        .as("only the corrupt block is read again")
                        .isEqualTo(1);
            }
            try (BlockCache blocks = new BlockCache(64 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 64 << 20)))) {
                readAll(eddy.fetchThrough(ReadCaches.over(blocks)), name);
                assertThat(blocks.disk().orElseThrow().corrupt())
                        .as("the file was rewritten whole")
                        .isZero();
            }
        }
    }

    @Test
    void concurrentReadersOfOneColdBlockCauseOneGet(EddyStack stack) {
        S3RequestCounter s3 = new S3RequestCounter();
        try (CoreInstance eddy =
                CoreInstance.on(stack).s3Interceptor(s3).start().ensureResources()) {
            String name = topic(eddy).name().value();
            await(eddy.produce()
                    .produce(
                            name,
                            Produce.request(IntStream.range(0, 50)
                                    .mapToObj(i -> entry(0, null, "v" + i, T0))
                                    .toList())));
            FetchService cold = eddy.coldFetch();
            long getsBefore = s3.count("GetObject");

            List<CompletableFuture<FetchResult>> readers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                readers.add(cold.fetch(new FetchRequest(name, 0, i, 100, 1 << 20, Duration.ZERO))
                        .subscribeAsCompletionStage());
            }

            for (int i = 0; i < readers.size(); i++) {
                assertThat(readers.get(i).join().records()).hasSize(50 - i);
            }
            assertThat(s3.count("GetObject") - getsBefore).isEqualTo(1);
            System.out.printf(
                    "10 concurrent cold readers: 1 GET, %d joined the load, %d memory hits%n",
                    cold.caches().blocks().joined(), cold.caches().blocks().hits());
        }
    }
}
