package io.eddy.core.format;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.BatchFrames.Frame;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compressed batches that are small on the wire and huge inflated, in every codec: a record length that
 * declares 1.5 GB (a length bomb) and hundreds of MiB of zeros that compress to almost nothing (a zero bomb).
 * Each is refused at once, and the validating thread allocates a small fraction of what the batch declares
 * (measured with the JVM's per-thread allocation counter, so a buffer allocated and dropped counts too).
 */
class DecompressionBombTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final int MAX = 1_048_588;
    private static final int MIB = 1 << 20;

    @ParameterizedTest
    @EnumSource(value = BatchCompression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aRecordLengthBeyondMaxMessageBytesIsTooLargeBeforeAnythingIsAllocated(BatchCompression codec) {
        int declared = 1_500_000_000;
        ByteBuffer bomb = batch(codec, 1, out -> {
            ByteUtils.writeVarint(declared, out);
            out.write(new byte[64]);
        });
        assertThat(bomb.remaining()).as("the bomb is small on the wire").isLessThan(1024);

        Outcome o = validate(List.of(new Frame(0, bomb)), MAX, InflateLimits.DEFAULT);

        assertThat(o.error()).as("refused").isNotNull();
        assertThat(o.error().code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
        assertThat(o.error().details())
                .containsEntry("frame", 0)
                .containsEntry("record", 0)
                .containsEntry("size", declared)
                .containsEntry("max_message_bytes", MAX);
        assertThat(o.allocated())
                .as("bytes allocated validating a batch that declares %d", declared)
                .isLessThan(16L * MIB);
    }

    @ParameterizedTest
    @EnumSource(value = BatchCompression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void zerosThatInflatePastTheBatchLimitAreTooLargeWithoutInflatingThemAll(BatchCompression codec) {
        int records = 256;
        int valueSize = MIB - 64;
        long declared = (long) records * valueSize;
        ByteBuffer bomb = batch(codec, records, out -> zeroRecords(out, records, valueSize));
        InflateLimits limits = new InflateLimits(8L * MIB, 16L * MIB);

        Outcome o = validate(List.of(new Frame(0, bomb)), 32 * MIB, limits);

        assertThat(o.error()).as("refused").isNotNull();
        assertThat(o.error().code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
        assertThat(o.error().details()).containsEntry("frame", 0).containsEntry("max_inflated_batch_bytes", 8L * MIB);
        assertThat(o.allocated())
                .as("bytes allocated validating %d bytes of zeros in a %d-byte batch", declared, bomb.remaining())
                .isLessThan(declared / 8);
    }

    @ParameterizedTest
    @EnumSource(value = BatchCompression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void batchesThatTogetherInflatePastTheRequestLimitAreTooLarge(BatchCompression codec) {
        ByteBuffer six = batch(codec, 6, out -> zeroRecords(out, 6, MIB - 64));
        InflateLimits limits = new InflateLimits(8L * MIB, 10L * MIB);

        Outcome alone = validate(List.of(new Frame(0, six.duplicate())), 32 * MIB, limits);
        Outcome two = validate(List.of(new Frame(0, six.duplicate()), new Frame(1, six.duplicate())), 32 * MIB, limits);

        assertThat(alone.error()).as("one batch of 6 MiB is within both limits").isNull();
        assertThat(two.error()).as("refused").isNotNull();
        assertThat(two.error().code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
        assertThat(two.error().details())
                .containsEntry("frame", 1)
                .containsEntry("max_inflated_request_bytes", 10L * MIB);
    }

    @ParameterizedTest
    @EnumSource(value = BatchCompression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void recordsWithinTheLimitsAreReadOneByOneAndPass(BatchCompression codec) {
        ByteBuffer four = batch(codec, 4, out -> zeroRecords(out, 4, MIB - 64));

        List<ValidatedBatch> v =
                BatchValidator.validate(List.of(new Frame(3, four)), 32 * MIB, new InflateLimits(8L * MIB, 8L * MIB));

        assertThat(v).singleElement().satisfies(b -> {
            assertThat(b.records()).isEqualTo(4);
            assertThat(b.maxTimestamp()).isEqualTo(T0);
            assertThat(b.compression()).isEqualTo(codec);
        });
    }

    @ParameterizedTest
    @EnumSource(value = BatchCompression.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void aRecordLengthPastWhatTheStreamHoldsIsCorrupt(BatchCompression codec) {
        ByteBuffer cut = batch(codec, 1, out -> {
            ByteUtils.writeVarint(1000, out);
            out.write(new byte[10]);
        });

        Outcome o = validate(List.of(new Frame(0, cut)), MAX, InflateLimits.DEFAULT);

        assertThat(o.error()).as("refused").isNotNull();
        assertThat(o.error().code()).isEqualTo(ErrorCode.CORRUPT_BATCH);
        assertThat(o.error().details()).containsEntry("frame", 0);
    }

    // --- bombs ----------------------------------------------------------------------------------------------

    private interface RecordsWriter {
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * A v2 batch of {@code count} records whose (uncompressed) records section is whatever {@code records}
     * writes, compressed with {@code codec} as a producer would, under a valid CRC: what a forger sends.
     */
    static ByteBuffer batch(BatchCompression codec, int count, RecordsWriter records) {
        ByteBufferOutputStream out = new ByteBufferOutputStream(4096);
        try (DataOutputStream compressed =
                new DataOutputStream(codec.compression().wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2))) {
            records.write(compressed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer payload = out.buffer().flip();
        ByteBuffer batch = ByteBuffer.allocate(RecordBatches.RECORDS_OFFSET + payload.remaining());
        batch.position(RecordBatches.RECORDS_OFFSET);
        batch.put(payload).flip();
        DefaultRecordBatch.writeHeader(
                batch,
                0L,
                count - 1,
                batch.limit(),
                RecordBatch.MAGIC_VALUE_V2,
                codec.type(),
                TimestampType.CREATE_TIME,
                T0,
                T0,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                false,
                false,
                RecordBatch.NO_PARTITION_LEADER_EPOCH,
                count);
        return batch.rewind(); // writeHeader leaves the position after the header
    }

    /** Well-formed records at T0, no key, each a value of {@code valueSize} zeros. */
    static void zeroRecords(DataOutputStream out, int count, int valueSize) throws IOException {
        byte[] zeros = new byte[64 * 1024];
        for (int i = 0; i < count; i++) {
            int body = 1 + 1 + ByteUtils.sizeOfVarint(i) + 1 + ByteUtils.sizeOfVarint(valueSize) + valueSize + 1;
            ByteUtils.writeVarint(body, out);
            out.write(0); // attributes
            ByteUtils.writeVarlong(0, out); // timestamp delta
            ByteUtils.writeVarint(i, out); // offset delta
            ByteUtils.writeVarint(-1, out); // no key
            ByteUtils.writeVarint(valueSize, out);
            for (int left = valueSize; left > 0; left -= zeros.length) {
                out.write(zeros, 0, Math.min(left, zeros.length));
            }
            ByteUtils.writeVarint(0, out); // no headers
        }
    }

    // --- measuring ------------------------------------------------------------------------------------------

    private record Outcome(EddyException error, long allocated) {}

    /** Validates on this thread and counts the bytes this thread allocated meanwhile. */
    private static Outcome validate(List<Frame> frames, int maxMessageBytes, InflateLimits limits) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        Supplier<Long> allocated = () -> threads.getThreadAllocatedBytes(id);
        long before = allocated.get();
        EddyException error = null;
        try {
            BatchValidator.validate(frames, maxMessageBytes, limits);
        } catch (EddyException e) {
            error = e;
        }
        return new Outcome(error, allocated.get() - before);
    }
}
