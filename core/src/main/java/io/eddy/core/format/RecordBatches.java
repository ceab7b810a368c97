package io.eddy.core.format;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteBufferOutputStream;

/**
 * Encodes and decodes runs of Kafka v2 record batches, through kafka-clients. In a segment chunk, batches carry
 * base offsets relative to the chunk (the first batch 0): real offsets are assigned at commit, and a record's
 * offset is the index entry's base offset plus its offset within the chunk. Stateless and thread-safe.
 *
 * <p>The header of a Kafka v2 record batch ({@code DefaultRecordBatch}), big-endian, as far as Eddy reads it:
 * <pre>
 * offset  length  field
 *      0       8  BASE_OFFSET          not covered by the CRC: rewritten by {@link #setBaseOffset}
 *      8       4  LENGTH               bytes after this field: the batch is LENGTH + 12 bytes
 *     12       4  PARTITION_LEADER_EPOCH  not covered by the CRC
 *     16       1  MAGIC                2
 *     17       4  CRC                  CRC32C of everything from ATTRIBUTES to the end of the batch
 *     21       2  ATTRIBUTES           bits 0-2 compression, 3 timestamp type, 4 transactional, 5 control,
 *                                      6 delete horizon
 *     23       4  LAST_OFFSET_DELTA    RECORDS_COUNT - 1 for a batch a producer sends
 *     27       8  BASE_TIMESTAMP
 *     35       8  MAX_TIMESTAMP
 *     43       8  PRODUCER_ID          -1 when the producer is not idempotent
 *     51       2  PRODUCER_EPOCH
 *     53       4  BASE_SEQUENCE
 *     57       4  RECORDS_COUNT
 *     61          records (compressed as one block when the batch is compressed)
 * </pre>
 */
public final class RecordBatches {
    public static final int BASE_OFFSET_OFFSET = 0;
    public static final int LENGTH_OFFSET = 8;
    /** Base offset and length, the bytes LENGTH does not count: a batch is LENGTH + LOG_OVERHEAD bytes. */
    public static final int LOG_OVERHEAD = 12;

    public static final int PARTITION_LEADER_EPOCH_OFFSET = 12;
    public static final int MAGIC_OFFSET = 16;
    public static final int CRC_OFFSET = 17;
    public static final int ATTRIBUTES_OFFSET = 21;
    public static final int LAST_OFFSET_DELTA_OFFSET = 23;
    public static final int BASE_TIMESTAMP_OFFSET = 27;
    public static final int MAX_TIMESTAMP_OFFSET = 35;
    public static final int PRODUCER_ID_OFFSET = 43;
    public static final int PRODUCER_EPOCH_OFFSET = 51;
    public static final int BASE_SEQUENCE_OFFSET = 53;
    public static final int RECORDS_COUNT_OFFSET = 57;
    /** The header's length: where the records start, and the size of a batch without records. */
    public static final int RECORDS_OFFSET = 61;

    private RecordBatches() {}

    /** One uncompressed v2 batch holding {@code records} in order, at offsets {@code baseOffset} and up. */
    public static ByteBuffer encode(List<Record> records, long baseOffset) {
        return encode(records, baseOffset, Compression.NONE);
    }

    /** One v2 batch holding {@code records} in order, at offsets {@code baseOffset} and up, compressed. */
    public static ByteBuffer encode(List<Record> records, long baseOffset, Compression compression) {
        return encode(
                records,
                baseOffset,
                compression,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE);
    }

