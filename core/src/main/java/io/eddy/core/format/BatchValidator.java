package io.eddy.core.format;

import static io.eddy.core.format.RecordBatches.ATTRIBUTES_OFFSET;
import static io.eddy.core.format.RecordBatches.BASE_TIMESTAMP_OFFSET;
import static io.eddy.core.format.RecordBatches.MAGIC_OFFSET;
import static io.eddy.core.format.RecordBatches.RECORDS_OFFSET;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.BatchFrames.Frame;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteUtils;
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
 *   <li>every record decodes, there are exactly count of them, their offset deltas are 0..count-1 in order,
 *       timestamps are not negative and the greatest is the header's max timestamp.</li>
 * </ol>
 * A compressed batch is decompressed as a stream and its records are read one at a time, so validating it holds
 * one record in memory, never the inflated batch: each record's length (the varint before it) is checked against
 * {@code max.message.bytes} before its buffer is allocated ({@link ErrorCode#RECORD_TOO_LARGE}, details
 * {@code record} and {@code size}), and the bytes inflated are bounded by {@link InflateLimits} per batch
 * ({@link ErrorCode#RECORD_TOO_LARGE}, {@code max_inflated_batch_bytes}) and per request
 * ({@link ErrorCode#REQUEST_TOO_LARGE}, {@code max_inflated_request_bytes}). kafka-clients' own compressed
 * iterator allocates whatever length a record declares (a 100-byte batch can declare 1.5 GB), so it is not used.
 * Any other failure is {@link ErrorCode#CORRUPT_BATCH}. Every rejection carries details {@code frame} (the index of
 * the frame at fault, from 0) and {@code reason}; the 413 carries {@code frame}, {@code size} and
 * {@code max_message_bytes}.
 */
public final class BatchValidator {
    private BatchValidator() {}

    /** Decodes a binary produce body ({@link BatchFrames}) and validates every batch, in order. */
    public static List<ValidatedBatch> validate(ByteBuffer body, int maxMessageBytes) {
        return validate(body, maxMessageBytes, InflateLimits.DEFAULT);
    }

    /** Decodes a binary produce body and validates every batch, in order, inflating no more than {@code limits}. */
    public static List<ValidatedBatch> validate(ByteBuffer body, int maxMessageBytes, InflateLimits limits) {
        return validate(BatchFrames.decode(body), maxMessageBytes, limits);
    }

    /** Validates every frame's batch, in order; the first bad one fails the whole request. */
    public static List<ValidatedBatch> validate(List<Frame> frames, int maxMessageBytes) {
        return validate(frames, maxMessageBytes, InflateLimits.DEFAULT);
    }

    /** Validates every frame's batch, in order, inflating no more than {@code limits} allow. */
    public static List<ValidatedBatch> validate(List<Frame> frames, int maxMessageBytes, InflateLimits limits) {
        if (frames.isEmpty()) {
            throw BatchFrames.corrupt(0, "no frames: a binary produce carries at least one batch");
        }
        Inflation inflation = new Inflation(limits);
        List<ValidatedBatch> out = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            out.add(validate(i, frames.get(i), maxMessageBytes, inflation));
        }
        return out;
    }

    /**
     * Validates one frame's batch.
     *
     * @param index the frame's index in its request, named in the error's details
     */
    public static ValidatedBatch validate(int index, Frame frame, int maxMessageBytes) {
        return validate(index, frame, maxMessageBytes, new Inflation(InflateLimits.DEFAULT));
    }

    private static ValidatedBatch validate(int index, Frame frame, int maxMessageBytes, Inflation inflation) {
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
        long declared = BatchIterator.declaredSize(bytes, start);
        if (declared != size) {
            throw corrupt(index, "the batch's length field says " + declared + " bytes, the frame holds " + size);
        }
        if (size > maxMessageBytes) {
            throw new EddyException(
                    ErrorCode.RECORD_TOO_LARGE,
                    "frame " + index + ": batch of " + size + " bytes is larger than max.message.bytes "
                            + maxMessageBytes,
                    Map.of("frame", index, "size", size, "max_message_bytes", maxMessageBytes));
        }
        RecordBatch batch = MemoryRecords.readableRecords(bytes.slice()).firstBatch();
        if (!batch.isValid()) {
            CRC32C crc = new CRC32C();
            crc.update(bytes.slice(start + ATTRIBUTES_OFFSET, size - ATTRIBUTES_OFFSET));
            throw corrupt(
                    index,
                    String.format(
                            "CRC mismatch: the header says %08x, the bytes give %08x",
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
            throw corrupt(
                    index,
                    "producer id " + producerId + " with epoch " + producerEpoch + " and base sequence " + baseSequence
                            + ": an idempotent batch has neither negative");
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
        long maxTimestamp = compression == BatchCompression.NONE
                ? checkRecords(index, batch, count)
                : checkCompressedRecords(
                        index,
                        batch,
                        bytes.getLong(start + BASE_TIMESTAMP_OFFSET),
                        bytes.slice(start + RECORDS_OFFSET, size - RECORDS_OFFSET),
                        compression,
                        count,
                        maxMessageBytes,
                        inflation);
        return new ValidatedBatch(
                frame.partition(),
                frame.batch(),
                count,
                maxTimestamp,
                producerId,
                producerId == RecordBatch.NO_PRODUCER_ID ? RecordBatch.NO_PRODUCER_EPOCH : producerEpoch,
                producerId == RecordBatch.NO_PRODUCER_ID ? RecordBatch.NO_SEQUENCE : baseSequence,
                compression);
    }

    /** Reads every record of an uncompressed batch (views of the batch's bytes) and returns the greatest timestamp. */
    private static long checkRecords(int index, RecordBatch batch, int count) {
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int read = 0;
        try (CloseableIterator<org.apache.kafka.common.record.Record> records =
                batch.streamingIterator(BufferSupplier.NO_CACHING)) {
            while (records.hasNext()) {
                maxTimestamp = Math.max(maxTimestamp, checkRecord(index, batch, read, records.next()));
                read++;
            }
        } catch (EddyException e) {
            throw e;
        } catch (RuntimeException e) {
            throw undecodable(index, read, count, e);
        }
        return checkTotals(index, batch, count, read, maxTimestamp);
    }

    /**
     * Reads the records of a compressed batch one at a time from a streaming decompression, each length checked
     * before its buffer exists, and returns the greatest timestamp. Nothing is inflated past the limits: a
     * record's bytes are counted before they are read, and snappy's declared chunk sizes before it decompresses.
     */
    private static long checkCompressedRecords(
            int index,
            RecordBatch batch,
            long baseTimestamp,
            ByteBuffer payload,
            BatchCompression compression,
            int count,
            int maxRecordBytes,
            Inflation inflation) {
        long maxTimestamp = RecordBatch.NO_TIMESTAMP;
        int read = 0;
        long inflated = 0;
        try {
            if (compression == BatchCompression.SNAPPY) {
                inflation.check(index, SnappyFraming.declaredSize(payload));
            }
            try (InputStream in = compression
                    .compression()
                    .wrapForInput(payload, RecordBatch.MAGIC_VALUE_V2, BufferSupplier.NO_CACHING)) {
                for (; read < count; read++) {
                    int length = ByteUtils.readVarint(in);
                    if (length < 0) {
                        throw corrupt(index, "record " + read + " has negative length " + length);
                    }
                    if (length > maxRecordBytes) {
                        throw new EddyException(
                                ErrorCode.RECORD_TOO_LARGE,
                                "frame " + index + ": record " + read + " declares " + length
                                        + " bytes, more than max.message.bytes " + maxRecordBytes,
                                Map.of(
                                        "frame",
                                        index,
                                        "record",
                                        read,
                                        "size",
                                        length,
                                        "max_message_bytes",
                                        maxRecordBytes));
                    }
                    int lengthSize = ByteUtils.sizeOfVarint(length);
                    inflated += lengthSize + length;
                    inflation.check(index, inflated);
                    ByteBuffer record = ByteBuffer.allocate(lengthSize + length);
                    ByteUtils.writeVarint(length, record);
                    int got = in.readNBytes(record.array(), lengthSize, length);
                    if (got < length) {
                        throw corrupt(
                                index,
                                "record " + read + " declares " + length + " bytes, the batch inflates to " + got
                                        + " more");
                    }
                    maxTimestamp = Math.max(
                            maxTimestamp,
                            checkRecord(
                                    index,
                                    batch,
                                    read,
                                    DefaultRecord.readFrom(
                                            record.rewind(),
                                            batch.baseOffset(),
                                            baseTimestamp,
                                            batch.baseSequence(),
                                            null)));
                }
                if (in.read() != -1) {
                    throw corrupt(
                            index,
                            "the batch does not decode as the " + count + " records the header counts: bytes "
                                    + "remain after the last");
                }
            }
        } catch (EddyException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw undecodable(index, read, count, e);
        }
        inflation.spend(inflated);
        return checkTotals(index, batch, count, read, maxTimestamp);
    }

    /** Checks one record's offset delta and timestamp; returns its timestamp. */
    private static long checkRecord(int index, RecordBatch batch, int read, org.apache.kafka.common.record.Record r) {
        long delta = r.offset() - batch.baseOffset();
        if (delta != read) {
            throw corrupt(index, "record " + read + " has offset delta " + delta);
        }
        if (r.timestamp() < 0) {
            throw corrupt(index, "record " + read + " has negative timestamp " + r.timestamp());
        }
        return r.timestamp();
    }

    private static long checkTotals(int index, RecordBatch batch, int count, int read, long maxTimestamp) {
        if (read != count) {
            throw corrupt(index, "records count says " + count + ", the batch holds " + read);
        }
        if (maxTimestamp != batch.maxTimestamp()) {
            throw corrupt(
                    index,
                    "max timestamp " + batch.maxTimestamp() + " in the header, " + maxTimestamp + " in the records");
        }
        return maxTimestamp;
    }

    /**
     * Untrusted bytes under a valid CRC: Kafka's readers throw InvalidRecordException, KafkaException
     * (decompression), BufferUnderflowException or IllegalArgumentException, the codecs IOException; all mean the
     * same here.
     */
    private static EddyException undecodable(int index, int read, int count, Exception e) {
        String reason = "record " + read + " of " + count + " does not decode: " + rootMessage(e);
        return new EddyException(
                ErrorCode.CORRUPT_BATCH, "frame " + index + ": " + reason, Map.of("frame", index, "reason", reason), e);
    }

    /** What one request may still inflate out of its compressed batches. Not thread-safe: one per request. */
    private static final class Inflation {
        private final InflateLimits limits;
        private long requestLeft;

        Inflation(InflateLimits limits) {
            this.limits = limits;
            this.requestLeft = limits.maxRequestBytes();
        }

        /** Refuses a batch that has inflated, or declares it will inflate, {@code batchBytes} so far. */
        void check(int index, long batchBytes) {
            if (batchBytes > limits.maxBatchBytes()) {
                throw new EddyException(
                        ErrorCode.RECORD_TOO_LARGE,
                        "frame " + index + ": the batch inflates past " + limits.maxBatchBytes()
                                + " bytes, the most one batch may",
                        Map.of("frame", index, "max_inflated_batch_bytes", limits.maxBatchBytes()));
            }
            if (batchBytes > requestLeft) {
                throw new EddyException(
                        ErrorCode.REQUEST_TOO_LARGE,
                        "frame " + index + ": the request's batches " + "inflate past " + limits.maxRequestBytes()
                                + " bytes, the most one request may",
                        Map.of("frame", index, "max_inflated_request_bytes", limits.maxRequestBytes()));
            }
        }

        void spend(long bytes) {
            requestLeft -= bytes;
        }
    }

    private static EddyException corrupt(int frame, String reason) {
        return BatchFrames.corrupt(frame, reason);
    }

    private static EddyException unsupported(int frame, String reason) {
        return new EddyException(
                ErrorCode.UNSUPPORTED_BATCH,
                "frame " + frame + ": " + reason,
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
