package io.eddy.core.model;

import java.util.OptionalLong;

/**
 * The stored head of a partition. {@code exists} is false for a partition never written to, whose head item
 * has not been created yet (it then behaves as next offset 0, log start 0).
 *
 * <p>The head also keeps the partition's size: {@code sizeBytes} is the sum of the byte lengths of the live index
 * entries whose base offset is at or above {@code sizeFrom}. A head written before sizes were kept counts from its
 * first commit after that ({@code sizeFrom} is then where that commit started), so its size is complete only once
 * retention has moved the log start offset up to there ({@link #sizeComplete()}).
 *
 * @param lease     the partition's leader lease as stored, or null if none was ever taken
 * @param sizeBytes bytes of the live entries from {@code sizeFrom} on
 * @param sizeFrom  the offset from which {@code sizeBytes} counts every entry
 */
public record PartitionHead(
        int partition,
        long nextOffset,
        long logStartOffset,
        boolean exists,
        Lease lease,
        long sizeBytes,
        long sizeFrom) {
    public PartitionHead {
        if (nextOffset < 0 || logStartOffset < 0 || logStartOffset > nextOffset) {
            throw new IllegalArgumentException("bad head: next " + nextOffset + ", log start " + logStartOffset);
        }
    }

    /** A head that counted no bytes yet: its size is complete only while its log is empty. */
    public PartitionHead(int partition, long nextOffset, long logStartOffset, boolean exists, Lease lease) {
        this(partition, nextOffset, logStartOffset, exists, lease, 0, nextOffset);
    }

    public PartitionHead(int partition, long nextOffset, long logStartOffset, boolean exists) {
        this(partition, nextOffset, logStartOffset, exists, null);
    }

    public static PartitionHead empty(int partition) {
        return new PartitionHead(partition, 0, 0, false);
    }

    /** Whether {@link #sizeBytes} counts every live entry: the count starts at or below the log start offset. */
    public boolean sizeComplete() {
        return sizeFrom <= logStartOffset;
    }

    /** The partition's bytes (the sum of its live entries' lengths), or empty when the count is not complete. */
    public OptionalLong size() {
        return sizeComplete() ? OptionalLong.of(sizeBytes) : OptionalLong.empty();
    }

    /** The same head at other offsets (as a commit this process made leaves it), keeping lease and size. */
    public PartitionHead withOffsets(long nextOffset, long logStartOffset) {
        return new PartitionHead(partition, nextOffset, logStartOffset, true, lease, sizeBytes, sizeFrom);
    }

    /** A leader lease as stored in the head: who holds it, its epoch (bumped on every take-over), its expiry. */
    public record Lease(String owner, long epoch, long expiresAtMs) {}
}
