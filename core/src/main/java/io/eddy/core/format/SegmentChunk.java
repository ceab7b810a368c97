package io.eddy.core.format;

import java.nio.ByteBuffer;
import java.util.UUID;

/** One partition's run of record batches, to be written into a segment object as they are. */
public record SegmentChunk(UUID topicId, int partition, ByteBuffer batches, int records, long maxTimestamp)
        implements ChunkSource {
    public SegmentChunk {
        if (records <= 0 || !batches.hasRemaining()) {
            throw new IllegalArgumentException("a chunk holds at least one record");
        }
        batches = batches.asReadOnlyBuffer();
    }

    @Override
    public int length() {
        return batches.remaining();
    }

    @Override
    public void writeTo(ByteBuffer out) {
        out.put(batches.duplicate());
    }
}
