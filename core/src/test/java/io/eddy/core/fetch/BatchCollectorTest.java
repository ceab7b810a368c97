package io.eddy.core.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.format.ChunkBuilder;
import io.eddy.core.format.RecordBatches;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchCollectorTest {
    /** Batches of 3, 2 and 4 records, stored at offsets 100.. of one entry. */
    private static final int[] SIZES = {3, 2, 4};

    private static final long BASE = 100;

    private static List<Record> oneByteRecords(int count) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new Record(-1, 1_000 + i, null, new byte[] {(byte) i}, List.of()));
        }
        return records;
    }

    private static byte[] chunk() {
        List<ByteBuffer> batches = new ArrayList<>();
        for (int size : SIZES) {
            batches.add(RecordBatches.encode(oneByteRecords(size), 0));
        }
        ByteBuffer out = ByteBuffer.allocate(
                batches.stream().mapToInt(ByteBuffer::remaining).sum());
        ChunkBuilder.append(out, batches, 0);
        return out.array();
    }

    private static IndexEntry entry(byte[] chunk) {
        return new IndexEntry(
                BASE, BASE + Arrays.stream(SIZES).sum() - 1, "obj", 0, chunk.length, 1_003, 0, List.of("a"));
    }

    private static BatchCollector collector(long offset, int maxRecords, int maxBytes, long highWatermark) {
        return collector(offset, maxRecords, maxBytes, highWatermark, true);
    }

    private static BatchCollector collector(
            long offset, int maxRecords, int maxBytes, long highWatermark, boolean atLeastOne) {
        return new BatchCollector(
                new FetchRequest("t", 0, offset, maxRecords, maxBytes, Duration.ZERO), highWatermark, atLeastOne);
    }

    private static List<Long> bases(BatchCollector c) {
        return c.batches.stream().map(ServedBatch::baseOffset).toList();
    }

    @Test
    void aReadFromMidBatchStartsWithTheWholeBatchAtItsRealBaseOffset() {
        byte[] chunk = chunk();
        BatchCollector c = collector(104, 100, 1 << 20, 109);

        c.accept(entry(chunk), ByteBuffer.wrap(chunk));

        assertThat(bases(c)).containsExactly(103L, 105L);
        assertThat(c.nextOffset()).isEqualTo(109);
        assertThat(c.full()).isTrue();
    }

    @Test
    void theFirstBatchComesWhateverMaxBytesAndTheRestWithinIt() {
        byte[] chunk = chunk();
        BatchCollector c = collector(100, 100, 1, 109);

        c.accept(entry(chunk), ByteBuffer.wrap(chunk));

        assertThat(bases(c)).containsExactly(100L);
        assertThat(c.nextOffset()).isEqualTo(103);
    }

    @Test
    void withoutAtLeastOneAFirstBatchLargerThanMaxBytesIsLeftAndTheReadStaysWhereItWas() {
        byte[] chunk = chunk();
        BatchCollector c = collector(100, 100, 1, 109, false);

        c.accept(entry(chunk), ByteBuffer.wrap(chunk));

        assertThat(c.batches).isEmpty();
        assertThat(c.nextOffset()).isEqualTo(100);
        assertThat(c.full()).isTrue();
    }

    @Test
    void withoutAtLeastOneTheBatchesThatFitMaxBytesCome() {
        byte[] chunk = chunk();
        int firstTwo = RecordBatches.encode(oneByteRecords(3), 0).remaining()
                + RecordBatches.encode(oneByteRecords(2), 0).remaining();
        BatchCollector c = collector(100, 100, firstTwo, 109, false);

        c.accept(entry(chunk), ByteBuffer.wrap(chunk));

        assertThat(bases(c)).containsExactly(100L, 103L);
    }

    @Test
    void maxRecordsCountsWholeBatches() {
        byte[] chunk = chunk();
        BatchCollector c = collector(100, 4, 1 << 20, 109);

        c.accept(entry(chunk), ByteBuffer.wrap(chunk));

        assertThat(bases(c)).containsExactly(100L, 103L);
        assertThat(c.records).isEqualTo(5);
    }

    @Test
    void batchesFromTheHighWatermarkOnAreLeft() {
        byte[] chunk = chunk();
        BatchCollector c = collector(100, 100, 1 << 20, 104);

        c.accept(entry(chunk), ByteBuffer.wrap(chunk));

        assertThat(bases(c)).containsExactly(100L, 103L);
    }

    @Test
    void theChunkIsNeverWrittenIntoAndEachBatchIsServedWithItsRealBaseOffset() {
        // the chunk is a view of a cached block that every reader shares: patching it would move their offsets
        byte[] chunk = chunk();
        byte[] before = chunk.clone();
        BatchCollector c = collector(100, 100, 1 << 20, 109);

        c.accept(entry(chunk), ByteBuffer.wrap(chunk));

        assertThat(chunk).isEqualTo(before);
        assertThat(c.batches.stream().map(b -> b.patched().getLong(RecordBatches.BASE_OFFSET_OFFSET)))
                .containsExactly(100L, 103L, 105L);
        ServedBatch second = c.batches.get(1);
        assertThat(second.afterBaseOffset())
                .as("the rest of the batch, as stored")
                .isEqualTo(ByteBuffer.wrap(chunk, second.stored().arrayOffset() + 8, second.sizeInBytes() - 8));
    }

    @Test
    void aChunkCutShortIsCorrupt() {
        byte[] chunk = Arrays.copyOf(chunk(), chunk().length - 1);
        BatchCollector c = collector(100, 100, 1 << 20, 109);

        assertThatThrownBy(() -> c.accept(entry(chunk), ByteBuffer.wrap(chunk)))
                .isInstanceOf(CorruptSegmentException.class);
    }
}
