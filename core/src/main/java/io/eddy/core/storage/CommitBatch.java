package io.eddy.core.storage;

import io.eddy.core.model.IndexEntry;
import java.util.List;
import java.util.UUID;

/**
 * One all-or-nothing commit: for each partition, move the head from {@code expectedNextOffset} past the new
 * index entry, and add that entry. At most {@link #MAX_PARTITIONS} partitions, so that it fits one DynamoDB
 * transaction.
 */
public record CommitBatch(String topicName, UUID topicId, List<PartitionAppend> appends) {
    /** DynamoDB transactions hold 100 items; each partition takes two (head update, index entry). */
    public static final int MAX_PARTITIONS = 32;

    public CommitBatch {
        if (appends.isEmpty() || appends.size() > MAX_PARTITIONS) {
            throw new IllegalArgumentException("a commit holds 1 to " + MAX_PARTITIONS + " partitions: " + appends.size());
        }
        appends = List.copyOf(appends);
    }

    /**
     * @param headExists whether the partition's head item exists (a never-written partition has none yet)
     */
    public record PartitionAppend(int partition, long expectedNextOffset, boolean headExists, IndexEntry entry) {
        public PartitionAppend {
            if (entry.baseOffset() != expectedNextOffset) {
                throw new IllegalArgumentException("entry must start at the expected next offset");
            }
            if (!headExists && expectedNextOffset != 0) {
                throw new IllegalArgumentException("a partition without a head starts at offset 0");
            }
        }
    }
}
