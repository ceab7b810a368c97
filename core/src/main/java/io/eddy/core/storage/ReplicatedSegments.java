package io.eddy.core.storage;

import io.eddy.core.error.EddyException;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Function;

/**
 * Segment objects as copies in an ordered list of replica buckets (a topic's {@code replicas}, or an index entry's
 * {@code buckets}, primary first), over the {@link SegmentStore} port: the one place that knows bucket order,
 * failover between copies and the CRC32C check of a chunk read from storage. The port's adapter retries each
 * call by itself ({@link io.eddy.core.support.RetryPolicy}); this layer moves on to the next copy when a bucket still
 * fails.
 *
 * <p>Reads go to the buckets in order, each failure (an error, a missing object, a chunk failing its CRC32C) moving
 * on to the next; when all fail, the last bucket's failure is the read's. Writes go to every bucket side by side
 * ({@link #putAll}), or to the first that takes the object ({@link #putFirst}).
 *
 * <p>Thread-safe, stateless beyond its {@link Listener} (which must be thread-safe).
 */
public final class ReplicatedSegments {
    /** Told of what happens to each copy, for metrics. Implementations are thread-safe. */
    public interface Listener {
        /** Tells nothing. */
        Listener NONE = new Listener() {};

        /** A PUT of an object to {@code bucket} succeeded. */
        default void stored(String bucket) {}

        /** A read or write on {@code bucket} failed and goes on to the next bucket. */
        default void fellBack(String bucket, Throwable cause) {}
    }

    private final SegmentStore store;
    private final Listener listener;

    public ReplicatedSegments(SegmentStore store) {
        this(store, Listener.NONE);
    }

    public ReplicatedSegments(SegmentStore store, Listener listener) {
        this.store = store;
        this.listener = listener;
    }

    /** The store the copies are in, for what is not about copies (listing, deleting). */
    public SegmentStore store() {
        return store;
    }

    /** The entry's chunk from the first of its buckets that serves it intact: see {@link #readChunk(IndexEntry, List)}. */
    public Uni<byte[]> readChunk(IndexEntry entry) {
        return readChunk(entry, entry.buckets());
    }

    /**
     * The entry's chunk from the first of {@code buckets} (in order) that serves it and whose bytes match the
     * entry's CRC32C. Fails as the last bucket did, with an {@link IllegalStateException} when {@code buckets} is
     * empty.
     */
    public Uni<byte[]> readChunk(IndexEntry entry, List<String> buckets) {
        return firstServing(
                buckets,
                0,
                bucket -> store.read(bucket, entry.objectKey(), entry.position(), entry.length())
                        .invoke(bytes -> SegmentFormat.verifyChunk(ByteBuffer.wrap(bytes), entry.crc32c())),
                entry.objectKey());
    }

    /**
     * At most {@code maxLength} bytes at {@code position} of object {@code key}, from the first of {@code buckets}
     * that serves them ({@link SegmentStore#readUpTo}). Not checked: a block is a part of chunks, which their
     * reader checks whole.
     */
    public Uni<byte[]> readUpTo(List<String> buckets, String key, long position, int maxLength) {
        return firstServing(buckets, 0, bucket -> store.readUpTo(bucket, key, position, maxLength), key);
    }

    /** Whether {@code bucket}'s copy of the entry's chunk is there and matches its CRC32C; never fails. */
    public Uni<Boolean> intact(String bucket, IndexEntry entry) {
        return store.read(bucket, entry.objectKey(), entry.position(), entry.length())
                .map(bytes -> {
                    try {
                        SegmentFormat.verifyChunk(ByteBuffer.wrap(bytes), entry.crc32c());
                        return true;
                    } catch (EddyException corrupt) {
                        return false;
                    }
                })
                .onFailure()
                .recoverWithItem(false);
    }

    /** When one PUT of a {@link #putAll} fails. */
    public enum OnFailure {
        /** Fail at once with that failure (the other PUTs may still complete). */
        FAIL_FAST,
        /** Wait for every PUT, then fail with every failure (Mutiny's {@code CompositeException} when several). */
        COLLECT
    }

    /**
     * PUTs the object to every one of {@code buckets} side by side; the item is {@code buckets}. Fails as soon as
     * one PUT fails, with its failure (the others may still complete: their copies are orphans for garbage
     * collection).
     */
    public Uni<List<String>> putAll(List<String> buckets, String key, byte[] bytes) {
        return putAll(buckets, key, bytes, OnFailure.FAIL_FAST);
    }

    /** PUTs the object to every one of {@code buckets} side by side; the item is {@code buckets}. */
    public Uni<List<String>> putAll(List<String> buckets, String key, byte[] bytes, OnFailure onFailure) {
        List<Uni<Void>> puts = buckets.stream()
                .map(b -> store.put(b, key, bytes).invoke(() -> listener.stored(b)))
                .toList();
        var all = Uni.join().all(puts);
        return (onFailure == OnFailure.FAIL_FAST ? all.andFailFast() : all.andCollectFailures()).replaceWith(buckets);
    }

    /**
     * PUTs the object to the first of {@code buckets} that takes it, primary first, moving on only past a
     * retryable failure ({@link EddyException#retryable()}); the item is the bucket that holds it. Fails as the
     * last bucket tried did, with an {@link IllegalStateException} when {@code buckets} is empty.
     */
    public Uni<String> putFirst(List<String> buckets, String key, byte[] bytes) {
        return putFirst(buckets, 0, key, bytes);
    }

    private Uni<String> putFirst(List<String> buckets, int i, String key, byte[] bytes) {
        if (buckets.isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("no bucket to write " + key + " to"));
        }
        String bucket = buckets.get(i);
        return store.put(bucket, key, bytes)
                .invoke(() -> listener.stored(bucket))
                .replaceWith(bucket)
                .onFailure(t -> t instanceof EddyException e && e.retryable() && i + 1 < buckets.size())
                .recoverWithUni(t -> {
                    listener.fellBack(bucket, t);
                    return putFirst(buckets, i + 1, key, bytes);
                });
    }

    /** {@code read} on the buckets from {@code i}, in order, until one serves. */
    private Uni<byte[]> firstServing(List<String> buckets, int i, Function<String, Uni<byte[]>> read, String key) {
        if (buckets.isEmpty()) {
            return Uni.createFrom().failure(new IllegalStateException("no allowed bucket holds " + key));
        }
        String bucket = buckets.get(i);
        Uni<byte[]> attempt = read.apply(bucket);
        if (i + 1 == buckets.size()) {
            return attempt;
        }
        return attempt.onFailure().recoverWithUni(t -> {
            listener.fellBack(bucket, t);
            return firstServing(buckets, i + 1, read, key);
        });
    }
}
