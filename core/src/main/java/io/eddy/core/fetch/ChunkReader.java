package io.eddy.core.fetch;

import io.eddy.core.cache.BlockCache;
import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.storage.ReplicatedSegments;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.support.AsyncLimiter;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads an index entry's chunk through the block cache tiers (memory, disk), the blocks it misses from the first
 * of the entry's buckets that serves them, in the tail or the catch-up pool of GETs; checks it against its
 * CRC32C. A chunk failing its CRC32C drops its blocks from the cache and is read again straight from the
 * buckets, each copy checked, in order ({@link ReplicatedSegments}). Thread-safe.
 */
final class ChunkReader {
    private final ReadCaches caches;
    private final ReplicatedSegments replicas;
    private final LongAdder replicaFallbacks = new LongAdder();

    ChunkReader(SegmentStore segments, ReadCaches caches) {
        this.caches = caches;
        this.replicas = new ReplicatedSegments(segments, new ReplicatedSegments.Listener() {
            @Override
            public void fellBack(String bucket, Throwable cause) {
                replicaFallbacks.increment();
            }
        });
    }

    /**
     * The chunk's bytes, checked; {@code tail} says which pool of GETs reads what the cache misses. Usually a view
     * of a cached block ({@link BlockCache#read}): never written into.
     */
    Uni<ByteBuffer> chunk(IndexEntry entry, boolean tail) {
        BlockCache blocks = caches.blocks();
        AsyncLimiter pool = tail ? caches.tailGets() : caches.catchUpGets();
        BlockCache.BlockSource source = (position, maxLength) ->
                pool.submit(() -> replicas.readUpTo(entry.buckets(), entry.objectKey(), position, maxLength));
        return blocks.read(entry.objectKey(), entry.position(), entry.length(), caches.readAheadBlocks(), source)
                .invoke(bytes -> SegmentFormat.verifyChunk(bytes, entry.crc32c()))
                .onFailure(CorruptSegmentException.class)
                .recoverWithUni(t -> {
                    blocks.invalidate(entry.objectKey(), entry.position(), entry.length());
                    return pool.submit(() -> replicas.readChunk(entry)).map(ByteBuffer::wrap);
                });
    }

    /** The chunk's bytes, read in the pool its distance from the high watermark calls for ({@link #isTail}). */
    Uni<ByteBuffer> chunk(IndexEntry entry, PartitionHead head) {
        return chunk(entry, isTail(entry, head, caches.tailBytes()));
    }

    /**
     * Whether reading {@code entry} is a tail read: the bytes from it to the high watermark, estimated from its
     * bytes per record, are within {@code tailBytes} ({@link ReadCaches#tailBytes()}). Pure.
     */
    static boolean isTail(IndexEntry entry, PartitionHead head, long tailBytes) {
        long behind = Math.max(0, head.nextOffset() - entry.lastOffset() - 1);
        long bytesPerRecord = Math.max(1, entry.length() / entry.recordCount());
        return behind <= tailBytes / bytesPerRecord;
    }

    /** Chunk reads that failed on a bucket (missing, erroring, or corrupt) and went on to the entry's next one. */
    long replicaFallbacks() {
        return replicaFallbacks.sum();
    }
}
