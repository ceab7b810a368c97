package io.eddy.core.model;

import java.util.List;

/**
 * One committed, contiguous run of a partition's offsets and where its batches are stored.
 * Immutable once committed.
 *
 * <p>A <i>gap</i> ({@link #gap}) covers a run whose every record key compaction removed: no object, no bytes
 * ({@code length} 0, {@code objectKey} empty, no timestamp). It keeps the index contiguous, so a read from an
 * offset inside it moves on to the next entry, as a Kafka consumer steps over a compacted gap.
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
public record IndexEntry(
        long baseOffset,
        long lastOffset,
        String objectKey,
        long position,
        int length,
        long maxTimestamp,
        int crc32c,
        List<String> buckets) {
    /** The object key of a {@link #gap}: it names no object. */
    public static final String NO_OBJECT = "";
    /** The {@code maxTimestamp} of a {@link #gap} (Kafka's {@code NO_TIMESTAMP}). */
    public static final long NO_TIMESTAMP = -1;

    public IndexEntry {
        if (baseOffset < 0 || lastOffset < baseOffset) {
            throw new IllegalArgumentException("bad offsets " + baseOffset + ".." + lastOffset);
        }
        if (length == 0 && (!objectKey.equals(NO_OBJECT) || position != 0 || crc32c != 0)) {
            throw new IllegalArgumentException("an entry without bytes is a gap: no object, position 0, crc 0");
        }
        if (objectKey.equals(NO_OBJECT) && length != 0) {
            throw new IllegalArgumentException("an entry with bytes names its object");
        }
        if (position < 0 || length < 0) {
            throw new IllegalArgumentException("bad byte range " + position + "+" + length);
        }
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("an index entry needs a bucket");
        }
        buckets = List.copyOf(buckets);
    }

    /** An entry for {@code baseOffset..lastOffset} holding no record: what key compaction left of them. */
    public static IndexEntry gap(long baseOffset, long lastOffset, List<String> buckets) {
        return new IndexEntry(baseOffset, lastOffset, NO_OBJECT, 0, 0, NO_TIMESTAMP, 0, buckets);
    }

    /** Whether this entry holds no record (and names no object): see {@link #gap}. */
    public boolean isGap() {
        return length == 0;
    }

    public long recordCount() {
        return lastOffset - baseOffset + 1;
    }

    public boolean covers(long offset) {
        return offset >= baseOffset && offset <= lastOffset;
    }
}
