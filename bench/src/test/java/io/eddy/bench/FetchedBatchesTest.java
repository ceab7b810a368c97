package io.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.format.BatchFrames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class FetchedBatchesTest {

    /** A v2 batch of {@code count} records with offsets from {@code base}, as a binary fetch returns it. */
    private static ByteBuffer batch(long base, int count, Compression compression) {
        MemoryRecordsBuilder b = MemoryRecords.builder(
                ByteBuffer.allocate(1024 + count * 64),
                RecordBatch.CURRENT_MAGIC_VALUE,
                compression,
                TimestampType.CREATE_TIME,
                base);
        for (int i = 0; i < count; i++) {
            b.append(1764000000000L + i, null, ("value-" + i).getBytes());
        }
        return b.build().buffer();
    }

    private static ByteBuffer body(int partition, ByteBuffer... batches) {
        List<BatchFrames.Frame> frames = new ArrayList<>();
        for (ByteBuffer b : batches) {
            frames.add(new BatchFrames.Frame(partition, b));
        }
        return BatchFrames.encode(frames);
    }

    @Test
    void countsRecordsFromBatchHeadersWithoutDecodingThem() throws Exception {
        ByteBuffer body = body(
                3,
                batch(100, 5, Compression.NONE),
                batch(105, 7, Compression.gzip().build()),
                batch(112, 1, Compression.NONE));

        FetchedBatches f = FetchedBatches.scan(body, 3, 100);

        assertThat(f.batches()).isEqualTo(3);
        assertThat(f.records()).isEqualTo(13);
        assertThat(f.nextOffset()).isEqualTo(113);
        assertThat(f.batchBytes()).isEqualTo(body.remaining() - 3 * FetchedBatches.FRAME_HEADER);
    }

    @Test
    void aFirstBatchStartingBeforeTheOffsetCountsOnlyTheRecordsFromIt() throws Exception {
        FetchedBatches f =
                FetchedBatches.scan(body(0, batch(10, 10, Compression.NONE), batch(20, 2, Compression.NONE)), 0, 14);

        assertThat(f.records()).isEqualTo(6 + 2);
        assertThat(f.nextOffset()).isEqualTo(22);
    }

    @Test
    void anEmptyBodyReadsNothingAndStaysAtTheOffset() throws Exception {
        FetchedBatches f = FetchedBatches.scan(ByteBuffer.allocate(0), 0, 42);

        assertThat(f.records()).isZero();
        assertThat(f.nextOffset()).isEqualTo(42);
    }

    @Test
    void aGapOrAnOverlapBetweenBatchesIsRefused() {
        assertThatThrownBy(() -> FetchedBatches.scan(
                        body(0, batch(0, 5, Compression.NONE), batch(6, 1, Compression.NONE)), 0, 0))
                .isInstanceOf(FetchedBatches.BadBodyException.class)
                .hasMessageContaining("offsets 6-6 where 5 was due");
        assertThatThrownBy(() -> FetchedBatches.scan(
                        body(0, batch(0, 5, Compression.NONE), batch(4, 1, Compression.NONE)), 0, 0))
                .isInstanceOf(FetchedBatches.BadBodyException.class);
        assertThatThrownBy(() -> FetchedBatches.scan(body(0, batch(7, 5, Compression.NONE)), 0, 3))
                .hasMessageContaining("the batch holding 3");
    }

    @Test
    void anotherPartitionACutFrameOrAWrongBatchLengthIsRefused() {
        assertThatThrownBy(() -> FetchedBatches.scan(body(2, batch(0, 1, Compression.NONE)), 1, 0))
                .hasMessageContaining("partition 2, asked 1");

        ByteBuffer whole = body(0, batch(0, 3, Compression.NONE));
        ByteBuffer cut = whole.duplicate();
        cut.limit(whole.limit() - 1);
        assertThatThrownBy(() -> FetchedBatches.scan(cut, 0, 0)).hasMessageContaining("does not fit");

        ByteBuffer lying = body(0, batch(0, 3, Compression.NONE));
        lying.putInt(
                FetchedBatches.FRAME_HEADER + FetchedBatches.LENGTH,
                lying.getInt(FetchedBatches.FRAME_HEADER + FetchedBatches.LENGTH) - 1);
        assertThatThrownBy(() -> FetchedBatches.scan(lying, 0, 0)).hasMessageContaining("is not the frame's");
    }
}
