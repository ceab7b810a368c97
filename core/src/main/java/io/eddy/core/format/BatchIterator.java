package io.eddy.core.format;

import io.eddy.core.error.CorruptSegmentException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Walks the Kafka v2 record batches laid end to end in a buffer (a segment chunk, a list of batches), as Kafka's
 * {@code ByteBufferLogInputStream} does: each step reads a batch's LENGTH field ({@link RecordBatches} holds the
 * header's layout), checks that the whole header and the whole batch lie inside the buffer, and yields a
 * {@link Batch} view of it. Nothing is copied or decoded, and nothing past the buffer's limit is ever read; the
 * records and the CRC are not checked here (a chunk's CRC32C is checked when it is read, a produced batch's by
 * {@link BatchValidator}).
 *
 * <p>A batch whose header is cut short, or whose length does not fit the bytes left, ends the walk with a
 * {@link CorruptSegmentException} naming the byte it starts at. Not thread-safe: one walk, one thread. The
 * buffer's position and limit are left alone.
 */
public final class BatchIterator implements Iterator<BatchIterator.Batch> {
    private final ByteBuffer buffer;
    private final int end;
    private int at;

    private BatchIterator(ByteBuffer buffer) {
        this.buffer = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.at = buffer.position();
        this.end = buffer.limit();
    }

    /** A walk over the batches from {@code buffer}'s position to its limit. */
    public static BatchIterator over(ByteBuffer buffer) {
        return new BatchIterator(buffer);
    }

    /** The batches from {@code buffer}'s position to its limit, for a for-each loop: each loop walks anew. */
    public static Iterable<Batch> batches(ByteBuffer buffer) {
        return () -> over(buffer);
    }

    /**
     * The size a batch's header declares for it, LENGTH + {@link RecordBatches#LOG_OVERHEAD}, as a long so that
     * a huge LENGTH cannot wrap. The caller checks that the length field lies inside {@code buffer}.
     */
    public static long declaredSize(ByteBuffer buffer, int position) {
        return (long) buffer.getInt(position + RecordBatches.LENGTH_OFFSET) + RecordBatches.LOG_OVERHEAD;
    }

    @Override
    public boolean hasNext() {
        return at < end;
    }

    /**
     * The next batch.
     *
     * @throws CorruptSegmentException the header or the batch runs past the end of the buffer, or the batch is
     *                                 shorter than its header
     */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no batch left at byte " + at);
        }
        int left = end - at;
        if (left < RecordBatches.RECORDS_OFFSET) {
            throw new CorruptSegmentException(
                    "a batch header is cut short at byte " + at + ": " + left + " bytes left");
        }
        long size = declaredSize(buffer, at);
        if (size < RecordBatches.RECORDS_OFFSET || size > left) {
            throw new CorruptSegmentException("a batch of " + size + " bytes does not fit its buffer at byte " + at
                    + ": " + left + " bytes left");
        }
        Batch batch = new Batch(
                buffer,
                at,
                (int) size,
                buffer.getLong(at + RecordBatches.BASE_OFFSET_OFFSET),
                buffer.getInt(at + RecordBatches.LAST_OFFSET_DELTA_OFFSET));
        at += (int) size;
        return batch;
    }

    /**
     * One batch of a walk: where it lies in the walked buffer and what its header says of its offsets.
     *
     * @param buffer          the walked buffer (a big-endian view sharing its bytes)
     * @param position        the batch's first byte in {@code buffer}
     * @param sizeInBytes     the whole batch, header included (LENGTH + 12)
     * @param baseOffset      BASE_OFFSET, as stored (relative to the chunk in a segment)
     * @param lastOffsetDelta LAST_OFFSET_DELTA
     */
    public record Batch(ByteBuffer buffer, int position, int sizeInBytes, long baseOffset, int lastOffsetDelta) {
        /** BASE_OFFSET + LAST_OFFSET_DELTA. */
        public long lastOffset() {
            return baseOffset + lastOffsetDelta;
        }

        /** The batch's bytes: a view sharing them (writable if the walked buffer is), position 0. */
        public ByteBuffer slice() {
            return buffer.slice(position, sizeInBytes);
        }
    }
}
