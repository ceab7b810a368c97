package io.eddy.core.storage;

import io.smallrye.mutiny.Uni;

/**
 * Port to the object store holding segment objects. Objects are write-once. Implementations are thread-safe;
 * failures are {@link io.eddy.core.error.EddyException}s with {@code storage_unavailable} when retryable.
 */
public interface SegmentStore {

    /** Writes a whole object, verified end to end by a CRC32C checksum. */
    Uni<Void> put(String bucket, String key, byte[] bytes);

    /** Reads a whole object (replica repair copies objects whole). */
    Uni<byte[]> get(String bucket, String key);

    /** Reads {@code length} bytes at {@code position} of an object. */
    Uni<byte[]> read(String bucket, String key, long position, int length);
}
