package io.eddy.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.CorruptSegmentException;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockCacheTest {
    private static final Duration AWAIT = Duration.ofSeconds(10);
    private static final String KEY = "segments/ab/01J0000000000000000000000.seg";
    private static final int BLOCK = 100;

    /** An object in a store that records each ranged read it serves; truncated past the end, as S3 does. */
    private static final class Store implements BlockCache.BlockSource {
        final byte[] object;
        final List<long[]> reads = new CopyOnWriteArrayList<>();

        Store(int size) {
            object = new byte[size];
            new Random(size).nextBytes(object);
        }

        @Override
        public Uni<byte[]> read(long position, int maxLength) {
            reads.add(new long[] {position, maxLength});
            return Uni.createFrom().item(Arrays.copyOfRange(object, (int) position, (int)
                    Math.min(object.length, position + maxLength)));
        }

        byte[] range(long position, int length) {
            return Arrays.copyOfRange(object, (int) position, (int) position + length);
        }
    }

    private static byte[] read(BlockCache cache, long position, int length, int readAhead, BlockCache.BlockSource s) {
        return bytes(cache.read(KEY, position, length, readAhead, s).await().atMost(AWAIT));
    }

    /** A read's bytes, from its position to its limit. */
    private static byte[] bytes(ByteBuffer range) {
        byte[] out = new byte[range.remaining()];
        range.duplicate().get(out);
        return out;
    }

    @Test
    void aRangeIsSlicedOutOfTheBlocksCoveringItWithOneGetForTheRun() {
        Store store = new Store(1_000);
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());

        assertThat(read(cache, 150, 300, 0, store)).isEqualTo(store.range(150, 300));

        assertThat(store.reads).hasSize(1);
        assertThat(store.reads.get(0)).containsExactly(100, 400); // blocks 1..4, aligned
        assertThat(read(cache, 120, 60, 0, store)).isEqualTo(store.range(120, 60));
        assertThat(store.reads).as("block 1 is cached").hasSize(1);
    }

    @Test
    void aRangeInsideOneBlockIsAViewOfTheCachedBlockAndOneAcrossBlocksACopy() {
        Store store = new Store(1_000);
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());

        ByteBuffer first = cache.read(KEY, 110, 20, 0, store).await().atMost(AWAIT);
        ByteBuffer second = cache.read(KEY, 150, 30, 0, store).await().atMost(AWAIT);
        ByteBuffer across = cache.read(KEY, 190, 20, 0, store).await().atMost(AWAIT);

        assertThat(second.array()).as("one block's bytes, not copied").isSameAs(first.array());
        assertThat(bytes(second)).isEqualTo(store.range(150, 30));
        assertThat(across.array()).isNotSameAs(first.array());
        assertThat(bytes(across)).isEqualTo(store.range(190, 20));
    }

    @Test
    void aSequentialReaderFindsItsNextBlockReadAhead() {
        Store store = new Store(1_000);
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());

        read(cache, 0, 100, 1, store);
        read(cache, 100, 100, 1, store);

        assertThat(store.reads).hasSize(1);
        assertThat(store.reads.get(0)).containsExactly(0, 200);
        read(cache, 200, 100, 1, store);
        assertThat(store.reads).hasSize(2);
    }

    @Test
    void theLastBlockOfAnObjectIsShortAndReadAheadPastTheEndCachesNothing() {
        Store store = new Store(250);
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());

        assertThat(read(cache, 200, 50, 3, store)).isEqualTo(store.range(200, 50));
        assertThat(read(cache, 210, 40, 3, store)).isEqualTo(store.range(210, 40));

        assertThat(store.reads).hasSize(1);
        assertThat(cache.bytes()).isEqualTo(50);
    }

    @Test
    void aRangePastTheEndOfTheObjectIsCorrupt() {
        Store store = new Store(250);
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());

        assertThatThrownBy(() -> read(cache, 200, 80, 0, store)).isInstanceOf(CorruptSegmentException.class);
    }

    @Test
    void concurrentReadersOfOneColdBlockCauseOneGet() {
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());
        CompletableFuture<byte[]> get = new CompletableFuture<>();
        List<long[]> reads = new CopyOnWriteArrayList<>();
        BlockCache.BlockSource slow = (position, maxLength) -> {
            reads.add(new long[] {position, maxLength});
            return Uni.createFrom().completionStage(get);
        };
        List<CompletableFuture<byte[]>> readers = new ArrayList<>();

        for (int i = 0; i < 8; i++) { // all subscribe before the GET answers
            readers.add(cache.read(KEY, 10 + i, 20, 0, slow)
                    .map(BlockCacheTest::bytes)
                    .subscribeAsCompletionStage());
        }
        byte[] block = new byte[BLOCK];
        Arrays.fill(block, (byte) 7);
        get.complete(block);

        for (CompletableFuture<byte[]> r : readers) {
            assertThat(r.join()).hasSize(20).containsOnly(7);
        }
        assertThat(reads).hasSize(1);
        assertThat(cache.joined()).isEqualTo(7);
        assertThat(cache.storageGets()).isEqualTo(1);
    }

    @Test
    void aReaderGivingUpDoesNotCancelTheSharedLoad() {
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());
        CompletableFuture<byte[]> get = new CompletableFuture<>();
        BlockCache.BlockSource slow = (position, maxLength) -> Uni.createFrom().completionStage(get);

        CompletableFuture<byte[]> quitter =
                cache.read(KEY, 0, 10, 0, slow).map(BlockCacheTest::bytes).subscribeAsCompletionStage();
        CompletableFuture<byte[]> patient =
                cache.read(KEY, 0, 10, 0, slow).map(BlockCacheTest::bytes).subscribeAsCompletionStage();
        quitter.cancel(false);
        get.complete(new byte[BLOCK]);

        assertThat(patient.join()).hasSize(10);
    }

    @Test
    void aFailedLoadIsNotCachedAndTheNextReadTriesAgain() {
        Store store = new Store(300);
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());
        BlockCache.BlockSource failing = (p, m) -> Uni.createFrom().failure(new IllegalStateException("boom"));

        assertThatThrownBy(() -> read(cache, 0, 10, 0, failing)).hasMessageContaining("boom");

        assertThat(read(cache, 0, 10, 0, store)).isEqualTo(store.range(0, 10));
    }

    @Test
    void writtenObjectsAreServedWithoutAnyGet() {
        Store store = new Store(350);
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());
        cache.putObject(KEY, store.object);
        BlockCache.BlockSource none = (p, m) -> Uni.createFrom().failure(new AssertionError("must not read"));

        assertThat(read(cache, 0, 350, 1, none)).isEqualTo(store.object);
        assertThat(read(cache, 290, 60, 1, none)).isEqualTo(store.range(290, 60));
    }

    @Test
    void aWrittenObjectOfOneBlockIsKeptAsGivenNotCopied() {
        Store store = new Store(BLOCK - 7);
        BlockCache cache = new BlockCache(1 << 20, BLOCK, Optional.empty());
        cache.putObject(KEY, store.object);
        BlockCache.BlockSource none = (p, m) -> Uni.createFrom().failure(new AssertionError("must not read"));

        ByteBuffer range = cache.read(KEY, 10, 50, 0, none).await().atMost(AWAIT);

        assertThat(range.array()).isSameAs(store.object);
        assertThat(bytes(range)).isEqualTo(store.range(10, 50));
        assertThat(cache.bytes()).isEqualTo(BLOCK - 7);
    }

    @Test
    void memoryIsBoundedInBytesAndCountsEvictions() {
        Store store = new Store(1_000);
        BlockCache cache = new BlockCache(300, BLOCK, Optional.empty());

        read(cache, 0, 1_000, 0, store);

        assertThat(cache.bytes()).isLessThanOrEqualTo(300);
        assertThat(cache.evictions()).isGreaterThanOrEqualTo(7);
    }

    @Test
    void afterARestartTheDiskTierServesWithoutGets(@TempDir Path dir) {
        Store store = new Store(1_000);
        try (BlockCache first = new BlockCache(1 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 1 << 20)))) {
            read(first, 0, 1_000, 0, store);
        }
        store.reads.clear();

        try (BlockCache restarted = new BlockCache(1 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 1 << 20)))) {
            assertThat(read(restarted, 0, 1_000, 0, store)).isEqualTo(store.object);
            assertThat(store.reads).isEmpty();
            assertThat(restarted.disk().orElseThrow().hits()).isEqualTo(10);
        }
    }

    @Test
    void aCorruptOrPartialDiskFileIsDroppedAndTheBlockReadAgain(@TempDir Path dir) throws Exception {
        Store store = new Store(300);
        try (BlockCache first = new BlockCache(1 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 1 << 20)))) {
            read(first, 0, 300, 0, store);
        }
        DiskBlockStore probe = new DiskBlockStore(dir, 1 << 20);
        Path flipped = probe.fileOf(new BlockCache.BlockKey(KEY, 1));
        byte[] bytes = Files.readAllBytes(flipped);
        bytes[bytes.length - 5] ^= 1;
        Files.write(flipped, bytes);
        Path cut = probe.fileOf(new BlockCache.BlockKey(KEY, 2));
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(cut), 40));
        store.reads.clear();

        try (BlockCache restarted = new BlockCache(1 << 20, BLOCK, Optional.of(new DiskBlockStore(dir, 1 << 20)))) {
            assertThat(read(restarted, 0, 300, 0, store)).isEqualTo(store.object);
            DiskBlockStore disk = restarted.disk().orElseThrow();
            assertThat(disk.corrupt()).isEqualTo(2);
            assertThat(disk.hits()).isEqualTo(1);
            assertThat(store.reads).hasSize(1);
            assertThat(store.reads.get(0)).containsExactly(100, 200);
        }
    }

    @Test
    void theDiskTierIsBoundedInBytesEvictingTheLeastRecentlyUsed(@TempDir Path dir) {
        DiskBlockStore disk = new DiskBlockStore(dir, 1_000);
        byte[] content = new byte[400];
        BlockCache.BlockKey a = new BlockCache.BlockKey(KEY, 0);
        BlockCache.BlockKey b = new BlockCache.BlockKey(KEY, 1);
        BlockCache.BlockKey c = new BlockCache.BlockKey(KEY, 2);

        disk.write(a, content);
        disk.write(b, content);
        assertThat(disk.read(a)).isPresent(); // a is now more recent than b
        disk.write(c, content);

        assertThat(disk.contains(a)).isTrue();
        assertThat(disk.contains(b)).isFalse();
        assertThat(disk.contains(c)).isTrue();
        assertThat(disk.evictions()).isEqualTo(1);
        assertThat(disk.bytes()).isLessThanOrEqualTo(1_000);
        assertThat(new DiskBlockStore(dir, 1_000).bytes())
                .as("rebuilt by scanning")
                .isEqualTo(disk.bytes());
    }

    @Test
    void withNoMemoryTierABlockJustLoadedServesTheNextReaderOfItsObject() {
        Store store = new Store(1_000);
        BlockCache cache = new BlockCache(0, 10 * BLOCK, BLOCK, Optional.empty());

        read(cache, 0, 50, 0, store); // one partition's chunk
        assertThat(read(cache, 50, 40, 0, store)).isEqualTo(store.range(50, 40)); // another's, in the same block

        assertThat(store.reads).hasSize(1);
        assertThat(cache.recentHits()).isEqualTo(1);
        assertThat(cache.bytes()).isZero();
    }

    @Test
    void withNoMemoryTierAndNoRecentBlocksEveryReadGetsAgain() {
        Store store = new Store(1_000);
        BlockCache cache = new BlockCache(0, 0, BLOCK, Optional.empty());

        read(cache, 0, 50, 0, store);
        read(cache, 50, 40, 0, store);

        assertThat(store.reads).hasSize(2);
        assertThat(cache.recentBytes()).isZero();
    }

    @Test
    void theRecentBlocksStayWithinTheirBoundUnderAFloodOfDistinctObjects() throws Exception {
        long bound = 10L * BLOCK;
        BlockCache cache = new BlockCache(0, bound, BLOCK, Optional.empty());
        Store store = new Store(250); // three blocks, the last one short
        List<Thread> readers = new ArrayList<>();
        List<Long> overBound = new CopyOnWriteArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            int reader = t;
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; i < 500; i++) {
                        String key = KEY + "-" + reader + "-" + i;
                        assertThat(bytes(cache.read(key, 0, 250, 1, store)
                                        .await()
                                        .atMost(AWAIT)))
                                .isEqualTo(store.object);
                        long held = cache.recentBytes() + cache.bytes();
                        if (held > bound) {
                            overBound.add(held);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            readers.add(thread);
            thread.start();
        }
        for (Thread thread : readers) {
            thread.join();
        }

        assertThat(failures).isEmpty();
        assertThat(overBound).isEmpty();
        assertThat(store.reads).hasSize(2_000); // every object new: one GET each
        assertThat(cache.recentBytes()).isBetween(bound - BLOCK, bound);
    }

    /** Reads a whole one-block object, from {@code source} when the cache does not hold it. */
    private static void readObject(BlockCache cache, String key, BlockCache.BlockSource source) {
        cache.read(key, 0, BLOCK, 0, source).await().atMost(AWAIT);
    }

    /** The objects of {@code keys} that the cache could not serve without a GET. */
    private static List<String> notInMemory(BlockCache cache, List<String> keys) {
        List<String> missed = new ArrayList<>();
        for (String key : keys) {
            try {
                readObject(cache, key, (p, m) -> Uni.createFrom().failure(new IllegalStateException(key)));
            } catch (IllegalStateException e) {
                missed.add(key);
            }
        }
        return missed;
    }

    /** A cache whose memory tier holds 64 one-block objects, with no recent blocks to hide what it evicts. */
    private static BlockCache tierOf64Blocks() {
        return new BlockCache(64L * BLOCK, 0, BLOCK, Optional.empty());
    }

    /** A catch-up reader loading 500 objects once each: far more than {@link #tierOf64Blocks()} holds. */
    private static void scan(BlockCache cache, Store store) {
        keys("scan", 500).forEach(key -> readObject(cache, key, store));
    }

    private static List<String> keys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(KEY + "-" + prefix + "-" + i);
        }
        return keys;
    }

    @Test
    void blocksJustWrittenAreKeptWhenTheTierIsFullOfBlocksReadBefore() {
        Store store = new Store(BLOCK);
        BlockCache cache = tierOf64Blocks();
        for (String old : keys("old", 64)) { // the tier full of blocks written and read once since
            cache.putObject(old, store.object);
            readObject(cache, old, store);
        }
        List<String> written = keys("new", 32);
        written.forEach(key -> cache.putObject(key, store.object));

        assertThat(notInMemory(cache, written)).isEmpty(); // the newest blocks are a log's likeliest reads
        assertThat(cache.bytes()).isLessThanOrEqualTo(64L * BLOCK);
    }

    @Test
    void aCatchUpScanDoesNotPushOutTheBlocksJustWritten() {
        Store store = new Store(BLOCK);
        BlockCache cache = tierOf64Blocks();
        List<String> written = keys("tail", 32);
        written.forEach(key -> cache.putObject(key, store.object));

        scan(cache, store);

        assertThat(notInMemory(cache, written)).isEmpty();
        assertThat(store.reads).hasSize(500);
        assertThat(cache.bytes()).isLessThanOrEqualTo(64L * BLOCK);
    }

    @Test
    void loadedBlocksReadAgainOutliveAScanAndThoseReadOnceGoFirst() {
        Store store = new Store(BLOCK);
        BlockCache cache = tierOf64Blocks();
        List<String> reread = keys("reread", 16);
        for (String key : reread) { // loaded, then read again by a second consumer
            readObject(cache, key, store);
            readObject(cache, key, store);
        }
        List<String> once = keys("once", 16);
        once.forEach(key -> readObject(cache, key, store));

        scan(cache, store);

        assertThat(notInMemory(cache, reread)).isEmpty();
        assertThat(notInMemory(cache, once)).hasSize(16);
    }
}
