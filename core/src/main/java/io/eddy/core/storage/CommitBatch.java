package io.eddy.core.storage;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.ProducerState;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One all-or-nothing commit, one DynamoDB transaction: for each partition, move the head from
 * {@code expectedNextOffset} past the new index entry, add that entry and store the producer states it
 * advances; and check that every producer named still has the epoch given (a newer registered epoch fences
 * the batch). At most {@link #MAX_ITEMS} items.
 *
 * @param partitions     the partitions, at most one commit each
 * @param producerEpochs producer id → the epoch its batches carry, checked against the producer registry
 */
public record CommitBatch(List<PartitionCommit> partitions, Map<Long, Short> producerEpochs) {
    /** DynamoDB transactions hold 100 items. */
    public static final int MAX_ITEMS = 100;

    public CommitBatch {
        partitions = List.copyOf(partitions);
        producerEpochs = Map.copyOf(producerEpochs);
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("a commit holds at least one partition");
        }
        Set<String> seen = new HashSet<>();
        for (PartitionCommit p : partitions) {
            if (!seen.add(p.topicId() + "#" + p.partition())) {
                throw new IllegalArgumentException("partition " + p.partition() + " twice in one commit");
            }
        }
        int items = itemCount(
                partitions.size(),
                partitions.stream().mapToInt(p -> p.producers().size()).sum(),
                producerEpochs.size());
        if (items > MAX_ITEMS) {
            throw new IllegalArgumentException("a commit holds at most " + MAX_ITEMS + " items: " + items);
        }
    }

    /** The items this transaction writes and checks, as {@link #itemCount(int, int, int)} counts them. */
    public int itemCount() {
        return itemCount(
                partitions.size(),
                partitions.stream().mapToInt(p -> p.producers().size()).sum(),
                producerEpochs.size());
    }

    /**
     * The items of one transaction, as {@code DynamoMetadataStore} writes them: per partition its head and its index
     * entry, per partition and idempotent producer a producer state, and per producer, once across the
     * transaction, a check of its registered epoch. The one count the packer of a flush and the check of an
     * atomic request both use.
     *
     * @param producerStates producer states over all partitions (a producer writing two partitions counts twice)
     * @param producers      distinct producers
     */
    public static int itemCount(int partitions, int producerStates, int producers) {
        return 2 * partitions + producerStates + producers;
    }

    /**
     * @param headExists whether the partition's head item exists (a never-written partition has none yet)
     * @param lease      the lease the committer holds on the partition, or null for the optimistic path
     * @param producers  the new producer states to store, each conditioned on its previous version
     */
    public record PartitionCommit(
            UUID topicId,
            int partition,
            long expectedNextOffset,
            boolean headExists,
            LeaseCondition lease,
            IndexEntry entry,
            List<ProducerState> producers) {
        public PartitionCommit {
            if (entry.baseOffset() != expectedNextOffset) {
                throw new IllegalArgumentException("entry must start at the expected next offset");
            }
            if (!headExists && (expectedNextOffset != 0 || lease != null)) {
                throw new IllegalArgumentException("a partition without a head starts at offset 0, unleased");
            }
            producers = List.copyOf(producers);
        }
    }

    /**
     * The committer's lease: the head must still carry {@code epoch}, and the commit extends the lease to
     * {@code renewUntilMs}.
     */
    public record LeaseCondition(long epoch, long renewUntilMs) {}
}
