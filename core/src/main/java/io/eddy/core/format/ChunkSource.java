package io.eddy.core.format;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * One partition's chunk as {@link SegmentFormat#encode} takes it: its footer row's fields, and its bytes written
 * straight into the segment, so that a chunk laid out from its producers' batches is copied once, into the object.
 */
public interface ChunkSource {
    UUID topicId();

    int partition();

    int records();

    long maxTimestamp();

    /** Bytes the chunk takes in the segment. */
    int length();

    /** Writes the chunk's {@link #length()} bytes into {@code out} at its position, advancing it. */
    void writeTo(ByteBuffer out);
}
