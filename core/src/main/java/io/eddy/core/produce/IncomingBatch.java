package io.eddy.core.produce;

import java.nio.ByteBuffer;

/**
 * A validated Kafka v2 batch of a binary produce, as sent (possibly compressed), with what its header says.
 *
 * @param producerId    -1 when the batch is not from an idempotent producer
 */
public record IncomingBatch(int partition, ByteBuffer batch, int records, long maxTimestamp, long producerId,
                            short producerEpoch, int baseSequence) {
    public IncomingBatch {
        if (partition < 0 || records <= 0) {
            throw new IllegalArgumentException("bad batch: partition " + partition + ", " + records + " records");
        }
        batch = batch.asReadOnlyBuffer();
    }

    public boolean idempotent() {
        return producerId >= 0;
    }
}
