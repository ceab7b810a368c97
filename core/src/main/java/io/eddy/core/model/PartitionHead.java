package io.eddy.core.model;

/**
 * The stored head of a partition. {@code exists} is false for a partition never written to, whose head item
 * has not been created yet (it then behaves as next offset 0, log start 0).
 *
 * @param lease the partition's leader lease as stored, or null if none was ever taken
 */
public record PartitionHead(int partition, long nextOffset, long logStartOffset, boolean exists, Lease lease) {
    public PartitionHead {
        if (nextOffset < 0 || logStartOffset < 0 || logStartOffset > nextOffset) {
            throw new IllegalArgumentException("bad head: next " + nextOffset + ", log start " + logStartOffset);
        }
    }

    public PartitionHead(int partition, long nextOffset, long logStartOffset, boolean exists) {
        this(partition, nextOffset, logStartOffset, exists, null);
    }

    public static PartitionHead empty(int partition) {
        return new PartitionHead(partition, 0, 0, false);
    }

    /** A leader lease as stored in the head: who holds it, its epoch (bumped on every take-over), its expiry. */
    public record Lease(String owner, long epoch, long expiresAtMs) {}
}
