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
        if (atomic && runs.size() > CommitBatch.MAX_PARTITIONS) {
            throw new EddyException(ErrorCode.TOO_MANY_PARTITIONS, "an atomic produce spans at most "
                    + CommitBatch.MAX_PARTITIONS + " partitions; this one spans " + runs.size(),
                    Map.of("partitions", runs.size(), "max", CommitBatch.MAX_PARTITIONS));
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
