package io.eddy.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.fixtures.RecordArbitraries;
import io.eddy.core.fixtures.RecordView;
import io.eddy.core.model.Header;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.DefaultRecordBatch;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.MutableRecordBatch;
import org.apache.kafka.common.record.RecordBatch;

class RecordBatchesTest {
    private static final long T0 = 1_764_000_000_000L;

    @Example
    void roundTripKeepsKeysValuesTombstonesHeadersAndTimestamps() {
        List<Record> records = List.of(
                record(T0, "k1", "v1"),
                new Record(-1, T0 + 5, "k2".getBytes(StandardCharsets.UTF_8), null, List.of()), // tombstone
                new Record(-1, T0 - 1_000, null, "keyless".getBytes(StandardCharsets.UTF_8), List.of()),
                new Record(-1, 0, new byte[0], new byte[0], List.of()), // empty, not null
                new Record(
                        -1,
                        T0,
                        new byte[] {0, (byte) 0xff, 0x7f, (byte) 0x80},
                        new byte[] {(byte) 0xc3, 0x28},
                        List.of(
                                new Header("trace", "abc".getBytes(StandardCharsets.UTF_8)),
                                new Header("no-value", null),
                                new Header("empty", new byte[0]),
                                new Header("trace", "second value, same name".getBytes(StandardCharsets.UTF_8)),
                                new Header("ünï-cødé", new byte[] {1}))));

        List<Record> decoded = RecordBatches.decode(RecordBatches.encode(records, 0), 0, 0, Long.MAX_VALUE);

        assertThat(RecordView.of(decoded)).containsExactlyElementsOf(RecordView.at(0, records));
    }

    @Example
    void aDeleteHorizonTravelsInTheBatchHeaderAndLeavesRecordTimestampsAlone() {
        List<Record> records = List.of(
                new Record(10, T0 - 90_000, "k1".getBytes(StandardCharsets.UTF_8), null, List.of()), // tombstone
                new Record(
                        12,
                        T0,
                        "k2".getBytes(StandardCharsets.UTF_8),
                        "v".getBytes(StandardCharsets.UTF_8),
                        List.of()));
        long horizon = T0 + 86_400_000L;

        ByteBuffer chunk = RecordBatches.encodeAt(records, 10, Compression.NONE, horizon);

        RecordBatch batch = MemoryRecords.readableRecords(chunk.duplicate()).firstBatch();
        assertThat(batch.deleteHorizonMs()).hasValue(horizon);
        assertThat(RecordView.of(RecordBatches.decode(chunk, 10, 0, Long.MAX_VALUE)))
                .containsExactlyElementsOf(RecordView.of(records));
        assertThat(RecordBatches.tombstoneHorizons(chunk, 10))
                .as("tombstones only")
                .containsExactly(java.util.Map.entry(10L, horizon));
        assertThat(RecordBatches.tombstoneHorizons(RecordBatches.encodeAt(records, 10, Compression.NONE), 10))
                .as("no horizon, none reported")
                .isEmpty();
    }

    @Property(tries = 300)
    void decodeInvertsEncode(
            @ForAll("records") List<Record> records, @ForAll @IntRange(min = 0, max = 1_000_000) int baseOffset) {
        List<Record> decoded = RecordBatches.decode(RecordBatches.encode(records, 0), baseOffset, 0, Long.MAX_VALUE);

        assertThat(RecordView.of(decoded)).containsExactlyElementsOf(RecordView.at(baseOffset, records));
    }

    @Example
    void decodeFromTheMiddleOfABatchStartsAtTheRequestedOffset() {
        List<Record> records = numbered(10);
        ByteBuffer chunk = RecordBatches.encode(records, 0);

        List<Record> decoded = RecordBatches.decode(chunk, 1_000, 1_004, Long.MAX_VALUE);

        assertThat(decoded).extracting(Record::offset).containsExactly(1_004L, 1_005L, 1_006L, 1_007L, 1_008L, 1_009L);
        assertThat(RecordView.of(decoded)).containsExactlyElementsOf(RecordView.at(1_004, records.subList(4, 10)));
    }

    @Property(tries = 300)
    void decodeKeepsExactlyTheRequestedRange(
            @ForAll @IntRange(min = 1, max = 30) int size,
            @ForAll @IntRange(min = 0, max = 40) int from,
            @ForAll @IntRange(min = 0, max = 40) int to) {
        long base = 7_000;
        List<Record> records = numbered(size);

        List<Record> decoded = RecordBatches.decode(RecordBatches.encode(records, 0), base, base + from, base + to);

        List<Long> expected = new ArrayList<>();
        for (long o = Math.max(0, from); o <= Math.min(size - 1, to); o++) {
            expected.add(base + o);
        }
        assertThat(decoded).extracting(Record::offset).containsExactlyElementsOf(expected);
        for (Record r : decoded) {
            assertThat(r.value())
                    .isEqualTo(records.get((int) (r.offset() - base)).value());
        }
    }

