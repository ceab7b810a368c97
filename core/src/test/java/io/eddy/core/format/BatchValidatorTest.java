package io.eddy.core.format;

import static io.eddy.core.format.BatchFramesTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.RecordArbitraries;
import io.eddy.core.fixtures.RecordView;
import io.eddy.core.format.BatchFrames.Frame;
import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.LeaderChangeMessage;
import org.apache.kafka.common.record.ControlRecordType;
import org.apache.kafka.common.record.EndTransactionMarker;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MemoryRecordsBuilder;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.record.TimestampType;

class BatchValidatorTest {
    private static final long T0 = 1_764_000_000_000L;
    private static final int MAX = 1_048_588;

    /** What a producer would send, per frame. */
    record Sent(
            int partition,
            List<Record> records,
            BatchCompression codec,
            long producerId,
            short epoch,
            int baseSequence) {
        ByteBuffer batch() {
            return RecordBatches.encode(records, 0, codec.compression(), producerId, epoch, baseSequence);
        }
    }

    @Property(tries = 200)
    void validBatchesPassByteForByteWithTheirHeaderFacts(@ForAll("requests") List<Sent> sent) {
        List<Frame> frames =
                sent.stream().map(s -> new Frame(s.partition(), s.batch())).toList();
        List<byte[]> sentBytes = frames.stream().map(f -> bytes(f.batch())).toList();

        List<ValidatedBatch> validated = BatchValidator.validate(BatchFrames.encode(frames), Integer.MAX_VALUE);

        assertThat(validated).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
            Sent s = sent.get(i);
            ValidatedBatch v = validated.get(i);
            assertThat(bytes(v.batch())).isEqualTo(sentBytes.get(i));
            assertThat(v.partition()).isEqualTo(s.partition());
            assertThat(v.records()).isEqualTo(s.records().size());
            assertThat(v.maxTimestamp())
                    .isEqualTo(s.records().stream()
                            .mapToLong(Record::timestamp)
                            .max()
                            .orElseThrow());
            assertThat(v.producerId()).isEqualTo(s.producerId());
            assertThat(v.producerEpoch()).isEqualTo(s.epoch());
            assertThat(v.baseSequence()).isEqualTo(s.baseSequence());
            assertThat(v.idempotent()).isEqualTo(s.producerId() >= 0);
            assertThat(v.compression()).isEqualTo(s.codec());
            assertThat(v.sizeInBytes()).isEqualTo(sentBytes.get(i).length);
            assertThat(RecordView.of(RecordBatches.decode(v.batch(), 100, 0, Long.MAX_VALUE)))
                    .containsExactlyElementsOf(RecordView.at(100, s.records()));
        }
    }

    @Example
    void validatedBatchIsTheBodysBytesAndItsBaseOffsetCanBeRewritten() {
        ByteBuffer body = body(7, RecordBatches.encode(numbered(3), 0, BatchCompression.ZSTD.compression()));

        ValidatedBatch v = BatchValidator.validate(body, MAX).get(0);
        RecordBatches.setBaseOffset(v.batch(), 9_030);

        assertThat(body.getLong(BatchFrames.BATCH_OFFSET)).isEqualTo(9_030);
        assertThat(BatchValidator.validate(body, MAX))
                .singleElement()
                .extracting(ValidatedBatch::records)
                .isEqualTo(3);
        assertThat(RecordBatches.decode(v.batch(), 0, 0, Long.MAX_VALUE))
                .extracting(Record::offset)
                .containsExactly(9_030L, 9_031L, 9_032L);
    }

    @Example
    void lastSequenceWrapsAsKafkas() {
        ByteBuffer batch = RecordBatches.encode(numbered(3), 0, Compression.NONE, 5, (short) 0, Integer.MAX_VALUE - 1);

        ValidatedBatch v = BatchValidator.validate(body(0, batch), MAX).get(0);

        assertThat(v.lastSequence()).isEqualTo(0);
    }

    // --- rejections, one per reason ---------------------------------------------------------------------------

    @Example
    void flippedCrcByteIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(3), 0));
        batch[RecordBatches.CRC_OFFSET + 2] ^= 0x01;

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "CRC mismatch");
    }

    @Property(tries = 100)
    void flippedBitUnderTheCrcIsCorrupt(
            @ForAll("codecs") BatchCompression codec, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pick) {
        byte[] batch = bytes(RecordBatches.encode(numbered(5), 0, codec.compression()));
        int bit = RecordBatches.ATTRIBUTES_OFFSET * 8 + pick % ((batch.length - RecordBatches.ATTRIBUTES_OFFSET) * 8);
        batch[bit / 8] ^= (byte) (1 << (bit % 8));

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "CRC mismatch");
    }

    /** A frame whose LENGTH stops inside the batch: the batch's own length field disagrees. */
    @Example
    void batchCutShortInsideItsFrameIsCorrupt() {
        byte[] whole = bytes(RecordBatches.encode(numbered(3), 0));
        byte[] cut = Arrays.copyOf(whole, whole.length - 5);

        assertRejected(body(0, cut), ErrorCode.CORRUPT_BATCH, 0, "length field says " + whole.length);
    }

    @Example
    void batchShorterThanAHeaderIsCorrupt() {
        byte[] cut = Arrays.copyOf(bytes(RecordBatches.encode(numbered(1), 0)), 40);

        assertRejected(body(0, cut), ErrorCode.CORRUPT_BATCH, 0, "shorter than a v2 record batch header");
        assertRejected(body(0, new byte[3]), ErrorCode.CORRUPT_BATCH, 0, "too short for a record batch");
    }

    @Example
    void lengthFieldDisagreeingWithTheFrameIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(3), 0));
        ByteBuffer.wrap(batch).putInt(RecordBatches.LENGTH_OFFSET, batch.length - 12 - 1);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "length field says " + (batch.length - 1));
    }

    @Example
    void magicOneBatchIsCorrupt() {
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(256), RecordBatch.MAGIC_VALUE_V1, Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.appendWithOffset(0, T0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        ByteBuffer v1 = builder.build().buffer();

        assertRejected(body(0, v1), ErrorCode.CORRUPT_BATCH, 0, "magic 1");
    }

    @Example
    void transactionalBatchIsUnsupported() {
        ByteBuffer batch = MemoryRecords.withTransactionalRecords(
                        Compression.NONE,
                        42L,
                        (short) 1,
                        0,
                        new SimpleRecord(
                                T0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)))
                .buffer();

        assertRejected(body(0, batch), ErrorCode.UNSUPPORTED_BATCH, 0, "transactional");
    }

    /** Not transactional, so only the control check can catch it. */
    @Example
    void controlBatchIsUnsupported() {
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(256),
                RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE,
                TimestampType.CREATE_TIME,
                0L,
                T0,
                RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE,
                false,
                true,
                0);
        builder.appendLeaderChangeMessage(T0, new LeaderChangeMessage());
        ByteBuffer batch = builder.build().buffer();
        assertThat(MemoryRecords.readableRecords(batch.duplicate()).firstBatch().isTransactional())
                .isFalse();

        assertRejected(body(0, batch), ErrorCode.UNSUPPORTED_BATCH, 0, "control batch");
    }

    @Example
    void transactionMarkerIsUnsupported() {
        ByteBuffer batch = MemoryRecords.withEndTransactionMarker(
                        0L,
                        T0,
                        RecordBatch.NO_PARTITION_LEADER_EPOCH,
                        42L,
                        (short) 1,
                        new EndTransactionMarker(ControlRecordType.COMMIT, 0))
                .buffer();

        assertRejected(body(0, batch), ErrorCode.UNSUPPORTED_BATCH, 0, "control batch");
    }

    @Example
    void logAppendTimeIsUnsupported() {
        MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(256),
                RecordBatch.MAGIC_VALUE_V2,
                Compression.NONE,
                TimestampType.LOG_APPEND_TIME,
                0L,
                T0);
        builder.appendWithOffset(0, T0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));

        assertRejected(body(0, builder.build().buffer()), ErrorCode.UNSUPPORTED_BATCH, 0, "timestamp type");
    }

    @Example
    void deleteHorizonIsUnsupported() {
        byte[] batch = bytes(RecordBatches.encode(numbered(2), 0));
        batch[RecordBatches.ATTRIBUTES_OFFSET + 1] |= 0x40;
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.UNSUPPORTED_BATCH, 0, "delete horizon");
    }

    /**
     * The records count says 4 but the batch holds 3; last offset delta agrees with the count and the CRC is
     * recomputed, so the header and CRC checks pass: only reading the records catches it.
     */
    @Example
    void recordsCountAboveTheRecordsIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(3), 0));
        ByteBuffer.wrap(batch)
                .putInt(RecordBatches.RECORDS_COUNT_OFFSET, 4)
                .putInt(RecordBatches.LAST_OFFSET_DELTA_OFFSET, 3);
        recomputeCrc(batch);
        assertThat(MemoryRecords.readableRecords(ByteBuffer.wrap(batch))
                        .firstBatch()
                        .isValid())
                .isTrue();

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "record 3 of 4 does not decode");
    }

    @Property(tries = 40)
    void recordsCountBelowTheRecordsIsCorrupt(@ForAll("codecs") BatchCompression codec) {
        byte[] batch = bytes(RecordBatches.encode(numbered(3), 0, codec.compression()));
        ByteBuffer.wrap(batch)
                .putInt(RecordBatches.RECORDS_COUNT_OFFSET, 2)
                .putInt(RecordBatches.LAST_OFFSET_DELTA_OFFSET, 1);
        recomputeCrc(batch);
        assertThat(MemoryRecords.readableRecords(ByteBuffer.wrap(batch))
                        .firstBatch()
                        .isValid())
                .isTrue();

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "does not decode");
    }

    @Example
    void zeroRecordsIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(1), 0));
        ByteBuffer.wrap(batch)
                .putInt(RecordBatches.RECORDS_COUNT_OFFSET, 0)
                .putInt(RecordBatches.LAST_OFFSET_DELTA_OFFSET, -1);
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "records count 0");
    }

    @Example
    void lastOffsetDeltaDisagreeingWithTheCountIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(3), 0));
        ByteBuffer.wrap(batch).putInt(RecordBatches.LAST_OFFSET_DELTA_OFFSET, 5);
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "last offset delta 5");
    }

    /** Offsets 0 and 2 (a gap, as compaction leaves), last offset delta patched to 1 to pass the header check. */
    @Example
    void offsetDeltasWithAGapAreCorrupt() {
        MemoryRecordsBuilder builder =
                MemoryRecords.builder(ByteBuffer.allocate(256), Compression.NONE, TimestampType.CREATE_TIME, 0L);
        builder.appendWithOffset(0, T0, null, "a".getBytes(StandardCharsets.UTF_8));
        builder.appendWithOffset(2, T0, null, "b".getBytes(StandardCharsets.UTF_8));
        byte[] batch = bytes(builder.build().buffer());
        ByteBuffer.wrap(batch).putInt(RecordBatches.LAST_OFFSET_DELTA_OFFSET, 1);
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "record 1 has offset delta 2");
    }

    @Example
    void maxTimestampDisagreeingWithTheRecordsIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(3), 0));
        ByteBuffer.wrap(batch).putLong(RecordBatches.MAX_TIMESTAMP_OFFSET, T0 + 1_000);
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "max timestamp");
    }

    @Example
    void negativeTimestampIsCorrupt() {
        ByteBuffer batch = RecordBatches.encode(
                List.of(new Record(
                        -1, RecordBatch.NO_TIMESTAMP, null, "v".getBytes(StandardCharsets.UTF_8), List.of())),
                0);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "negative timestamp");
    }

    @Example
    void idempotentBatchWithNegativeSequenceIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(2), 0, Compression.NONE, 77, (short) 0, 0));
        ByteBuffer.wrap(batch).putInt(RecordBatches.BASE_SEQUENCE_OFFSET, -1);
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "producer id 77");
    }

    @Example
    void unknownCompressionIdIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(2), 0));
        batch[RecordBatches.ATTRIBUTES_OFFSET + 1] |= 0x07;
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "unknown compression");
    }

    /** A gzip batch whose compressed block is garbage under a recomputed CRC. */
    @Example
    void compressedRecordsThatDoNotDecompressAreCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(20), 0, BatchCompression.GZIP.compression()));
        for (int i = RecordBatches.RECORDS_OFFSET + 12; i < batch.length - 8; i++) {
            batch[i] = (byte) (i * 31);
        }
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "does not decode");
    }

    /** An lz4 block that is not lz4 (under a recomputed CRC): the codec runs, and its failure is corruption. */
    @Example
    void lz4RecordsThatDoNotDecompressAreCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(20), 0, BatchCompression.LZ4.compression()));
        for (int i = RecordBatches.RECORDS_OFFSET + 12; i < batch.length - 8; i++) {
            batch[i] = (byte) (i * 31);
        }
        recomputeCrc(batch);

        assertRejected(body(0, batch), ErrorCode.CORRUPT_BATCH, 0, "does not decode");
    }

    @Example
    void batchOverMaxMessageBytesIsTooLarge() {
        ByteBuffer small = RecordBatches.encode(numbered(1), 0);
        ByteBuffer big = RecordBatches.encode(numbered(40), 0);
        int max = big.remaining() - 1;

        assertThat(BatchValidator.validate(body(0, big.duplicate()), big.remaining()))
                .hasSize(1);
        assertThatThrownBy(() -> BatchValidator.validate(
                        BatchFrames.encode(List.of(new Frame(0, small), new Frame(1, big))), max))
                .isInstanceOfSatisfying(EddyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RECORD_TOO_LARGE);
                    assertThat(e.code().status()).isEqualTo(413);
                    assertThat(e.details())
                            .containsEntry("frame", 1)
                            .containsEntry("size", big.remaining())
                            .containsEntry("max_message_bytes", max);
                });
    }

    @Example
    void emptyBodyIsCorrupt() {
        assertRejected(ByteBuffer.allocate(0), ErrorCode.CORRUPT_BATCH, 0, "empty body");
        assertThatThrownBy(() -> BatchValidator.validate(List.of(), MAX))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_BATCH));
    }

    @Example
    void negativePartitionIsCorrupt() {
        ByteBuffer body = body(0, RecordBatches.encode(numbered(1), 0));
        body.putInt(BatchFrames.PARTITION_OFFSET, -3);

        assertRejected(body, ErrorCode.CORRUPT_BATCH, 0, "negative partition");
    }

    @Example
    void theErrorNamesTheFrameAtFault() {
        byte[] bad = bytes(RecordBatches.encode(numbered(2), 0));
        bad[bad.length - 1] ^= 0x40;
        ByteBuffer body = BatchFrames.encode(List.of(
                new Frame(0, RecordBatches.encode(numbered(2), 0)),
                new Frame(0, RecordBatches.encode(numbered(2), 0)),
                new Frame(1, ByteBuffer.wrap(bad))));

        assertRejected(body, ErrorCode.CORRUPT_BATCH, 2, "CRC mismatch");
    }

    // --- generators and helpers -----------------------------------------------------------------------------

    @Provide
    Arbitrary<BatchCompression> codecs() {
        return Arbitraries.of(BatchCompression.availableCodecs());
    }

    @Provide
    Arbitrary<List<Sent>> requests() {
        Arbitrary<long[]> producer = Arbitraries.oneOf(
                Arbitraries.just(
                        new long[] {RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE
                        }),
                Combinators.combine(
                                Arbitraries.longs().between(0, Long.MAX_VALUE),
                                Arbitraries.shorts().between((short) 0, Short.MAX_VALUE),
                                Arbitraries.integers().between(0, Integer.MAX_VALUE))
                        .as((id, epoch, seq) -> new long[] {id, epoch, seq}));
        Arbitrary<Sent> sent = Combinators.combine(
                        Arbitraries.integers().between(0, 5), RecordArbitraries.recordLists(10), codecs(), producer)
                .as((p, records, codec, prod) -> new Sent(p, records, codec, prod[0], (short) prod[1], (int) prod[2]));
        return sent.list().ofMinSize(1).ofMaxSize(4);
    }

    private static void assertRejected(ByteBuffer body, ErrorCode code, int frame, String reason) {
        assertThatThrownBy(() -> BatchValidator.validate(body, MAX)).isInstanceOfSatisfying(EddyException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.details()).containsEntry("frame", frame);
            assertThat((String) e.details().get("reason")).contains(reason);
        });
    }

    private static ByteBuffer body(int partition, ByteBuffer batch) {
        return BatchFrames.encode(List.of(new Frame(partition, batch)));
    }

    private static ByteBuffer body(int partition, byte[] batch) {
        return body(partition, ByteBuffer.wrap(batch));
    }

    /** What a forger does to get past the CRC: the CRC32C of attributes onwards, written back. */
    private static void recomputeCrc(byte[] batch) {
        CRC32C crc = new CRC32C();
        crc.update(batch, RecordBatches.ATTRIBUTES_OFFSET, batch.length - RecordBatches.ATTRIBUTES_OFFSET);
        ByteBuffer.wrap(batch).putInt(RecordBatches.CRC_OFFSET, (int) crc.getValue());
    }

    private static List<Record> numbered(int n) {
        List<Record> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Record(
                    -1,
                    T0 + i,
                    ("key-" + i).getBytes(StandardCharsets.UTF_8),
                    ("value-" + i).getBytes(StandardCharsets.UTF_8),
                    List.of(new Header("i", new byte[] {(byte) i}))));
        }
        return out;
    }
}
