package io.eddy.core.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * How many bytes a snappy-compressed records section says it inflates to, read from its framing without
 * decompressing anything. snappy-java's {@code SnappyInputStream} (what kafka-clients decompresses with) allocates a
 * chunk's whole output from the length the chunk declares before it decompresses, so that length must be checked
 * first. Two layouts, as {@code SnappyInputStream} reads them:
 * <pre>
 * xerial framing (what Kafka's producers write):
 *   MAGIC      8  0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 *   VERSION    4, COMPATIBLE_VERSION 4
 *   chunks:    LENGTH int32 (big-endian), then LENGTH bytes of one raw snappy block; a repeated header
 *              (concatenated streams) may stand where a LENGTH would
 * raw: anything else is one raw snappy block
 * </pre>
 * A raw snappy block starts with its uncompressed length as an unsigned varint (at most 5 bytes). Stateless.
 */
final class SnappyFraming {
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_SIZE = 16;
    /** The first four bytes of MAGIC as a chunk length would read them: a concatenated stream's header. */
    private static final int MAGIC_HEAD = ByteBuffer.wrap(MAGIC).getInt();

    private SnappyFraming() {}

    /**
     * The sum of the uncompressed lengths the blocks declare.
     *
     * @throws IllegalArgumentException when the framing is malformed: a chunk longer than what is left, a length
     *                                  varint that does not end
     */
    static long declaredSize(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (!hasHeader(b)) {
            return rawLength(b, b.position(), b.remaining());
        }
        b.position(b.position() + HEADER_SIZE);
        long total = 0;
        while (b.remaining() >= Integer.BYTES) {
            int length = b.getInt();
            if (length == MAGIC_HEAD && b.remaining() >= HEADER_SIZE - Integer.BYTES) {
                b.position(b.position() + HEADER_SIZE - Integer.BYTES);
                continue;
            }
            if (length < 0 || length > b.remaining()) {
                throw new IllegalArgumentException(
                        "a snappy chunk of " + length + " bytes where " + b.remaining() + " are left");
            }
            total += rawLength(b, b.position(), length);
            b.position(b.position() + length);
        }
        return total;
    }

    private static boolean hasHeader(ByteBuffer b) {
        if (b.remaining() < HEADER_SIZE) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b.get(b.position() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** The unsigned varint at the start of a raw block: its uncompressed length. */
    private static long rawLength(ByteBuffer b, int start, int length) {
        long value = 0;
        for (int i = 0; i < Math.min(length, 5); i++) {
            int octet = b.get(start + i) & 0xff;
            value |= (long) (octet & 0x7f) << (7 * i);
            if ((octet & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException(
                "a snappy block's length does not end within " + Math.min(length, 5) + " bytes");
    }
}