    @Example
    void toBoundIsInclusive() {
        List<Record> decoded = RecordBatches.decode(RecordBatches.encode(numbered(10), 0), 0, 2, 4);

        assertThat(decoded).extracting(Record::offset).containsExactly(2L, 3L, 4L);
    }

    @Example
    void concatenatedBatchesDecodeInOrderWithRelativeBaseOffsets() {
        List<Record> first = numbered(4);
        List<Record> second = numbered(3).stream()
                .map(r -> new Record(-1, r.timestamp() + 100, r.key(), r.value(), r.headers()))
                .toList();
        ByteBuffer chunk = concat(RecordBatches.encode(first, 0), RecordBatches.encode(second, first.size()));

        List<Record> all = RecordBatches.decode(chunk, 500, 0, Long.MAX_VALUE);
        List<Record> fromSecondBatch = RecordBatches.decode(chunk, 500, 505, Long.MAX_VALUE);
        List<Record> acrossTheBoundary = RecordBatches.decode(chunk, 500, 502, 504);

        List<Record> both = new ArrayList<>(first);
        both.addAll(second);
        assertThat(RecordView.of(all)).containsExactlyElementsOf(RecordView.at(500, both));
        assertThat(RecordView.of(fromSecondBatch)).containsExactlyElementsOf(RecordView.at(505, second.subList(1, 3)));
        assertThat(acrossTheBoundary).extracting(Record::offset).containsExactly(502L, 503L, 504L);
    }

    @Example
    void encodedBatchIsAKafkaV2BatchAtTheGivenBaseOffset() {
        ByteBuffer batch = RecordBatches.encode(numbered(5), 40);

        List<MutableRecordBatch> batches = new ArrayList<>();
        MemoryRecords.readableRecords(batch.duplicate()).batches().forEach(batches::add);
        assertThat(batches).hasSize(1);
        MutableRecordBatch kafka = batches.get(0);
        kafka.ensureValid();
        assertThat(kafka.magic()).isEqualTo(RecordBatch.MAGIC_VALUE_V2);
        assertThat(kafka.baseOffset()).isEqualTo(40);
        assertThat(kafka.lastOffset()).isEqualTo(44);
        assertThat(kafka.countOrNull()).isEqualTo(5);
        assertThat(kafka.maxTimestamp()).isEqualTo(T0 + 4);
        assertThat(kafka.sizeInBytes()).isEqualTo(batch.remaining());
    }

    @Property(tries = 200)
    void compressedBatchesDecodeInvertsEncode(
            @ForAll("records") List<Record> records,
            @ForAll("codecs") BatchCompression codec,
            @ForAll @IntRange(min = 0, max = 1_000_000) int baseOffset) {
        ByteBuffer batch = RecordBatches.encode(records, 0, codec.compression());

        assertThat(MemoryRecords.readableRecords(batch.duplicate()).firstBatch().compressionType())
                .isEqualTo(codec.type());
        assertThat(RecordView.of(RecordBatches.decode(batch, baseOffset, 0, Long.MAX_VALUE)))
                .containsExactlyElementsOf(RecordView.at(baseOffset, records));
    }

    @Example
    void idempotentBatchCarriesProducerIdEpochAndBaseSequence() {
        ByteBuffer batch =
                RecordBatches.encode(numbered(3), 0, BatchCompression.ZSTD.compression(), 4_711L, (short) 3, 96);

        RecordBatch kafka = MemoryRecords.readableRecords(batch.duplicate()).firstBatch();
        kafka.ensureValid();
        assertThat(kafka.producerId()).isEqualTo(4_711L);
        assertThat(kafka.producerEpoch()).isEqualTo((short) 3);
        assertThat(kafka.baseSequence()).isEqualTo(96);
        assertThat(kafka.lastSequence()).isEqualTo(98);
        assertThat(kafka.isTransactional()).isFalse();
    }

    @Example
    void batchWithoutProducerHasNoProducerFields() {
        RecordBatch kafka = MemoryRecords.readableRecords(RecordBatches.encode(numbered(2), 0))
                .firstBatch();

        assertThat(kafka.producerId()).isEqualTo(RecordBatch.NO_PRODUCER_ID);
        assertThat(kafka.producerEpoch()).isEqualTo(RecordBatch.NO_PRODUCER_EPOCH);
        assertThat(kafka.baseSequence()).isEqualTo(RecordBatch.NO_SEQUENCE);
    }

