package io.eddy.core.produce;

import io.eddy.core.format.ChunkLocation;
import io.eddy.core.produce.lease.LeaderLeases;
import java.util.List;
import java.util.Map;

/**
 * A segment object in storage: where each partition's chunk lies in it, and which buckets hold it.
 *
 * @param buckets the buckets that took the object, primary first
 */
public record WrittenSegment(String objectKey, Map<LeaderLeases.Key, ChunkLocation> chunks, List<String> buckets) {
    public WrittenSegment {
        chunks = Map.copyOf(chunks);
        buckets = List.copyOf(buckets);
        if (buckets.isEmpty()) {
            throw new IllegalArgumentException("a written segment is held by at least one bucket");
        }
    }
}
