package io.eddy.core.fetch;

import io.eddy.core.format.RecordBatches;
import java.nio.ByteBuffer;

/**
 * A stored Kafka v2 record batch as a fetch serves it, never copied: {@code stored} is a view of its bytes where they
 * lie (usually a block of the cache, shared by every reader: never written into), whose base offset field holds
 * what the segment holds (the offset relative to its index entry), and {@code baseOffset} is the real base offset
 * the reader must see in its place. A writer writes the real base offset's 8 bytes ({@link #writeBaseOffset}),
 * then {@link #afterBaseOffset()}: the batch's CRC does not cover the base offset, so the batch stays valid.
 *
 * @param baseOffset the batch's real base offset
 * @param stored     the batch as stored, from its position to its limit
 */
public record ServedBatch(long baseOffset, ByteBuffer stored) {
    public ServedBatch {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("negative base offset " + baseOffset);
        }
        if (stored.remaining() < RecordBatches.RECORDS_OFFSET) {
            throw new IllegalArgumentException("not a record batch: " + stored.remaining() + " bytes");
        }
    }

    /** The whole batch, header included. */
    public int sizeInBytes() {
        return stored.remaining();
    }

    /** RECORDS_COUNT, as the batch's header says (fewer than its offsets when compaction removed some). */
    public int recordCount() {
        return stored.getInt(stored.position() + RecordBatches.RECORDS_COUNT_OFFSET);
    }

    /** Puts the real base offset, big-endian, at {@code out}'s position (8 bytes, position moved past them). */
    public void writeBaseOffset(ByteBuffer out) {
        out.putLong(baseOffset);
    }

    /** The batch's bytes after its base offset field, as stored: a view of their own, never to be written into. */
    public ByteBuffer afterBaseOffset() {
        int from = stored.position() + Long.BYTES;
        return stored.slice(from, stored.limit() - from);
    }

    /** A copy of the batch with its real base offset in its header: for tools and tests, not the serving path. */
    public ByteBuffer patched() {
        ByteBuffer copy =
                ByteBuffer.allocate(sizeInBytes()).put(stored.duplicate()).flip();
        RecordBatches.setBaseOffset(copy, baseOffset);
        return copy;
    }
}
