package io.eddy.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RangeCacheTest {
    private static final RangeCache.Key KEY = new RangeCache.Key("segments/ab/01J0000000000000000000000.seg", 8, 3);
    private static final Duration AWAIT = Duration.ofSeconds(5);

    @Test
    void secondReadOfARangeIsAHitAndDoesNotLoad() {
        RangeCache cache = new RangeCache(1 << 20);
        AtomicInteger loads = new AtomicInteger();

        byte[] first = cache.get(KEY, () -> load(loads, new byte[]{1, 2, 3})).await().atMost(AWAIT);
        byte[] second = cache.get(KEY, () -> load(loads, new byte[]{9, 9, 9})).await().atMost(AWAIT);

        assertThat(first).containsExactly(1, 2, 3);
        assertThat(second).containsExactly(1, 2, 3);
        assertThat(loads).hasValue(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void rangesOfOneObjectAreCachedApart() {
        RangeCache cache = new RangeCache(1 << 20);
        RangeCache.Key other = new RangeCache.Key(KEY.objectKey(), 11, 3);

        cache.get(KEY, () -> Uni.createFrom().item(new byte[]{1})).await().atMost(AWAIT);

        assertThat(cache.get(other, () -> Uni.createFrom().item(new byte[]{2})).await().atMost(AWAIT)).containsExactly(2);
    }

    @Test
    void putRangeIsServedWithoutLoading() {
        RangeCache cache = new RangeCache(1 << 20);
        cache.put(KEY, new byte[]{4, 5, 6});

        byte[] read = cache.get(KEY, () -> Uni.createFrom().failure(new AssertionError("must not load"))).await().atMost(AWAIT);

        assertThat(read).containsExactly(4, 5, 6);
        assertThat(cache.hits()).isEqualTo(1);
    }

    @Test
    void concurrentMissesForOneRangeShareOneLoad() throws Exception {
        RangeCache cache = new RangeCache(1 << 20);
        AtomicInteger loads = new AtomicInteger();
        CompletableFuture<byte[]> slowGet = new CompletableFuture<>();

        CompletableFuture<byte[]> a = cache.get(KEY, () -> {
            loads.incrementAndGet();
            return Uni.createFrom().completionStage(slowGet);
        }).subscribeAsCompletionStage();
        CompletableFuture<byte[]> b = cache.get(KEY, () -> load(loads, new byte[]{0})).subscribeAsCompletionStage();
        slowGet.complete(new byte[]{7});

        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(7);
        assertThat(b.get(5, TimeUnit.SECONDS)).containsExactly(7);
        assertThat(loads).hasValue(1);
    }

    @Test
    void failedLoadIsNotCached() {
        RangeCache cache = new RangeCache(1 << 20);

        assertThatThrownBy(() -> cache.get(KEY, () -> Uni.createFrom().failure(new IllegalStateException("S3 down")))
                .await().atMost(AWAIT)).hasMessageContaining("S3 down");

        assertThat(cache.get(KEY, () -> Uni.createFrom().item(new byte[]{3})).await().atMost(AWAIT)).containsExactly(3);
    }

    /**
     * A reader that gives up (its request is cancelled, or it times out) must not fail the other readers waiting
     * for the same range: they share one load, not one fate.
     */
    @Test
    void readerGivingUpDoesNotFailOthersWaitingForTheSameRange() throws Exception {
        RangeCache cache = new RangeCache(1 << 20);
        CompletableFuture<byte[]> slowGet = new CompletableFuture<>();
        CompletableFuture<byte[]> impatient = cache.get(KEY, () -> Uni.createFrom().completionStage(slowGet))
                .subscribeAsCompletionStage();
        CompletableFuture<byte[]> patient = cache.get(KEY, () -> Uni.createFrom().completionStage(slowGet))
                .subscribeAsCompletionStage();

        impatient.cancel(false);
        slowGet.complete(new byte[]{42});

        assertThat(patient.get(5, TimeUnit.SECONDS)).containsExactly(42);
    }

    @Test
    void readerTimingOutDoesNotFailTheLoadForTheOthers() throws ExecutionException, InterruptedException {
        RangeCache cache = new RangeCache(1 << 20);
        CompletableFuture<byte[]> slowGet = new CompletableFuture<>();
        CompletableFuture<byte[]> first = cache.get(KEY, () -> Uni.createFrom().completionStage(slowGet))
                .subscribeAsCompletionStage();
        CompletableFuture<byte[]> timesOut = cache.get(KEY, () -> Uni.createFrom().completionStage(slowGet))
                .ifNoItem().after(Duration.ofMillis(1)).fail().subscribeAsCompletionStage();
        assertThatThrownBy(() -> timesOut.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        slowGet.complete(new byte[]{1});

        assertThat(first.get()).containsExactly(1);
        AtomicInteger loads = new AtomicInteger();
        assertThat(cache.get(KEY, () -> load(loads, new byte[]{2})).await().atMost(AWAIT)).containsExactly(1);
        assertThat(loads).hasValue(0);
    }

    private static Uni<byte[]> load(AtomicInteger loads, byte[] bytes) {
        return Uni.createFrom().item(() -> {
            loads.incrementAndGet();
            return bytes;
        });
    }
}
