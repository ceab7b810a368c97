package io.eddy.core.model;

import java.time.Instant;
import java.util.UUID;

/**
 * A topic as stored. Partition data is keyed by {@link #id()}, never by name, so a deleted and re-created
 * topic never sees the old topic's records.
 */
public record Topic(TopicName name, UUID id, int partitions, TopicConfig config, Instant createdAt) {
    public static final int MAX_PARTITIONS = 10_000;

    public Topic {
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new IllegalArgumentException("partitions out of range: " + partitions);
        }
    }

    /** Whether the topic has a partition {@code partition} (0 to {@code partitions - 1}). */
    public boolean hasPartition(int partition) {
        return partition >= 0 && partition < partitions;
    }
}
