package io.eddy.core.format;

import java.util.UUID;

/** A footer row of a segment object: where one partition's chunk lies, and its CRC32C. */
public record ChunkLocation(
        UUID topicId, int partition, long position, int length, int records, long maxTimestamp, int crc32c) {}
