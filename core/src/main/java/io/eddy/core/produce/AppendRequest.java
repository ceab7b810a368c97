package io.eddy.core.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.storage.CommitBatch;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one produce request asks the write path to store: its partition runs (at most one per partition of a
 * topic), when to acknowledge, and whether it is all-or-nothing across partitions.
 */
public record AppendRequest(List<PartitionRun> runs, Acks acks, boolean atomic) {
    public AppendRequest {
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("a request appends at least one run");
        }
        Set<String> seen = new HashSet<>();
        for (PartitionRun r : runs) {
            if (!seen.add(r.topic().id() + "#" + r.partition())) {
                throw new IllegalArgumentException("two runs for partition " + r.partition());
            }
        }
        if (atomic) {
            checkOneTransaction(runs);
        }
    }

    /**
     * An atomic request is committed in one DynamoDB transaction or not at all: refused up front when its commit
     * would need more than {@link CommitBatch#MAX_ITEMS} items (counted as the packer counts them). Alone in its
     * flush, it needs at most that many: duplicates only take items away.
     */
    private static void checkOneTransaction(List<PartitionRun> runs) {
        Set<Long> producers = new HashSet<>();
        int states = 0;
        for (PartitionRun r : runs) {
            if (r.producer() != null) {
                states++;
                producers.add(r.producer().producerId());
            }
        }
        int items = CommitBatch.itemCount(runs.size(), states, producers.size());
        if (items > CommitBatch.MAX_ITEMS) {
            throw new EddyException(
                    ErrorCode.TOO_MANY_PARTITIONS,
                    "an atomic produce is committed in one transaction "
                            + "of at most " + CommitBatch.MAX_ITEMS
                            + " items (2 per partition, 1 more per partition of an "
                            + "idempotent producer, 1 per producer); this one, " + runs.size() + " partitions from "
                            + producers.size() + " idempotent producers, needs " + items,
                    Map.of(
                            "items",
                            items,
                            "max_items",
                            CommitBatch.MAX_ITEMS,
                            "partitions",
                            runs.size(),
                            "producers",
                            producers.size()));
        }
    }

    /** The buckets the segment goes to: the replicas of the (first) topic; one request names one topic. */
    public List<String> replicas() {
        return runs.get(0).topic().config().replicas();
    }

    public int sizeInBytes() {
        return runs.stream().mapToInt(PartitionRun::sizeInBytes).sum();
    }
}
