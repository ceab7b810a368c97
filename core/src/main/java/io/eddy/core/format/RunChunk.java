package io.eddy.core.format;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

/**
 * One partition's batches as produced, laid end to end into the segment with base offsets from 0
 * ({@link ChunkBuilder#append}): a flush's chunk, copied into the segment with no buffer of its own.
 * {@code runs} each hold whole batches; they are read, never changed.
 */
public record RunChunk(UUID topicId, int partition, List<ByteBuffer> runs, int records, long maxTimestamp)
        implements ChunkSource {
    public RunChunk {
        runs = List.copyOf(runs);
        if (records <= 0 || runs.stream().noneMatch(ByteBuffer::hasRemaining)) {
            throw new IllegalArgumentException("a chunk holds at least one record");
        }
    }

    @Override
    public int length() {
        long length = 0;
        for (ByteBuffer run : runs) {
            length += run.remaining();
        }
        return Math.toIntExact(length);
    }

    @Override
    public void writeTo(ByteBuffer out) {
        ChunkBuilder.append(out, runs, 0);
    }
}
