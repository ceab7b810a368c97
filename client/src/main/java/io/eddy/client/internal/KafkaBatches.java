package io.eddy.client.internal;

import io.eddy.client.Header;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/**
 * Kafka v2 record batches in Eddy's binary framing (docs/protocol.md): frames of {@code PARTITION} int32,
 * {@code LENGTH} int32, {@code BATCH}. Encoding builds batches with kafka-clients' {@link MemoryRecords#builder};
 * decoding reads frames back into records. Stateless.
 */
public final class KafkaBatches {
    /** Frame header: partition (4 bytes) + length (4 bytes). */
    public static final int FRAME_HEADER = 8;

    private KafkaBatches() {}

    /** A record to encode. */
    public record Entry(byte[] key, byte[] value, Header[] headers, long timestamp) {
        /** An upper estimate of the record's bytes in a batch (Kafka's own size of the record plus slack). */
        public int estimatedSize() {
            return DefaultRecord.sizeInBytes(
                    Integer.MAX_VALUE >> 8,
                    0L,
                    key == null ? -1 : key.length,
                    value == null ? -1 : value.length,
                    kafkaHeaders(headers));
        }
    }

    /** A decoded record and its offset. */
    public record Decoded(long offset, long timestamp, byte[] key, byte[] value, List<Header> headers) {}

    /** A frame: the partition and one batch. */
    public record Frame(int partition, ByteBuffer batch) {}

    public static Compression compression(String name) {
        CompressionType type;
        try {
            type = CompressionType.forName(name.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "compression.type must be none, gzip, snappy, lz4 or zstd, not '" + name + "'", e);
        }
        return Compression.of(type).build();
    }

    /** One batch; producer id −1 for a non-idempotent producer. */
    public static ByteBuffer batch(
            List<Entry> entries, Compression compression, long producerId, short epoch, int baseSequence) {
        int estimate = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        for (Entry e : entries) {
            estimate += e.estimatedSize();
        }
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(estimate),
                RecordBatch.CURRENT_MAGIC_VALUE,
                compression,
                TimestampType.CREATE_TIME,
                0L,
                RecordBatch.NO_TIMESTAMP,
                producerId,
                epoch,
                baseSequence,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH);
        for (Entry e : entries) {
            builder.append(e.timestamp(), e.key(), e.value(), kafkaHeaders(e.headers()));
        }
        return builder.build().buffer();
    }

    public static byte[] frames(List<Frame> frames) {
        int size = 0;
        for (Frame f : frames) {
            size += FRAME_HEADER + f.batch().remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (Frame f : frames) {
            out.putInt(f.partition())
                    .putInt(f.batch().remaining())
                    .put(f.batch().duplicate());
        }
        return out.array();
    }

    /** The records of a binary fetch body at or after {@code from}, in offset order. */
    public static List<Decoded> decode(byte[] body, long from) {
        List<Decoded> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(body);
        while (buf.remaining() >= FRAME_HEADER) {
            buf.getInt(); // partition: the one fetched
            int length = buf.getInt();
            if (length < 0 || length > buf.remaining()) {
                throw new IllegalStateException(
                        "a fetch frame of " + length + " bytes with " + buf.remaining() + " left");
            }
            ByteBuffer batch = buf.slice();
            batch.limit(length);
            buf.position(buf.position() + length);
            for (RecordBatch b : MemoryRecords.readableRecords(batch).batches()) {
                if (b.isControlBatch()) {
                    continue;
                }
                for (Record r : b) {
                    if (r.offset() < from) {
                        continue;
                    }
                    List<Header> headers = new ArrayList<>();
                    for (org.apache.kafka.common.header.Header h : r.headers()) {
                        headers.add(new Header(h.key(), h.value()));
                    }
                    out.add(new Decoded(r.offset(), r.timestamp(), bytes(r.key()), bytes(r.value()), headers));
                }
            }
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    private static org.apache.kafka.common.header.Header[] kafkaHeaders(Header[] headers) {
        org.apache.kafka.common.header.Header[] out = new org.apache.kafka.common.header.Header[headers.length];
        for (int i = 0; i < headers.length; i++) {
            out[i] = new RecordHeader(headers[i].name(), headers[i].value());
        }
        return out;
    }
}
