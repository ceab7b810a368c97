package io.eddy.core.fetch;

import io.eddy.core.model.IndexEntry;
import java.nio.ByteBuffer;

/**
 * Where a read's chunks go, up to the request's limits: the {@link IndexWalk} hands it chunks in offset order
 * until it is full. Pure (no I/O); not thread-safe: used by one fetch at a time.
 */
abstract class ChunkSink {
    final FetchRequest request;
    final long highWatermark;
    long nextOffset;
    long bytes;

    ChunkSink(FetchRequest request, long highWatermark) {
        this.request = request;
        this.highWatermark = highWatermark;
        this.nextOffset = request.offset();
    }

    /** The offset the read goes on from. */
    long nextOffset() {
        return nextOffset;
    }

    /** Moves past offsets that hold no record (the gaps key compaction leaves inside an entry). */
    void skipTo(long offset) {
        nextOffset = Math.max(nextOffset, offset);
    }

    /** Whether the read has what it wants: no chunk is handed to it after. */
    abstract boolean full();

    /**
     * Takes what it wants of {@code entry}'s chunk, from {@link #nextOffset()}: its bytes from position to limit,
     * shared with the block cache, so never written into.
     */
    abstract void accept(IndexEntry entry, ByteBuffer chunk);
}
