package io.eddy.core.storage;

import io.smallrye.mutiny.Uni;
import java.util.List;

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

    /** An object as listed: its key, size and when it was written. */
    record StoredObject(String key, long size, long lastModifiedMs) {}

    /** Every object whose key starts with {@code prefix}, following the listing's pages. */
    Uni<List<StoredObject>> list(String bucket, String prefix);

    /** Deletes objects (missing ones are not an error). */
    Uni<Void> delete(String bucket, List<String> keys);
}
