package io.eddy.core.format;

import static io.eddy.core.format.RecordBatches.ATTRIBUTES_OFFSET;
import static io.eddy.core.format.RecordBatches.LENGTH_OFFSET;
import static io.eddy.core.format.RecordBatches.LOG_OVERHEAD;
import static io.eddy.core.format.RecordBatches.MAGIC_OFFSET;
import static io.eddy.core.format.RecordBatches.RECORDS_OFFSET;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.BatchFrames.Frame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * Checks the record batches of a binary produce before anything is stored, as Kafka's {@code LogValidator} does
 * on a broker; pure, stateless and thread-safe. Batches are never re-encoded or recompressed: a batch that passes
 * is stored byte for byte as sent, only its base offset rewritten (the CRC does not cover it).
 *
 * <p>For each frame, in this order:
 * <ol>
 *   <li>magic is 2 (Kafka v2 record batch) and the header is whole;</li>
 *   <li>the batch's own length (LENGTH + 12) is the frame's LENGTH;</li>
 *   <li>its size is at most {@code max.message.bytes}, else {@link ErrorCode#RECORD_TOO_LARGE} (413);</li>
 *   <li>the CRC32C matches;</li>
 *   <li>it is a plain data batch: not control, not transactional, create time, no delete horizon, else
 *       {@link ErrorCode#UNSUPPORTED_BATCH};</li>
 *   <li>the producer fields are consistent: producer id -1, or epoch and base sequence not negative;</li>
 *   <li>the records count is positive and last offset delta is count - 1;</li>
 *   <li>its codec is available here, else {@link ErrorCode#UNSUPPORTED_BATCH};</li>
 *   <li>every record decodes (decompressing the batch if compressed), there are exactly count of them, their
 *       offset deltas are 0..count-1 in order, timestamps are not negative and the greatest is the header's max
 *       timestamp.</li>
 * </ol>
 * Any other failure is {@link ErrorCode#CORRUPT_BATCH}. Every rejection carries details {@code frame} (the index of
 * the frame at fault, from 0) and {@code reason}; the 413 carries {@code frame}, {@code size} and
 * {@code max_message_bytes}.
 */
public final class BatchValidator {
    private BatchValidator() {
    }

    /** Decodes a binary produce body ({@link BatchFrames}) and validates every batch, in order. */
    public static List<ValidatedBatch> validate(ByteBuffer body, int maxMessageBytes) {
        return validate(BatchFrames.decode(body), maxMessageBytes);
    }

    /** Validates every frame's batch, in order; the first bad one fails the whole request. */
    public static List<ValidatedBatch> validate(List<Frame> frames, int maxMessageBytes) {
        if (frames.isEmpty()) {
            throw BatchFrames.corrupt(0, "no frames: a binary produce carries at least one batch");
        }
        List<ValidatedBatch> out = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            out.add(validate(i, frames.get(i), maxMessageBytes));
        }
        return out;
    }

    /**
     * Validates one frame's batch.
     *
     * @param index the frame's index in its request, named in the error's details
     */
    public static ValidatedBatch validate(int index, Frame frame, int maxMessageBytes) {
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("max.message.bytes must be positive: " + maxMessageBytes);
        }
        ByteBuffer bytes = frame.batch().duplicate().order(ByteOrder.BIG_ENDIAN);
        int start = bytes.position();
        int size = bytes.remaining();
        if (size <= MAGIC_OFFSET) {
            throw corrupt(index, size + " bytes: too short for a record batch");
        }
        byte magic = bytes.get(start + MAGIC_OFFSET);
        if (magic != RecordBatch.MAGIC_VALUE_V2) {
            throw corrupt(index, "magic " + magic + ": only Kafka v2 record batches (magic 2) are accepted");
        }
        if (size < RECORDS_OFFSET) {
            throw corrupt(index, size + " bytes: shorter than a v2 record batch header (" + RECORDS_OFFSET + ")");
        }
        long declared = (long) bytes.getInt(start + LENGTH_OFFSET) + LOG_OVERHEAD;
        if (declared != size) {
            throw corrupt(index, "the batch's length field says " + declared + " bytes, the frame holds " + size);
        }
        if (size > maxMessageBytes) {
            throw new EddyException(ErrorCode.RECORD_TOO_LARGE, "frame " + index + ": batch of " + size
                    + " bytes is larger than max.message.bytes " + maxMessageBytes,
                    Map.of("frame", index, "size", size, "max_message_bytes", maxMessageBytes));
        }
        RecordBatch batch = MemoryRecords.readableRecords(bytes.slice()).firstBatch();
        if (!batch.isValid()) {
            CRC32C crc = new CRC32C();
            crc.update(bytes.slice(start + ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET));
            throw corrupt(index, String.format("CRC mismatch: the header says %08x, the bytes give %08x",
                    batch.checksum(), crc.getValue()));
        }
        CompressionType compressionType;
        try {
            compressionType = batch.compressionType();
        } catch (IllegalArgumentException e) {
            throw corrupt(index, "unknown compression: " + e.getMessage());
        }
        if (batch.isControlBatch()) {
            throw unsupported(index, "control batch: Eddy has no transactions, so clients send no control records");
        }
        if (batch.isTransactional()) {
            throw unsupported(index, "transactional batch: Eddy has no transactions");
        }
        if (batch.timestampType() != TimestampType.CREATE_TIME) {
            throw unsupported(index, "timestamp type " + batch.timestampType() + ": producers send CreateTime");
        }
        if (batch.deleteHorizonMs().isPresent()) {
            throw unsupported(index, "delete horizon set: only a log cleaner sets it");
        }
        long producerId = batch.producerId();
        short producerEpoch = batch.producerEpoch();
        int baseSequence = batch.baseSequence();
        if (producerId < RecordBatch.NO_PRODUCER_ID) {
            throw corrupt(index, "invalid producer id " + producerId);
        }
        if (producerId != RecordBatch.NO_PRODUCER_ID && (producerEpoch < 0 || baseSequence < 0)) {
            throw corrupt(index, "producer id " + producerId + " with epoch " + producerEpoch + " and base sequence "
                    + baseSequence + ": an idempotent batch has neither negative");
        }
        Integer count = batch.countOrNull();
        long lastOffsetDelta = batch.lastOffset() - batch.baseOffset();
        if (count == null || count <= 0) {
            throw corrupt(index, "records count " + count + ": a batch holds at least one record");
        }
        if (lastOffsetDelta != count - 1) {
            throw corrupt(index, "last offset delta " + lastOffsetDelta + " does not match records count " + count);
        }
        BatchCompression compression = BatchCompression.of(compressionType);
        if (!compression.available()) {
            throw unsupported(index, "compression " + compression.wireName() + " is not available on this server");
        }
        long maxTimestamp = checkRecords(index, batch, count);
        return new ValidatedBatch(frame.partition(), frame.batch(), count, maxTimestamp, producerId,
                producerId == RecordBatch.NO_PRODUCER_ID ? RecordBatch.NO_PRODUCER_EPOCH : producerEpoch,
                producerId == RecordBatch.NO_PRODUCER_ID ? RecordBatch.NO_SEQUENCE : baseSequence, compression);
    }

    /** Reads every record, decompressing if need be, and returns the greatest timestamp. */
    private static long checkRecords(int index, RecordBatch batch, int count) {
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int read = 0;
        try (CloseableIterator<org.apache.kafka.common.record.Record> records =
                     batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                org.apache.kafka.common.record.Record r = records.next();
                long delta = r.offset() - batch.baseOffset();
                if (delta != read) {
                    throw corrupt(index, "record " + read + " has offset delta " + delta);
                }
                if (r.timestamp() < 0) {
                    throw corrupt(index, "record " + read + " has negative timestamp " + r.timestamp());
                }
                maxTimestamp = Math.max(maxTimestamp, r.timestamp());
                read++;
            }
        } catch (EddyException e) {
            throw e;
        } catch (RuntimeException e) {
            // untrusted bytes under a valid CRC: Kafka's readers throw InvalidRecordException, KafkaException
            // (decompression), BufferUnderflowException or IllegalArgumentException; all mean the same here
            String reason = "record " + read + " of " + count + " does not decode: " + rootMessage(e);
            throw new EddyException(ErrorCode.CORRUPT_BATCH, "frame " + index + ": " + reason,
                    Map.of("frame", index, "reason", reason), e);
        }
        if (read != count) {
            throw corrupt(index, "records count says " + count + ", the batch holds " + read);
        }
        if (maxTimestamp != batch.maxTimestamp()) {
            throw corrupt(index, "max timestamp " + batch.maxTimestamp() + " in the header, " + maxTimestamp
                    + " in the records");
        }
        return maxTimestamp;
    }

    private static EddyException corrupt(int frame, String reason) {
        return BatchFrames.corrupt(frame, reason);
    }

    private static EddyException unsupported(int frame, String reason) {
        return new EddyException(ErrorCode.UNSUPPORTED_BATCH, "frame " + frame + ": " + reason,
                Map.of("frame", frame, "reason", reason));
    }

    /**
     * The innermost cause's message: Kafka wraps a codec's failure in an exception whose message is the cause's
     * class name and message, and a class name has no place in an answer to a client.
     */
    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? "malformed bytes" : root.getMessage();
    }
}
