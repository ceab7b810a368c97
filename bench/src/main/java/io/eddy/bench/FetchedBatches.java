package io.eddy.bench;

import java.nio.ByteBuffer;

/**
 * What one binary fetch response ({@code application/vnd.eddy.batches}, docs/protocol.md) held, read from the frame
 * and Kafka v2 batch headers only — records are never decoded, as a consumer that hands batches on would not.
 * A body is checked as it is scanned: every frame whole and for the partition asked, every batch a v2 batch whose
 * length agrees with its frame, and the batches contiguous in offsets from the one holding the requested offset.
 *
 * @param batches     batches in the body
 * @param records     records at or after the requested offset (the first batch may start before it)
 * @param batchBytes  bytes of the batches (frame headers not counted)
 * @param nextOffset  one past the last batch's last offset; the requested offset when the body is empty
 */
record FetchedBatches(int batches, long records, long batchBytes, long nextOffset) {
    static final int FRAME_HEADER = 8;
    static final int BASE_OFFSET = 0;
    static final int LENGTH = 8;
    static final int MAGIC = 16;
    static final int LAST_OFFSET_DELTA = 23;
    static final int RECORDS_COUNT = 57;
    /** A v2 batch header: everything before the first record. */
    static final int BATCH_HEADER = 61;
    /** The batch's length field counts from after itself: base offset (8) and length (4) are not in it. */
    static final int LOG_OVERHEAD = 12;

    /** A response body that is not what the protocol promises. */
    static final class BadBodyException extends Exception {
        BadBodyException(String message) {
            super(message);
        }
    }

    /**
     * Scans {@code body}, the answer to a fetch of {@code partition} at {@code offset}.
     *
     * @throws BadBodyException when a frame or batch header is malformed, names another partition, or the offsets
     *                          are not contiguous from {@code offset}
     */
    static FetchedBatches scan(ByteBuffer body, int partition, long offset) throws BadBodyException {
        int at = body.position();
        int end = body.limit();
        int batches = 0;
        long records = 0;
        long bytes = 0;
        long next = offset;
        while (at < end) {
            if (end - at < FRAME_HEADER) {
                throw new BadBodyException("frame " + batches + ": header cut short (" + (end - at) + " bytes left)");
            }
            int framePartition = body.getInt(at);
            int length = body.getInt(at + 4);
            if (framePartition != partition) {
                throw new BadBodyException(
                        "frame " + batches + ": partition " + framePartition + ", asked " + partition);
            }
            if (length < BATCH_HEADER || length > end - at - FRAME_HEADER) {
                throw new BadBodyException("frame " + batches + ": length " + length + " does not fit ("
                        + (end - at - FRAME_HEADER) + " bytes left, a batch header is " + BATCH_HEADER + ")");
            }
            int batch = at + FRAME_HEADER;
            if (body.get(batch + MAGIC) != 2) {
                throw new BadBodyException("frame " + batches + ": magic " + body.get(batch + MAGIC) + ", not 2");
            }
            if (body.getInt(batch + LENGTH) + LOG_OVERHEAD != length) {
                throw new BadBodyException("frame " + batches + ": batch length " + body.getInt(batch + LENGTH) + " + "
                        + LOG_OVERHEAD + " is not the frame's " + length);
            }
            long base = body.getLong(batch + BASE_OFFSET);
            int count = body.getInt(batch + RECORDS_COUNT);
            int lastDelta = body.getInt(batch + LAST_OFFSET_DELTA);
            if (count < 1 || lastDelta != count - 1) {
                throw new BadBodyException(
                        "frame " + batches + ": " + count + " records with last offset delta " + lastDelta);
            }
            long last = base + lastDelta;
            if (batches == 0 ? base > offset || last < offset : base != next) {
                throw new BadBodyException("frame " + batches + ": offsets " + base + "-" + last + " where "
                        + (batches == 0 ? "the batch holding " + offset : next) + " was due");
            }
            records += last + 1 - Math.max(base, offset);
            next = last + 1;
            bytes += length;
            batches++;
            at = batch + length;
        }
        return new FetchedBatches(batches, records, bytes, next);
    }
}