    @Example
    void halfSetProducerFieldsAreRefused() {
        assertThatThrownBy(() ->
                        RecordBatches.encode(numbered(1), 0, BatchCompression.NONE.compression(), 7, (short) 0, -1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        RecordBatches.encode(numbered(1), 0, BatchCompression.NONE.compression(), -1, (short) 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The server rewrites only the base offset of a batch it stores as sent: the CRC does not cover it. */
    @Property(tries = 100)
    void settingTheBaseOffsetKeepsTheCrcAndMovesEveryRecord(
            @ForAll("records") List<Record> records,
            @ForAll("codecs") BatchCompression codec,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int clientBase,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int newBase) {
        ByteBuffer batch = RecordBatches.encode(records, clientBase, codec.compression(), 9L, (short) 1, 0);
        byte[] before = bytes(batch);

        RecordBatches.setBaseOffset(batch, newBase);

        RecordBatch kafka = MemoryRecords.readableRecords(batch.duplicate()).firstBatch();
        kafka.ensureValid();
        assertThat(kafka.baseOffset()).isEqualTo(newBase);
        assertThat(kafka.lastOffset()).isEqualTo((long) newBase + records.size() - 1);
        byte[] after = bytes(batch);
        assertThat(Arrays.copyOfRange(after, 8, after.length)).isEqualTo(Arrays.copyOfRange(before, 8, before.length));
        assertThat(batch.position()).isZero();
        assertThat(RecordView.of(RecordBatches.decode(batch, 0, 0, Long.MAX_VALUE)))
                .containsExactlyElementsOf(RecordView.at(newBase, records));
    }

    @Example
    void clientBatchesPatchedToChunkRelativeOffsetsReadAtTheIndexBase() {
        // two client batches, both sent with base offset 0 as producers do, appended to one chunk
        List<Record> first = numbered(4);
        List<Record> second = numbered(3);
        ByteBuffer chunk = concat(
                RecordBatches.encode(first, 0, BatchCompression.GZIP.compression()),
                RecordBatches.encode(second, 0, BatchCompression.SNAPPY.compression()));
        int secondAt = MemoryRecords.readableRecords(chunk.duplicate()).firstBatchSize();

        RecordBatches.setBaseOffset(chunk.duplicate().position(secondAt), first.size());

        List<Record> both = new ArrayList<>(first);
        both.addAll(second);
        assertThat(RecordView.of(RecordBatches.decode(chunk, 9_030, 0, Long.MAX_VALUE)))
                .containsExactlyElementsOf(RecordView.at(9_030, both));
        assertThat(chunk.getLong(0)).isZero();
    }

    @Example
    void negativeBaseOffsetIsRefused() {
        assertThatThrownBy(() -> RecordBatches.setBaseOffset(RecordBatches.encode(numbered(1), 0), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** The header offsets Eddy reads and writes are Kafka's, field by field. */
    @Example
    void headerOffsetsAreKafkas() {
        ByteBuffer batch = RecordBatches.encode(numbered(3), 11, Compression.NONE, 4_711L, (short) 3, 96);
        RecordBatch kafka = MemoryRecords.readableRecords(batch.duplicate()).firstBatch();

        assertThat(batch.getLong(RecordBatches.BASE_OFFSET_OFFSET))
                .isEqualTo(kafka.baseOffset())
                .isEqualTo(11);
        assertThat(batch.getInt(RecordBatches.LENGTH_OFFSET) + RecordBatches.LOG_OVERHEAD)
                .isEqualTo(kafka.sizeInBytes());
        assertThat(batch.getInt(RecordBatches.PARTITION_LEADER_EPOCH_OFFSET)).isEqualTo(kafka.partitionLeaderEpoch());
        assertThat(batch.get(RecordBatches.MAGIC_OFFSET)).isEqualTo(kafka.magic());
        assertThat(Integer.toUnsignedLong(batch.getInt(RecordBatches.CRC_OFFSET)))
                .isEqualTo(kafka.checksum());
        assertThat(batch.getInt(RecordBatches.LAST_OFFSET_DELTA_OFFSET)).isEqualTo(2);
        assertThat(batch.getLong(RecordBatches.BASE_TIMESTAMP_OFFSET)).isEqualTo(T0);
        assertThat(batch.getLong(RecordBatches.MAX_TIMESTAMP_OFFSET))
                .isEqualTo(kafka.maxTimestamp())
                .isEqualTo(T0 + 2);
        assertThat(batch.getLong(RecordBatches.PRODUCER_ID_OFFSET)).isEqualTo(kafka.producerId());
        assertThat(batch.getShort(RecordBatches.PRODUCER_EPOCH_OFFSET)).isEqualTo(kafka.producerEpoch());
        assertThat(batch.getInt(RecordBatches.BASE_SEQUENCE_OFFSET)).isEqualTo(kafka.baseSequence());
        assertThat(batch.getInt(RecordBatches.RECORDS_COUNT_OFFSET)).isEqualTo(kafka.countOrNull());
        assertThat(RecordBatches.CRC_OFFSET).isEqualTo(DefaultRecordBatch.CRC_OFFSET);
        assertThat(RecordBatches.LAST_OFFSET_DELTA_OFFSET).isEqualTo(DefaultRecordBatch.LAST_OFFSET_DELTA_OFFSET);
        assertThat(RecordBatches.RECORDS_COUNT_OFFSET).isEqualTo(DefaultRecordBatch.RECORDS_COUNT_OFFSET);
        assertThat(RecordBatches.RECORDS_OFFSET).isEqualTo(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
    }

    @Example
    void emptyBatchIsRefused() {
        assertThatThrownBy(() -> RecordBatches.encode(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- corrupt input ---------------------------------------------------------------------------------------

    @Example
    void flippedByteInARecordIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(3), 0));
        batch[batch.length - 3] ^= 0x20;

        assertThatThrownBy(() -> RecordBatches.decode(ByteBuffer.wrap(batch), 0, 0, Long.MAX_VALUE))
                .isExactlyInstanceOf(CorruptSegmentException.class);
    }

    /** Every byte the batch CRC covers (attributes onwards), and the CRC itself, is checked. */
    @Property(tries = 300)
    void flippedBitUnderTheBatchCrcIsCorrupt(
            @ForAll("records") List<Record> records, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pick) {
        byte[] batch = bytes(RecordBatches.encode(records, 0));
        int crcStart = 17; // base offset 8, length 4, leader epoch 4, magic 1: not covered by the CRC
        int bit = crcStart * 8 + pick % ((batch.length - crcStart) * 8);
        batch[bit / 8] ^= (byte) (1 << (bit % 8));

        assertThatThrownBy(() -> RecordBatches.decode(ByteBuffer.wrap(batch), 0, 0, Long.MAX_VALUE))
                .isExactlyInstanceOf(CorruptSegmentException.class);
    }

    @Example
    void unknownMagicIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(2), 0));
        batch[16] = 7;

        assertThatThrownBy(() -> RecordBatches.decode(ByteBuffer.wrap(batch), 0, 0, Long.MAX_VALUE))
                .isExactlyInstanceOf(CorruptSegmentException.class);
    }

    @Example
    void batchLengthBelowTheMinimumIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(2), 0));
        ByteBuffer.wrap(batch).putInt(8, 3);

        assertThatThrownBy(() -> RecordBatches.decode(ByteBuffer.wrap(batch), 0, 0, Long.MAX_VALUE))
                .isExactlyInstanceOf(CorruptSegmentException.class);
    }

    /**
     * A chunk cut inside a batch, or whose last batch claims more bytes than there are, has lost records: that is
     * corrupt, not a shorter read. (A cut exactly between two batches leaves a valid, shorter chunk: only the
     * chunk's CRC32C in the index entry can tell.)
     */
    @Property(tries = 200)
    void chunkCutInsideABatchIsCorrupt(
            @ForAll("records") List<Record> records, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
        ByteBuffer first = RecordBatches.encode(numbered(2), 0);
        ByteBuffer chunk = concat(first, RecordBatches.encode(records, 2));
        List<Integer> insideABatch = new ArrayList<>();
        for (int length = 1; length < chunk.remaining(); length++) {
            if (length != first.remaining()) {
                insideABatch.add(length);
            }
        }
        byte[] truncated = Arrays.copyOf(bytes(chunk), insideABatch.get(cut % insideABatch.size()));

        assertThatThrownBy(() -> RecordBatches.decode(ByteBuffer.wrap(truncated), 0, 0, Long.MAX_VALUE))
                .isExactlyInstanceOf(CorruptSegmentException.class);
    }

    @Example
    void batchClaimingMoreBytesThanTheChunkHoldsIsCorrupt() {
        byte[] batch = bytes(RecordBatches.encode(numbered(2), 0));
        ByteBuffer.wrap(batch).putInt(8, batch.length); // the length field counts from after itself: 12 too many

        assertThatThrownBy(() -> RecordBatches.decode(ByteBuffer.wrap(batch), 0, 0, Long.MAX_VALUE))
                .isExactlyInstanceOf(CorruptSegmentException.class);
    }

    @Provide
    Arbitrary<BatchCompression> codecs() {
        return Arbitraries.of(BatchCompression.availableCodecs());
    }

    @Provide
    Arbitrary<List<Record>> records() {
        return RecordArbitraries.recordLists(12);
    }

    // --- helpers ---------------------------------------------------------------------------------------------

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

    private static Record record(long timestamp, String key, String value) {
        return new Record(
                -1, timestamp, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8), List.of());
    }

    private static ByteBuffer concat(ByteBuffer... parts) {
        ByteBuffer out = ByteBuffer.allocate(
                Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum());
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.flip();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
