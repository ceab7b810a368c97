package io.eddy.core.format;

import io.eddy.core.error.CorruptSegmentException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The segment object format, version 1. Stateless and thread-safe.
 *
 * <pre>
 * header   MAGIC "EDDYSEG" (7 bytes) | VERSION (1 byte)
 * body     chunk*            each a run of Kafka v2 record batches of one partition, base offsets relative
 * footer   row* | ROW_COUNT int32 | FOOTER_LENGTH int32 | MAGIC (7 bytes) | VERSION (1 byte)
 * row      TOPIC_ID (16 bytes, UUID msb/lsb) | PARTITION int32 | POSITION int64 | LENGTH int32
 *          | RECORDS int32 | MAX_TIMESTAMP int64 | CRC32C int32 (of the chunk's bytes)
 * </pre>
 * All integers are big-endian. FOOTER_LENGTH counts the rows plus the 24-byte trailer, so a reader can fetch
 * the trailer, then the footer, then any chunk by range without reading the whole object.
 */
public final class SegmentFormat {
    public static final byte[] MAGIC = "EDDYSEG".getBytes(StandardCharsets.US_ASCII);
    public static final byte VERSION = 1;
    public static final int HEADER_LENGTH = MAGIC.length + 1;
    public static final int ROW_LENGTH = 16 + 4 + 8 + 4 + 4 + 8 + 4;
    public static final int TRAILER_LENGTH = 4 + 4 + MAGIC.length + 1;

    private SegmentFormat() {}

    /** An encoded segment and the footer rows describing its chunks, in the order given. */
    public record Encoded(byte[] bytes, List<ChunkLocation> chunks) {}

    public static Encoded encode(List<? extends ChunkSource> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a segment holds at least one chunk");
        }
        long bodyLength = 0;
        for (ChunkSource c : chunks) {
            bodyLength += c.length();
        }
        int footerLength = chunks.size() * ROW_LENGTH + TRAILER_LENGTH;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(HEADER_LENGTH + bodyLength + footerLength));
        out.put(MAGIC).put(VERSION);
        List<ChunkLocation> rows = new ArrayList<>(chunks.size());
        for (ChunkSource c : chunks) {
            int position = out.position();
            c.writeTo(out);
            int length = out.position() - position;
            CRC32C crc = new CRC32C();
            crc.update(out.array(), out.arrayOffset() + position, length);
            rows.add(new ChunkLocation(
                    c.topicId(), c.partition(), position, length, c.records(), c.maxTimestamp(), (int) crc.getValue()));
        }
        for (ChunkLocation row : rows) {
            out.putLong(row.topicId().getMostSignificantBits())
                    .putLong(row.topicId().getLeastSignificantBits())
                    .putInt(row.partition())
                    .putLong(row.position())
                    .putInt(row.length())
                    .putInt(row.records())
                    .putLong(row.maxTimestamp())
                    .putInt(row.crc32c());
        }
        out.putInt(rows.size()).putInt(footerLength).put(MAGIC).put(VERSION);
        return new Encoded(out.array(), List.copyOf(rows));
    }

    /** Reads the footer of a whole segment object. */
    public static List<ChunkLocation> footer(byte[] segment) {
        if (segment.length < HEADER_LENGTH + TRAILER_LENGTH) {
            throw new CorruptSegmentException("segment too short: " + segment.length + " bytes");
        }
        checkMagic(segment, 0);
        checkMagic(segment, segment.length - MAGIC.length - 1);
        ByteBuffer buf = ByteBuffer.wrap(segment);
        int rowCount = buf.getInt(segment.length - TRAILER_LENGTH);
        int footerLength = buf.getInt(segment.length - TRAILER_LENGTH + 4);
        if (rowCount < 0
                || footerLength != (long) rowCount * ROW_LENGTH + TRAILER_LENGTH
                || footerLength > segment.length - HEADER_LENGTH) {
            throw new CorruptSegmentException(
                    "segment footer has bad lengths: rows " + rowCount + ", footer " + footerLength);
        }
        buf.position(segment.length - footerLength);
        List<ChunkLocation> rows = new ArrayList<>(rowCount);
        long bodyEnd = segment.length - footerLength;
        for (int i = 0; i < rowCount; i++) {
            ChunkLocation row = new ChunkLocation(
                    new UUID(buf.getLong(), buf.getLong()),
                    buf.getInt(),
                    buf.getLong(),
                    buf.getInt(),
                    buf.getInt(),
                    buf.getLong(),
                    buf.getInt());
            if (row.position() < HEADER_LENGTH || row.length() <= 0 || row.position() + row.length() > bodyEnd) {
                throw new CorruptSegmentException("segment footer row " + i + " points outside the body");
            }
            rows.add(row);
        }
        return rows;
    }

    /** Checks a chunk's bytes, read by range, against the CRC32C its footer row or index entry holds. */
    public static void verifyChunk(ByteBuffer chunk, int expectedCrc32c) {
        CRC32C crc = new CRC32C();
        crc.update(chunk.duplicate());
        if ((int) crc.getValue() != expectedCrc32c) {
            throw new CorruptSegmentException("chunk checksum mismatch");
        }
    }

    private static void checkMagic(byte[] segment, int at) {
        if (!Arrays.equals(segment, at, at + MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new CorruptSegmentException("segment magic missing at byte " + at);
        }
        if (segment[at + MAGIC.length] != VERSION) {
            throw new CorruptSegmentException("unsupported segment version " + segment[at + MAGIC.length]);
        }
    }
}
