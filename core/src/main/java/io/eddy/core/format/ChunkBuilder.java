package io.eddy.core.format;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Lays Kafka v2 batches end to end into one chunk, rewriting each batch's base offset (the first 8 bytes,
 * which the batch CRC does not cover) so the chunk's offsets run from 0. Nothing else in a batch changes:
 * compressed batches stay exactly as the producer sent them. Stateless and thread-safe.
 */
public final class ChunkBuilder {
    private ChunkBuilder() {}

    /**
     * Copies {@code batches} into {@code out} at its position, the first getting base offset {@code firstOffset}
     * and each next one following the records of the previous (last offset delta + 1); returns the offset after
     * the last record. Each buffer holds whole batches ({@link BatchIterator}).
     */
    public static long append(ByteBuffer out, List<ByteBuffer> batches, long firstOffset) {
        long offset = firstOffset;
        for (ByteBuffer run : batches) {
            for (BatchIterator.Batch batch : BatchIterator.batches(run)) {
                ByteBuffer copy = out.slice();
                out.put(batch.slice());
                RecordBatches.setBaseOffset(copy, offset);
                offset += batch.lastOffsetDelta() + 1;
            }
        }
        return offset;
    }

    /**
     * Copies the batches of a whole {@code chunk} into {@code out} at its position, moving each batch's base
     * offset by {@code delta}: a chunk read at entry base {@code b} and written under entry base {@code b - delta}
     * keeps every record's absolute offset, gaps (of a compacted chunk) included.
     *
     * @throws io.eddy.core.error.CorruptSegmentException a batch of the chunk is cut short or does not fit it
     */
    public static void appendShifted(ByteBuffer out, ByteBuffer chunk, long delta) {
        for (BatchIterator.Batch batch : BatchIterator.batches(chunk)) {
            ByteBuffer copy = out.slice();
            out.put(batch.slice());
            RecordBatches.setBaseOffset(copy, batch.baseOffset() + delta);
        }
    }
}
