package io.eddy.core.model;

/**
 * The stored head of a partition. {@code exists} is false for a partition never written to, whose head item
 * has not been created yet (it then behaves as next offset 0, log start 0).
 */
public record PartitionHead(int partition, long nextOffset, long logStartOffset, boolean exists) {
    public PartitionHead {
        if (nextOffset < 0 || logStartOffset < 0 || logStartOffset > nextOffset) {
            throw new IllegalArgumentException("bad head: next " + nextOffset + ", log start " + logStartOffset);
        }
    }

    public static PartitionHead empty(int partition) {
        return new PartitionHead(partition, 0, 0, false);
    }
}
