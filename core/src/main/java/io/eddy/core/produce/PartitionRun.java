package io.eddy.core.produce;

import io.eddy.core.model.Topic;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One request's records for one partition: Kafka v2 batches, in order, stored as they are (only their base
 * offsets are rewritten, relative to the chunk, when the segment is built). Per partition a run is all or
 * nothing and gets contiguous offsets.
 *
 * @param batches      the batches, each a read-only view
 * @param records      records in all batches
 * @param maxTimestamp the largest record timestamp
 * @param producer     the idempotence fields, or null for a non-idempotent producer
 */
public record PartitionRun(
        Topic topic, int partition, List<ByteBuffer> batches, int records, long maxTimestamp, ProducerBatch producer) {
    public PartitionRun {
        if (batches.isEmpty() || records <= 0) {
            throw new IllegalArgumentException("a run holds at least one record");
        }
        batches = batches.stream().map(ByteBuffer::asReadOnlyBuffer).toList();
    }

    public int sizeInBytes() {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        return size;
    }
}
