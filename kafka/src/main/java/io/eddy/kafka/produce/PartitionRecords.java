package io.eddy.kafka.produce;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.format.BatchFrames.Frame;
import io.eddy.core.format.BatchIterator;
import io.eddy.core.format.RecordBatches;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.BaseRecords;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;

/**
 * One partition's records of a Produce request, checked as a Kafka broker checks them before its log sees them
 * ({@code ProduceRequest.validateRecords}: since v3, exactly one record batch of magic 2 per partition, else
 * {@code INVALID_RECORD}) and then handed to core as a slice of the request frame, not copied: the frame is an
 * array of its own ({@code FrameDecoder}), not a pooled buffer, so the slice may outlive the answer (acks=0
 * answers before group commit has written the batch). A request's array lives until the last of its batches has
 * been written, so it costs its own size once (a copy per partition cost it twice while it was answered). A
 * transactional (or control) batch is refused with {@code TRANSACTIONAL_ID_AUTHORIZATION_FAILED}: Eddy has no
 * transactions, and that is the error Kafka's clients report as a clear, fatal refusal. The batch's CRC, records
 * and sizes are left to core's {@code BatchValidator}. Stateless and thread-safe.
 */
final class PartitionRecords {
    /** Kafka's batch attribute bits (in the attributes' low byte) that mark a transactional or control batch. */
    private static final int TRANSACTIONAL_OR_CONTROL = 0x10 | 0x20;

    private PartitionRecords() {}

    /** What became of one partition's records. */
    sealed interface Outcome permits Taken, Refused {}

    /** The partition's one batch, a slice of the request frame. */
    record Taken(Frame frame) implements Outcome {}

    /** Refused before validation, with Kafka's error and a message for the client. */
    record Refused(Errors error, String message) implements Outcome {}

    /** Checks the records sent for {@code partition} (not negative) and takes their one batch. */
    static Outcome take(int partition, BaseRecords records) {
        if (!(records instanceof MemoryRecords memory) || memory.sizeInBytes() == 0) {
            return new Refused(Errors.INVALID_RECORD, "partition " + partition + ": no record batch");
        }
        ByteBuffer view = memory.buffer();
        if (view.remaining() > RecordBatches.MAGIC_OFFSET) {
            byte magic = view.get(view.position() + RecordBatches.MAGIC_OFFSET);
            if (magic != RecordBatch.MAGIC_VALUE_V2) {
                return new Refused(
                        Errors.INVALID_RECORD,
                        "partition " + partition + ": magic " + magic
                                + "; only v2 record batches (magic 2) are accepted");
            }
        }
        BatchIterator batches = BatchIterator.over(view);
        BatchIterator.Batch batch;
        try {
            batch = batches.next();
        } catch (CorruptSegmentException e) {
            return new Refused(Errors.CORRUPT_MESSAGE, "partition " + partition + ": " + e.getMessage());
        }
        if (batches.hasNext()) {
            return new Refused(
                    Errors.INVALID_RECORD,
                    "partition " + partition + ": a produce request carries exactly one record batch per partition");
        }
        ByteBuffer bytes = batch.slice();
        if ((bytes.get(RecordBatches.ATTRIBUTES_OFFSET + 1) & TRANSACTIONAL_OR_CONTROL) != 0) {
            return new Refused(
                    Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                    "partition " + partition + ": transactional batch; Eddy does not support transactions");
        }
        return new Taken(new Frame(partition, bytes));
    }
}
