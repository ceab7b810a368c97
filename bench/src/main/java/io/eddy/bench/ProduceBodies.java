package io.eddy.bench;

import io.eddy.core.format.BatchFrames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.DefaultRecord;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;

/**
 * Builds binary produce bodies ({@code application/vnd.eddy.batches}, docs/protocol.md) the way a Kafka producer
 * fills its batches: per partition one uncompressed v2 batch of null-key records, as many as fit in
 * {@code batchBytes} (Kafka's {@code batch.size}), all with the same value, as Kafka's ProducerPerformance sends.
 * Not thread-safe: one per producer thread.
 */
final class ProduceBodies {
    private final int[] partitions;
    private final byte[] value;
    private final int recordsPerBatch;

    /** A body and what the server must answer for it: one frame per partition, in order. */
    record Body(byte[] bytes, int[] partitions, int recordsPerFrame) {
        int records() {
            return partitions.length * recordsPerFrame;
        }
    }

    ProduceBodies(int[] partitions, byte[] value, int batchBytes) {
        if (partitions.length == 0) {
            throw new IllegalArgumentException("a body needs at least one partition");
        }
        this.partitions = partitions.clone();
        this.value = value.clone();
        this.recordsPerBatch = recordsPerBatch(batchBytes, value.length);
    }

    /**
     * How many records of {@code valueSize} bytes (null key, no headers) fit in one batch of at most
     * {@code batchBytes}, counting the batch header; at least one, as Kafka sends a record larger than
     * {@code batch.size} in a batch of its own.
     */
    static int recordsPerBatch(int batchBytes, int valueSize) {
        int size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        int n = 0;
        while (true) {
            int next = DefaultRecord.sizeInBytes(n, 0L, 0, valueSize, new org.apache.kafka.common.header.Header[0]);
            if (n > 0 && size + next > batchBytes) {
                return n;
            }
            size += next;
            n++;
        }
    }

    int recordsPerBatch() {
        return recordsPerBatch;
    }

    /** A new body, its records timestamped {@code timestamp}; CRCs computed afresh, as a producer does. */
    Body next(long timestamp) {
        List<BatchFrames.Frame> frames = new ArrayList<>(partitions.length);
        for (int partition : partitions) {
            frames.add(new BatchFrames.Frame(partition, batch(timestamp)));
        }
        ByteBuffer body = BatchFrames.encode(frames);
        return new Body(body.array(), partitions, recordsPerBatch);
    }

    private ByteBuffer batch(long timestamp) {
        int estimate = DefaultRecordBatch.RECORD_BATCH_OVERHEAD + recordsPerBatch * (value.length + 16);
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(estimate),
                RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                0L);
        for (int i = 0; i < recordsPerBatch; i++) {
            builder.append(timestamp, null, value);
        }
        return builder.build().buffer();
    }
}
