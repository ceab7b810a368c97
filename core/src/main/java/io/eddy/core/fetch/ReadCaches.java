package io.eddy.core.fetch;

import io.eddy.core.cache.BlockCache;
import io.eddy.core.cache.IndexCache;
import io.eddy.core.support.AsyncLimiter;

/**
 * What the read path keeps between fetches and how it reads the store: the block cache tiers, the index entry
 * cache, and the two bounded pools of S3 GETs.
 *
 * @param readAheadBlocks blocks past the last one a read needs that its GET loads too (so a sequential reader's
 *                        next block is cached)
 * @param tailBytes       a read is a <em>tail</em> read when the bytes between it and the high watermark, estimated
 *                        as (records behind the high watermark) × (its index entry's bytes per record), are at most
 *                        this; otherwise a <em>catch-up</em> read. Each class has its own pool of GETs.
 */
public record ReadCaches(
        BlockCache blocks,
        IndexCache index,
        AsyncLimiter tailGets,
        AsyncLimiter catchUpGets,
        int readAheadBlocks,
        long tailBytes) {
    public static final int DEFAULT_READ_AHEAD_BLOCKS = 1;
    public static final int DEFAULT_TAIL_GETS = 16;
    public static final int DEFAULT_CATCH_UP_GETS = 4;

    public ReadCaches {
        if (readAheadBlocks < 0 || tailBytes < 0) {
            throw new IllegalArgumentException("bad read-ahead " + readAheadBlocks + " or tail bytes " + tailBytes);
        }
    }

    /** These caches with another index cache. */
    public ReadCaches withIndex(IndexCache other) {
        return new ReadCaches(blocks, other, tailGets, catchUpGets, readAheadBlocks, tailBytes);
    }

    /**
     * Defaults around a block cache: index cache of 4,096 entries a partition, 262,144 in all, known heads of 10,000
     * partitions; 16 tail and 4 catch-up GETs.
     */
    public static ReadCaches over(BlockCache blocks) {
        return new ReadCaches(
                blocks,
                new IndexCache(10_000, 4096, 262_144, IndexCache.DEFAULT_TTL, System::nanoTime),
                new AsyncLimiter("tail-gets", DEFAULT_TAIL_GETS),
                new AsyncLimiter("catch-up-gets", DEFAULT_CATCH_UP_GETS),
                DEFAULT_READ_AHEAD_BLOCKS,
                4L * blocks.blockBytes());
    }

    /** Defaults with a memory-only block cache of {@code memoryBytes}. */
    public static ReadCaches inMemory(long memoryBytes) {
        return over(BlockCache.inMemory(memoryBytes));
    }
}
