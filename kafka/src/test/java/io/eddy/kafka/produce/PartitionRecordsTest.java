package io.eddy.kafka.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.kafka.produce.PartitionRecords.Refused;
import io.eddy.kafka.produce.PartitionRecords.Taken;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PartitionRecordsTest {
    private static final SimpleRecord RECORD = new SimpleRecord(1_700_000_000_000L, "k".getBytes(), "v".getBytes());

    static Stream<Arguments> refused() {
        MemoryRecords one = MemoryRecords.withRecords(Compression.NONE, RECORD);
        ByteBuffer two = ByteBuffer.allocate(2 * one.sizeInBytes());
        two.put(one.buffer()).put(one.buffer()).flip();
        ByteBuffer cut = one.buffer().limit(one.sizeInBytes() - 1).slice();
        return Stream.of(
                Arguments.of("no records", null, Errors.INVALID_RECORD),
                Arguments.of("empty records", MemoryRecords.EMPTY, Errors.INVALID_RECORD),
                Arguments.of("two batches", MemoryRecords.readableRecords(two), Errors.INVALID_RECORD),
                Arguments.of(
                        "magic 1",
                        MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V1, Compression.NONE, RECORD, RECORD),
                        Errors.INVALID_RECORD),
                Arguments.of("cut short", MemoryRecords.readableRecords(cut), Errors.CORRUPT_MESSAGE),
                Arguments.of(
                        "transactional",
                        MemoryRecords.withTransactionalRecords(Compression.NONE, 5L, (short) 0, 0, RECORD),
                        Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void refused(String what, MemoryRecords records, Errors error) {
        PartitionRecords.Outcome outcome = PartitionRecords.take(3, records);

        assertThat(outcome).isInstanceOf(Refused.class);
        assertThat(((Refused) outcome).error()).isEqualTo(error);
        assertThat(((Refused) outcome).message()).startsWith("partition 3: ");
    }

    @Test
    void oneV2BatchIsTakenAsItsSliceOfTheFrameNotCopied() {
        MemoryRecords records =
                MemoryRecords.withIdempotentRecords(Compression.gzip().build(), 9L, (short) 1, 4, RECORD);
        ByteBuffer frame = ByteBuffer.allocate(7 + records.sizeInBytes() + 5);
        frame.position(7);
        frame.put(records.buffer().duplicate()).position(7).limit(7 + records.sizeInBytes());
        byte[] sent = Arrays.copyOf(records.buffer().array(), records.sizeInBytes());

        PartitionRecords.Outcome outcome = PartitionRecords.take(2, MemoryRecords.readableRecords(frame.slice()));

        assertThat(outcome).isInstanceOf(Taken.class);
        Taken taken = (Taken) outcome;
        assertThat(taken.frame().partition()).isEqualTo(2);
        ByteBuffer batch = taken.frame().batch();
        byte[] kept = new byte[batch.remaining()];
        batch.duplicate().get(kept);
        assertThat(kept).isEqualTo(sent);
        assertThat(batch.array()).isSameAs(frame.array());
        assertThat(batch.arrayOffset()).isEqualTo(7);
    }
}