    /**
     * One v2 batch of an idempotent producer: {@code producerId}, {@code producerEpoch} and {@code baseSequence} are
     * written into the batch header (all three -1 for a producer that is not idempotent).
     */
    public static ByteBuffer encode(
            List<Record> records,
            long baseOffset,
            Compression compression,
            long producerId,
            short producerEpoch,
            int baseSequence) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one record");
        }
        if (producerId == RecordBatch.NO_PRODUCER_ID
                ? producerEpoch != RecordBatch.NO_PRODUCER_EPOCH || baseSequence != RecordBatch.NO_SEQUENCE
                : producerId < 0 || producerEpoch < 0 || baseSequence < 0) {
            throw new IllegalArgumentException("producer id " + producerId + ", epoch " + producerEpoch + ", sequence "
                    + baseSequence + ": either all three are -1 or none is negative");
        }
        int estimate = RECORDS_OFFSET;
        for (Record r : records) {
            estimate += r.sizeInBytes() + 16;
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(estimate),
                RecordBatch.CURRENT_MAGIC_VALUE,
                compression,
                TimestampType.CREATE_TIME,
                baseOffset,
                RecordBatch.NO_TIMESTAMP,
                producerId,
                producerEpoch,
                baseSequence);
        long offset = baseOffset;
        for (Record r : records) {
            builder.appendWithOffset(offset++, r.timestamp(), r.key(), r.value(), kafkaHeaders(r.headers()));
        }
        return builder.build().buffer();
    }

    /**
     * Encodes records that keep their own offsets, gaps allowed (a compacted run), as one batch whose offsets are
     * relative to {@code entryBase}: record {@code r} gets offset {@code r.offset() - entryBase}.
     */
    public static ByteBuffer encodeAt(List<Record> records, long entryBase, Compression compression) {
        return encodeAt(records, entryBase, compression, RecordBatch.NO_TIMESTAMP);
    }

    /**
     * As {@link #encodeAt(List, long, Compression)}, with Kafka's delete horizon (KIP-534) in the header when
     * {@code deleteHorizonMs} is not {@code NO_TIMESTAMP}: the time from which a log cleaner may drop the batch's
     * tombstones. It goes in BASE_TIMESTAMP with attribute bit 6 set; record timestamps keep their values.
     */
    public static ByteBuffer encodeAt(
            List<Record> records, long entryBase, Compression compression, long deleteHorizonMs) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one record");
        }
        int estimate = 64 + records.stream().mapToInt(r -> r.sizeInBytes() + 32).sum();
        ByteBuffer buffer = ByteBuffer.allocate(estimate);
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(
                new ByteBufferOutputStream(buffer),
                RecordBatch.MAGIC_VALUE_V2,
                compression,
                TimestampType.CREATE_TIME,
                records.get(0).offset() - entryBase,
                RecordBatch.NO_TIMESTAMP,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH,
                buffer.capacity(),
                deleteHorizonMs);
        for (Record r : records) {
            builder.appendWithOffset(
                    r.offset() - entryBase, r.timestamp(), r.key(), r.value(), kafkaHeaders(r.headers()));
        }
        return builder.build().buffer();
    }

    /**
     * Writes {@code baseOffset} into the header of the v2 batch starting at {@code batch}'s position, in place,
     * leaving the buffer's position and limit alone. The batch CRC does not cover the base offset, so the batch
     * stays valid; its records' offsets move with it. Pass a duplicate or slice to leave another view untouched.
     */
    public static void setBaseOffset(ByteBuffer batch, long baseOffset) {
        if (baseOffset < 0) {
            throw new IllegalArgumentException("negative base offset " + baseOffset);
        }
        if (batch.remaining() < RECORDS_OFFSET) {
            throw new IllegalArgumentException("not a record batch: " + batch.remaining() + " bytes");
        }
        batch.duplicate().order(ByteOrder.BIG_ENDIAN).putLong(batch.position() + BASE_OFFSET_OFFSET, baseOffset);
    }

    /**
     * Decodes a chunk's batches into records with absolute offsets ({@code baseOffset} + offset in chunk),
     * keeping those in [{@code from}, {@code to}].
     */
    public static List<Record> decode(ByteBuffer chunk, long baseOffset, long from, long to) {
        List<Record> out = new ArrayList<>();
        try {
            MemoryRecords records = MemoryRecords.readableRecords(chunk.duplicate());
            if (records.validBytes() != chunk.remaining()) {
                throw new CorruptSegmentException("record batches end " + (chunk.remaining() - records.validBytes())
                        + " bytes before the chunk does: a batch is cut short or its length is wrong");
            }
            for (MutableRecordBatch batch : records.batches()) {
                batch.ensureValid();
                if (baseOffset + batch.lastOffset() < from) {
                    continue;
                }
                for (org.apache.kafka.common.record.Record r : batch) {
                    long offset = baseOffset + r.offset();
                    if (offset < from) {
                        continue;
                    }
                    if (offset > to) {
                        return out;
                    }
                    out.add(new Record(offset, r.timestamp(), bytes(r.key()), bytes(r.value()), headers(r.headers())));
                }
            }
        } catch (KafkaException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new CorruptSegmentException("record batch does not decode: " + e.getMessage());
        }
        return out;
    }

    /**
     * The delete horizon of every tombstone (record with a null value) in a chunk's batches that carry one, by
     * absolute offset ({@code baseOffset} + offset in chunk). Batches without a horizon are not decompressed.
     */
    public static Map<Long, Long> tombstoneHorizons(ByteBuffer chunk, long baseOffset) {
        Map<Long, Long> out = new HashMap<>();
        try {
            for (MutableRecordBatch batch :
                    MemoryRecords.readableRecords(chunk.duplicate()).batches()) {
                OptionalLong horizon = batch.deleteHorizonMs();
                if (horizon.isEmpty()) {
                    continue;
                }
                for (org.apache.kafka.common.record.Record r : batch) {
                    if (!r.hasValue()) {
                        out.put(baseOffset + r.offset(), horizon.getAsLong());
                    }
                }
            }
        } catch (KafkaException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new CorruptSegmentException("record batch does not decode: " + e.getMessage());
        }
        return out;
    }

    private static org.apache.kafka.common.header.Header[] kafkaHeaders(List<Header> headers) {
        org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = new RecordHeader(headers.get(i).name(), headers.get(i).value());
        }
        return out;
    }

    private static List<Header> headers(org.apache.kafka.common.header.Header[] headers) {
        List<Header> out = new ArrayList<>(headers.length);
        for (org.apache.kafka.common.header.Header h : headers) {
            out.add(new Header(h.key(), h.value()));
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] b = new byte[buffer.remaining()];
        buffer.duplicate().get(b);
        return b;
    }
}
