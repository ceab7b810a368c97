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

    /** Reads {@code length} bytes at {@code position} of an object; fewer bytes than that is an error. */
    Uni<byte[]> read(String bucket, String key, long position, int length);

    /**
     * Reads at most {@code maxLength} bytes at {@code position} of an object: fewer when the object ends first
     * (S3 serves a range reaching past the end truncated). {@code position} must be inside the object. Block
     * reads use it: the object's size is not recorded anywhere, and its last block is shorter than the others.
     */
    Uni<byte[]> readUpTo(String bucket, String key, long position, int maxLength);
}
