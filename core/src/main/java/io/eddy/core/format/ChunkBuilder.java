package io.eddy.core.format;

import io.eddy.core.error.CorruptSegmentException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Lays Kafka v2 batches end to end into one chunk, rewriting each batch's base offset (the first 8 bytes,
 * which the batch CRC does not cover) so the chunk's offsets run from 0. Nothing else in a batch changes:
 * compressed batches stay exactly as the producer sent them. Stateless and thread-safe.
 */
public final class ChunkBuilder {
    private ChunkBuilder() {
    }

    /** Records in a v2 batch, from its header (last offset delta + 1). */
    public static int recordCount(ByteBuffer batch) {
        return batch.getInt(batch.position() + RecordBatches.LAST_OFFSET_DELTA_OFFSET) + 1;
    }

    /**
     * Copies {@code batches} into {@code out} at its position, the first getting base offset {@code firstOffset}
     * and each next one following the records of the previous; returns the offset after the last record.
     */
    public static long append(ByteBuffer out, List<ByteBuffer> batches, long firstOffset) {
        long offset = firstOffset;
        for (ByteBuffer batch : batches) {
            ByteBuffer copy = out.slice();
            out.put(batch.duplicate());
            RecordBatches.setBaseOffset(copy, offset);
            offset += recordCount(batch);
        }
        return offset;
    }

    /**
     * Copies the batches of a whole {@code chunk} into {@code out} at its position, moving each batch's base
     * offset by {@code delta}: a chunk read at entry base {@code b} and written under entry base {@code b - delta}
     * keeps every record's absolute offset, gaps (of a compacted chunk) included.
     */
    public static void appendShifted(ByteBuffer out, ByteBuffer chunk, long delta) {
        ByteBuffer in = chunk.duplicate().order(java.nio.ByteOrder.BIG_ENDIAN);
        while (in.hasRemaining()) {
            int size = in.getInt(in.position() + RecordBatches.LENGTH_OFFSET) + RecordBatches.LOG_OVERHEAD;
            if (size < RecordBatches.RECORDS_OFFSET || size > in.remaining()) {
                throw new CorruptSegmentException("a batch of " + size + " bytes does not fit its chunk");
            }
            ByteBuffer batch = in.slice(in.position(), size);
            ByteBuffer copy = out.slice();
            out.put(batch);
            RecordBatches.setBaseOffset(copy, in.getLong(in.position() + RecordBatches.BASE_OFFSET_OFFSET) + delta);
            in.position(in.position() + size);
        }
    }
}
