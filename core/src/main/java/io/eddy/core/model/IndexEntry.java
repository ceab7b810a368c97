package io.eddy.core.model;

import java.util.List;

/**
 * One committed, contiguous run of a partition's offsets and where its batches are stored.
 * Immutable once committed.
 *
 * @param baseOffset   first offset of the run
 * @param lastOffset   last offset of the run (inclusive)
 * @param objectKey    S3 key of the segment object
 * @param position     byte position of the partition's chunk inside the object
 * @param length       byte length of the chunk
 * @param maxTimestamp largest record timestamp in the run
 * @param crc32c       CRC32C of the chunk's bytes, checked on every read from storage
 * @param buckets      buckets holding the object, primary first
 */
public record IndexEntry(long baseOffset, long lastOffset, String objectKey, long position, int length,
                         long maxTimestamp, int crc32c, List<String> buckets) {
    public IndexEntry {
        if (baseOffset < 0 || lastOffset < baseOffset) {
            throw new IllegalArgumentException("bad offsets " + baseOffset + ".." + lastOffset);
        }
        if (position < 0 || length <= 0) {
            throw new IllegalArgumentException("bad byte range " + position + "+" + length);
        }
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("an index entry needs a bucket");
        }
        buckets = List.copyOf(buckets);
    }

    public long recordCount() {
        return lastOffset - baseOffset + 1;
    }

    public boolean covers(long offset) {
        return offset >= baseOffset && offset <= lastOffset;
    }
}
