package io.eddy.core.format;

import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.RecordBatch;

/**
 * A record batch that passed {@link BatchValidator}, with what the produce path needs from its header. The batch
 * is stored exactly as sent: only its base offset is rewritten ({@link RecordBatches#setBaseOffset}).
 *
 * @param batch         the batch's bytes, from position to limit, as the client sent them
 * @param records       how many records it holds (at least one)
 * @param maxTimestamp  the greatest record timestamp (create time), as the header states and the records confirm
 * @param producerId    the idempotent producer's id, or -1 ({@link RecordBatch#NO_PRODUCER_ID})
 * @param producerEpoch the producer's epoch, or -1 when there is no producer id
 * @param baseSequence  the first record's sequence, or -1 when there is no producer id
 * @param compression   the codec the records are compressed with
 */
public record ValidatedBatch(
        int partition,
        java.nio.ByteBuffer batch,
        int records,
        long maxTimestamp,
        long producerId,
        short producerEpoch,
        int baseSequence,
        BatchCompression compression) {
    public ValidatedBatch {
        if (partition < 0 || records <= 0) {
            throw new IllegalArgumentException("partition " + partition + ", records " + records);
        }
        if (producerId < RecordBatch.NO_PRODUCER_ID) {
            throw new IllegalArgumentException("producer id " + producerId);
        }
    }

    /** Whether the batch comes from an idempotent producer, whose sequence the produce path must check. */
    public boolean idempotent() {
        return producerId != RecordBatch.NO_PRODUCER_ID;
    }

    /** The last record's sequence, wrapping past {@code Integer.MAX_VALUE} as Kafka's do; -1 without a producer. */
    public int lastSequence() {
        if (!idempotent()) {
            return RecordBatch.NO_SEQUENCE;
        }
        return DefaultRecordBatch.incrementSequence(baseSequence, records - 1);
    }

    public int sizeInBytes() {
        return batch.remaining();
    }
}
