package io.eddy.core.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.fixtures.RecordArbitraries;
import io.eddy.core.fixtures.RecordView;
import io.eddy.core.model.Record;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class SegmentFormatTest {

    /** One partition's chunk as generated: its records in one or more batches, offsets relative to 0. */
    record GeneratedChunk(UUID topicId, int partition, List<Record> records, byte[] batches) {
        SegmentChunk toSegmentChunk() {
            long maxTs = records.stream().mapToLong(Record::timestamp).max().orElseThrow();
            return new SegmentChunk(topicId, partition, ByteBuffer.wrap(batches), records.size(), maxTs);
        }
    }

    /** A chunk read back: its footer row, the bytes it points at, and the records they decode to. */
    record DecodedChunk(ChunkLocation row, byte[] bytes, List<RecordView> records) {}

    // --- decode inverts encode -------------------------------------------------------------------------------

    @Property
    void decodeInvertsEncode(@ForAll("segments") List<GeneratedChunk> chunks) {
        SegmentFormat.Encoded encoded = SegmentFormat.encode(
                chunks.stream().map(GeneratedChunk::toSegmentChunk).toList());

        List<DecodedChunk> decoded = decode(encoded.bytes());

        assertThat(decoded).hasSameSizeAs(chunks);
        for (int i = 0; i < chunks.size(); i++) {
            GeneratedChunk expected = chunks.get(i);
            DecodedChunk actual = decoded.get(i);
            assertThat(actual.row().topicId()).isEqualTo(expected.topicId());
            assertThat(actual.row().partition()).isEqualTo(expected.partition());
            assertThat(actual.row().records()).isEqualTo(expected.records().size());
            assertThat(actual.row().maxTimestamp())
                    .isEqualTo(expected.records().stream()
                            .mapToLong(Record::timestamp)
                            .max()
                            .orElseThrow());
            assertThat(actual.bytes()).isEqualTo(expected.batches());
            assertThat(actual.records()).containsExactlyElementsOf(RecordView.at(0, expected.records()));
        }
    }

    @Property
    void footerRowsPointAtEachChunksBytesWithItsChecksum(@ForAll("segments") List<GeneratedChunk> chunks) {
        SegmentFormat.Encoded encoded = SegmentFormat.encode(
                chunks.stream().map(GeneratedChunk::toSegmentChunk).toList());
        byte[] segment = encoded.bytes();

        List<ChunkLocation> footer = SegmentFormat.footer(segment);

        assertThat(footer).isEqualTo(encoded.chunks());
        long expectedPosition = SegmentFormat.HEADER_LENGTH;
        for (int i = 0; i < footer.size(); i++) {
            ChunkLocation row = footer.get(i);
            assertThat(row.position())
                    .as("chunks are laid out back to back after the header")
                    .isEqualTo(expectedPosition);
            assertThat(row.length()).isEqualTo(chunks.get(i).batches().length);
            byte[] pointedAt = Arrays.copyOfRange(segment, (int) row.position(), (int) row.position() + row.length());
            assertThat(pointedAt).isEqualTo(chunks.get(i).batches());
            assertThat(row.crc32c()).isEqualTo(crc32c(chunks.get(i).batches()));
            expectedPosition += row.length();
        }
        int footerLength = footer.size() * SegmentFormat.ROW_LENGTH + SegmentFormat.TRAILER_LENGTH;
        assertThat(segment).hasSize((int) expectedPosition + footerLength);
        assertThat(Arrays.copyOfRange(segment, 0, SegmentFormat.MAGIC.length)).isEqualTo(SegmentFormat.MAGIC);
        assertThat(Arrays.copyOfRange(segment, segment.length - SegmentFormat.MAGIC.length - 1, segment.length - 1))
                .isEqualTo(SegmentFormat.MAGIC);
    }

    @Property
    void aChunkOfProducedRunsIsWrittenAsTheSameBatchesLaidIntoAChunkFirst(
            @ForAll("producedRuns") List<List<List<Record>>> partitions) {
        // given: each partition's runs as producers send them, every run's batch numbered from 0
        UUID topicId = UUID.randomUUID();
        List<RunChunk> runChunks = new ArrayList<>();
        List<SegmentChunk> laidOut = new ArrayList<>();
        for (int p = 0; p < partitions.size(); p++) {
            List<ByteBuffer> runs = new ArrayList<>();
            List<Record> all = new ArrayList<>();
            for (List<Record> run : partitions.get(p)) {
                runs.add(RecordBatches.encode(run, 0));
                all.addAll(run);
            }
            long maxTs = all.stream().mapToLong(Record::timestamp).max().orElseThrow();
            runChunks.add(new RunChunk(topicId, p, runs, all.size(), maxTs));
            ByteBuffer chunk = ByteBuffer.allocate(
                    runs.stream().mapToInt(ByteBuffer::remaining).sum());
            ChunkBuilder.append(chunk, runs, 0);
            laidOut.add(new SegmentChunk(topicId, p, chunk.flip(), all.size(), maxTs));
        }

        // when
        SegmentFormat.Encoded direct = SegmentFormat.encode(runChunks);

        // then: the same object, byte for byte, and its records numbered from 0 in each chunk
        SegmentFormat.Encoded expected = SegmentFormat.encode(laidOut);
        assertThat(direct.bytes()).isEqualTo(expected.bytes());
        assertThat(direct.chunks()).isEqualTo(expected.chunks());
        List<DecodedChunk> decoded = decode(direct.bytes());
        for (int p = 0; p < partitions.size(); p++) {
            List<Record> all = partitions.get(p).stream().flatMap(List::stream).toList();
            assertThat(decoded.get(p).records()).containsExactlyElementsOf(RecordView.at(0, all));
        }
    }

    @Provide
    Arbitrary<List<List<List<Record>>>> producedRuns() {
        return RecordArbitraries.recordLists(4)
                .list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4);
    }

    // --- corruption is always a CorruptSegmentException ------------------------------------------------------

    @Property
    void truncatedSegmentIsCorrupt(
            @ForAll("segments") List<GeneratedChunk> chunks,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut) {
        byte[] segment = SegmentFormat.encode(
                        chunks.stream().map(GeneratedChunk::toSegmentChunk).toList())
                .bytes();
        byte[] truncated = Arrays.copyOf(segment, cut % segment.length);

        assertThat(catchThrowable(() -> decode(truncated))).isExactlyInstanceOf(CorruptSegmentException.class);
    }

    /**
     * A flipped bit anywhere is a {@link CorruptSegmentException} or nothing at all, and it is caught wherever a
     * check covers it: the magics and versions, the trailer's lengths, the rows' positions, lengths and CRC32Cs,
     * and the chunks (by their CRC32C). Format version 1 has no checksum over the rows' topic id, partition,
     * record count and max timestamp, so a flip there goes unnoticed by the format itself; it must not change
     * the bytes a row points at.
     */
    @Property
    void flippedBitIsCorruptWhereverAChecksumCoversIt(
            @ForAll("segments") List<GeneratedChunk> chunks,
            @ForAll @IntRange(min = 0, max = 3) int region,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int pick) {
        byte[] segment = SegmentFormat.encode(
                        chunks.stream().map(GeneratedChunk::toSegmentChunk).toList())
                .bytes();
        int footerStart = segment.length - chunks.size() * SegmentFormat.ROW_LENGTH - SegmentFormat.TRAILER_LENGTH;
        int trailerStart = segment.length - SegmentFormat.TRAILER_LENGTH;
        // pick a region first, so the small header and trailer get as many flips as the body
        int[][] regions = {
            {0, SegmentFormat.HEADER_LENGTH},
            {SegmentFormat.HEADER_LENGTH, footerStart},
            {footerStart, trailerStart},
            {trailerStart, segment.length}
        };
        int from = regions[region][0];
        int bits = (regions[region][1] - from) * 8;
        int bit = from * 8 + pick % bits;
        byte[] flipped = segment.clone();
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));

        List<DecodedChunk> original = decode(segment);
        DecodedChunk[] decoded = new DecodedChunk[0];
        Throwable thrown = catchThrowable(() -> decode(flipped).toArray(decoded));
        if (thrown != null) {
            assertThat(thrown).isExactlyInstanceOf(CorruptSegmentException.class);
            return;
        }
        assertThat(uncheckedRowField(bit / 8, footerStart, trailerStart))
                .as(
                        "flip of bit %d (byte %d of %d, footer at %d) went unnoticed",
                        bit, bit / 8, segment.length, footerStart)
                .isTrue();
        List<DecodedChunk> after = decode(flipped);
        for (int i = 0; i < original.size(); i++) {
            assertThat(after.get(i).bytes()).isEqualTo(original.get(i).bytes());
        }
    }

    @Example
    void rowCountThatOverflowsTheFooterLengthIsCorrupt() {
        // rows * ROW_LENGTH (48) wraps around 2^32 when 2^28 is added to the row count, so the trailer's
        // footer length still "matches": the row count must be checked without int overflow.
        byte[] segment =
                SegmentFormat.encode(List.of(chunk(UUID.randomUUID(), 0, 3))).bytes();
        ByteBuffer.wrap(segment).putInt(segment.length - SegmentFormat.TRAILER_LENGTH, 1 + (1 << 28));

        assertThat(catchThrowable(() -> SegmentFormat.footer(segment)))
                .isExactlyInstanceOf(CorruptSegmentException.class);
    }

    @Example
    void wrongMagicAtEitherEndIsCorrupt() {
        byte[] segment =
                SegmentFormat.encode(List.of(chunk(UUID.randomUUID(), 1, 2))).bytes();
        byte[] badHead = segment.clone();
        badHead[0] = 'X';
        byte[] badTail = segment.clone();
        badTail[segment.length - 2] = 'X';

        assertThatThrownBy(() -> SegmentFormat.footer(badHead))
                .isExactlyInstanceOf(CorruptSegmentException.class)
                .hasMessageContaining("magic");
        assertThatThrownBy(() -> SegmentFormat.footer(badTail))
                .isExactlyInstanceOf(CorruptSegmentException.class)
                .hasMessageContaining("magic");
    }

    @Example
    void unknownVersionIsCorrupt() {
        byte[] segment =
                SegmentFormat.encode(List.of(chunk(UUID.randomUUID(), 1, 2))).bytes();
        byte[] v2Head = segment.clone();
        v2Head[SegmentFormat.MAGIC.length] = 2;
        byte[] v2Tail = segment.clone();
        v2Tail[segment.length - 1] = 2;
        byte[] v2Both = v2Head.clone();
        v2Both[segment.length - 1] = 2;

        for (byte[] bad : List.of(v2Head, v2Tail, v2Both)) {
            assertThatThrownBy(() -> SegmentFormat.footer(bad))
                    .isExactlyInstanceOf(CorruptSegmentException.class)
                    .hasMessageContaining("version 2");
        }
    }

    @Example
    void segmentShorterThanHeaderAndTrailerIsCorrupt() {
        assertThatThrownBy(() -> SegmentFormat.footer(new byte[0])).isExactlyInstanceOf(CorruptSegmentException.class);
        byte[] justMagics = new byte[SegmentFormat.HEADER_LENGTH + SegmentFormat.TRAILER_LENGTH - 1];
        System.arraycopy(SegmentFormat.MAGIC, 0, justMagics, 0, SegmentFormat.MAGIC.length);
        assertThatThrownBy(() -> SegmentFormat.footer(justMagics)).isExactlyInstanceOf(CorruptSegmentException.class);
    }

    @Example
    void chunkWithAnotherChecksumIsCorrupt() {
        byte[] batches = RecordBatches.encode(List.of(new Record(-1, 1L, null, new byte[] {1}, List.of())), 0)
                .array();
        int crc = crc32c(batches);

        SegmentFormat.verifyChunk(ByteBuffer.wrap(batches), crc);
        assertThatThrownBy(() -> SegmentFormat.verifyChunk(ByteBuffer.wrap(batches), crc ^ 1))
                .isExactlyInstanceOf(CorruptSegmentException.class);
    }

    @Example
    void segmentWithoutChunksIsRefused() {
        assertThatThrownBy(() -> SegmentFormat.encode(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    // --- generators and helpers ------------------------------------------------------------------------------

    @Provide
    Arbitrary<List<GeneratedChunk>> segments() {
        Arbitrary<UUID> topicIds =
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(UUID::new);
        Arbitrary<Integer> partitions = Arbitraries.integers().between(0, 9_999);
        Arbitrary<List<List<Record>>> batches =
                RecordArbitraries.recordLists(4).list().ofMinSize(1).ofMaxSize(3);
        Arbitrary<GeneratedChunk> chunks = Combinators.combine(topicIds, partitions, batches)
                .as((id, p, runs) -> {
                    List<Record> all = new ArrayList<>();
                    ByteBuffer bytes = ByteBuffer.allocate(runs.stream()
                            .mapToInt(r -> RecordBatches.encode(r, 0).remaining())
                            .sum());
                    for (List<Record> run : runs) {
                        bytes.put(RecordBatches.encode(run, all.size()));
                        all.addAll(run);
                    }
                    return new GeneratedChunk(id, p, all, bytes.array());
                });
        // distinct chunk bytes: a row pointed elsewhere by a flipped bit never finds an identical chunk there
        return chunks.list().ofMinSize(1).ofMaxSize(6).uniqueElements(c -> ByteBuffer.wrap(c.batches()));
    }

    /** Reads a whole segment as a reader that trusts nothing would: footer, then each chunk's checksum and batches. */
    static List<DecodedChunk> decode(byte[] segment) {
        List<DecodedChunk> out = new ArrayList<>();
        for (ChunkLocation row : SegmentFormat.footer(segment)) {
            byte[] bytes = Arrays.copyOfRange(segment, (int) row.position(), (int) row.position() + row.length());
            SegmentFormat.verifyChunk(ByteBuffer.wrap(bytes), row.crc32c());
            List<Record> records = RecordBatches.decode(ByteBuffer.wrap(bytes), 0, 0, Long.MAX_VALUE);
            out.add(new DecodedChunk(row, bytes, RecordView.of(records)));
        }
        return out;
    }

    /** Whether a byte is in a row's topic id, partition, record count or max timestamp: no checksum covers those. */
    private static boolean uncheckedRowField(int index, int footerStart, int trailerStart) {
        if (index < footerStart || index >= trailerStart) {
            return false;
        }
        int inRow = (index - footerStart) % SegmentFormat.ROW_LENGTH;
        return inRow < 16 + 4 || (inRow >= 16 + 4 + 8 + 4 && inRow < 16 + 4 + 8 + 4 + 4 + 8);
    }

    private static SegmentChunk chunk(UUID topicId, int partition, int records) {
        List<Record> list = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            list.add(new Record(-1, 1_700_000_000_000L + i, ("k" + i).getBytes(), ("v" + i).getBytes(), List.of()));
        }
        return new SegmentChunk(
                topicId, partition, RecordBatches.encode(list, 0), records, 1_700_000_000_000L + records - 1);
    }

    private static int crc32c(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
