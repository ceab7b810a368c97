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
 * {@code INVALID_RECORD}) and then copied out of the request frame. The frame is a pooled buffer released once
 * the request is answered, which for acks=0 may come before group commit has written the batch: what goes to
 * core is always this copy, one per partition, so a request costs at most its own size again. A transactional
 * (or control) batch is refused with {@code TRANSACTIONAL_ID_AUTHORIZATION_FAILED}: Eddy has no transactions,
 * and that is the error Kafka's clients report as a clear, fatal refusal. The batch's CRC, records and sizes are
 * left to core's {@code BatchValidator}. Stateless and thread-safe.
 */
final class PartitionRecords {
    /** Kafka's batch attribute bits (in the attributes' low byte) that mark a transactional or control batch. */
    private static final int TRANSACTIONAL_OR_CONTROL = 0x10 | 0x20;

    private PartitionRecords() {}

    /** What became of one partition's records. */
    sealed interface Outcome permits Copied, Refused {}

    /** The partition's one batch, in a buffer of its own. */
    record Copied(Frame frame) implements Outcome {}

    /** Refused before validation, with Kafka's error and a message for the client. */
    record Refused(Errors error, String message) implements Outcome {}

    /** Checks the records sent for {@code partition} (not negative) and copies their one batch out. */
    static Outcome copyOut(int partition, BaseRecords records) {
        if (!(records instanceof MemoryRecords memory) || memory.sizeInBytes() == 0) {
            return new Refused(Errors.INVALID_RECORD, "partition " + partition + ": no record batch");
        }
        ByteBuffer view = memory.buffer();
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
        byte magic = bytes.get(RecordBatches.MAGIC_OFFSET);
        if (magic != RecordBatch.MAGIC_VALUE_V2) {
            return new Refused(
                    Errors.INVALID_RECORD,
                    "partition " + partition + ": magic " + magic + "; only v2 record batches (magic 2) are accepted");
        }
        if ((bytes.get(RecordBatches.ATTRIBUTES_OFFSET + 1) & TRANSACTIONAL_OR_CONTROL) != 0) {
            return new Refused(
                    Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                    "partition " + partition + ": transactional batch; Eddy does not support transactions");
        }
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes).flip();
        return new Copied(new Frame(partition, copy));
    }
}
