package io.eddy.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.fixtures.RecordArbitraries;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;

class BatchIteratorTest {

    /** Batches laid end to end, each at its own base offset, and where each starts. */
    private record Laid(ByteBuffer buffer, List<ByteBuffer> batches, List<Integer> positions) {}

    @Provide
    Arbitrary<Laid> laidBatches() {
        return RecordArbitraries.recordLists(5)
                .list()
                .ofMaxSize(6)
                .flatMap(runs -> Arbitraries.longs().between(0, 1L << 40).map(base -> lay(runs, base)));
    }

    private static Laid lay(List<List<Record>> runs, long firstBase) {
        List<ByteBuffer> batches = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        long base = firstBase;
        int at = 0;
        for (List<Record> run : runs) {
            ByteBuffer batch = RecordBatches.encode(
                    run,
                    base,
                    base % 2 == 0 ? Compression.NONE : Compression.gzip().build());
            batches.add(batch);
            positions.add(at);
            at += batch.remaining();
            base += run.size();
        }
        ByteBuffer buffer = ByteBuffer.allocate(at);
        batches.forEach(b -> buffer.put(b.duplicate()));
        return new Laid(buffer.flip(), batches, positions);
    }

    @Property
    void walksExactlyTheBatchesThatWereWritten(@ForAll("laidBatches") Laid laid) {
        List<BatchIterator.Batch> walked = new ArrayList<>();
        BatchIterator.batches(laid.buffer()).forEach(walked::add);

        assertThat(walked).hasSameSizeAs(laid.batches());
        for (int i = 0; i < walked.size(); i++) {
            BatchIterator.Batch b = walked.get(i);
            ByteBuffer written = laid.batches().get(i);
            assertThat(b.position()).isEqualTo(laid.positions().get(i));
            assertThat(b.slice()).isEqualTo(written);
            assertThat(b.sizeInBytes()).isEqualTo(written.remaining());
            assertThat(b.baseOffset()).isEqualTo(written.getLong(RecordBatches.BASE_OFFSET_OFFSET));
            assertThat(b.lastOffsetDelta()).isEqualTo(written.getInt(RecordBatches.LAST_OFFSET_DELTA_OFFSET));
        }
        assertThat(laid.buffer().position()).isZero(); // the walked buffer is left alone
    }

    @Property
    void aBufferCutShortYieldsTheWholeBatchesBeforeTheCutThenFails(
            @ForAll("laidBatches") Laid laid, @ForAll @IntRange(min = 1, max = 1 << 16) int cut) {
        int total = laid.buffer().remaining();
        if (total == 0) {
            return;
        }
        int end = total - 1 - (cut % total); // somewhere before the end
        ByteBuffer shortened = laid.buffer().duplicate().limit(end);
        int whole = 0;
        while (whole < laid.batches().size()
                && laid.positions().get(whole) + laid.batches().get(whole).remaining() <= end) {
            whole++;
        }

        BatchIterator walk = BatchIterator.over(shortened);
        for (int i = 0; i < whole; i++) {
            assertThat(walk.next().position()).isEqualTo(laid.positions().get(i));
        }
        if (walk.hasNext()) {
            assertThatThrownBy(walk::next)
                    .isInstanceOf(CorruptSegmentException.class)
                    .hasMessageContaining("at byte " + laid.positions().get(whole));
        }
    }

    @Property
    void neverReadsPastTheLimitWhateverTheBytes(@ForAll byte[] bytes, @ForAll @IntRange(max = 64) int offset) {
        // the walk sees only [offset, offset + bytes.length) of a larger array whose outside is all 0x7f
        byte[] framed = new byte[offset + bytes.length + 64];
        Arrays.fill(framed, (byte) 0x7f);
        System.arraycopy(bytes, 0, framed, offset, bytes.length);
        ByteBuffer window = ByteBuffer.wrap(framed, offset, bytes.length);

        BatchIterator walk = BatchIterator.over(window);
        try {
            while (walk.hasNext()) {
                BatchIterator.Batch b = walk.next();
                assertThat(b.position()).isGreaterThanOrEqualTo(offset);
                assertThat(b.position() + b.sizeInBytes()).isLessThanOrEqualTo(offset + bytes.length);
                assertThat(b.sizeInBytes()).isGreaterThanOrEqualTo(RecordBatches.RECORDS_OFFSET);
            }
        } catch (CorruptSegmentException expected) {
            // a bad frame ends the walk with the typed error, never an index or underflow error
        }
    }

    @Test
    void aLengthShorterThanAHeaderIsCorrupt() {
        ByteBuffer batch = RecordBatches.encode(List.of(new Record(-1, 1, null, new byte[] {1}, List.of())), 0);
        batch.putInt(RecordBatches.LENGTH_OFFSET, 10);

        assertThatThrownBy(() -> BatchIterator.over(batch).next())
                .isInstanceOf(CorruptSegmentException.class)
                .hasMessageContaining("a batch of 22 bytes does not fit");
    }

    @Test
    void anEmptyBufferHasNoBatch() {
        assertThat(BatchIterator.over(ByteBuffer.allocate(0)).hasNext()).isFalse();
    }
}
