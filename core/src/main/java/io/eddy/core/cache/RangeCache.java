package io.eddy.core.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Memory cache of object byte ranges, bounded in bytes. Objects are immutable, so an entry never goes stale.
 * Concurrent misses for one range share one load. Thread-safe.
 */
public final class RangeCache {
    /** A byte range of an object. */
    public record Key(String objectKey, long position, int length) {
    }

    private final AsyncCache<Key, byte[]> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public RangeCache(long maxBytes) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(Math.max(0, maxBytes))
                .weigher((Key k, byte[] v) -> v.length)
                .buildAsync();
    }

    /** The cached bytes of {@code key}, or the result of {@code load} (cached once it succeeds). */
    public Uni<byte[]> get(Key key, Supplier<Uni<byte[]>> load) {
        CompletableFuture<byte[]> present = cache.getIfPresent(key);
        if (present != null) {
            hits.increment();
            // a copy: Mutiny cancels the stage of a cancelled subscriber, which must not cancel the shared load
            return Uni.createFrom().completionStage(present.copy());
        }
        return Uni.createFrom().completionStage(() -> cache.get(key, (k, executor) -> {
            misses.increment();
            return load.get().subscribeAsCompletionStage();
        }).copy());
    }

    /** Adds bytes just written, so a read of them right after needs no GET. */
    public void put(Key key, byte[] bytes) {
        cache.put(key, CompletableFuture.completedFuture(bytes));
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long weightedBytes() {
        return cache.synchronous().policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }
}
