package io.eddy.core.format;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/**
 * Encodes and decodes runs of Kafka v2 record batches, through kafka-clients. Batches are written with base
 * offset 0: real offsets are assigned at commit, and a record's offset is the index entry's base offset plus
 * its offset within the chunk. Stateless and thread-safe.
 */
public final class RecordBatches {
    private RecordBatches() {
    }

    /** One uncompressed v2 batch holding {@code records} in order, at offsets {@code baseOffset} and up. */
    public static ByteBuffer encode(List<Record> records, long baseOffset) {
        return encode(records, baseOffset, Compression.NONE, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE);
    }

    /**
     * One v2 batch holding {@code records} in order, at offsets {@code baseOffset} and up, compressed as asked and
     * stamped with an idempotent producer's fields ({@code producerId} -1 for none).
     */
    public static ByteBuffer encode(List<Record> records, long baseOffset, Compression compression, long producerId,
                                    short producerEpoch, int baseSequence) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one record");
        }
        int estimate = 64;
        for (Record r : records) {
            estimate += r.sizeInBytes() + 16;
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(estimate), RecordBatch.CURRENT_MAGIC_VALUE,
                compression, TimestampType.CREATE_TIME, baseOffset, RecordBatch.NO_TIMESTAMP, producerId, producerEpoch,
                baseSequence);
        long offset = baseOffset;
        for (Record r : records) {
            builder.appendWithOffset(offset++, r.timestamp(), r.key(), r.value(), kafkaHeaders(r.headers()));
        }
        return builder.build().buffer();
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
