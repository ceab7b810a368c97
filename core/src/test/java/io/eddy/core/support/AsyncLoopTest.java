package io.eddy.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncLoopTest {
    /** Far less than a million nested steps need, enough for one. */
    private static final long SMALL_STACK = 256 * 1024;

    private static <T> T onSmallStack(Uni<T> uni) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(
                null,
                () -> uni.subscribe().with(result::complete, result::completeExceptionally),
                "small",
                SMALL_STACK);
        t.setUncaughtExceptionHandler((thread, e) -> result.completeExceptionally(e));
        t.start();
        return result.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aMillionStepsThatCompleteAtOnceTakeTheStackOfOne() throws Exception {
        AtomicInteger steps = new AtomicInteger();

        onSmallStack(AsyncLoop.run(
                () -> steps.incrementAndGet() <= 1_000_000 ? Uni.createFrom().item(1) : null));

        assertThat(steps.get()).isEqualTo(1_000_001);
    }

    @Test
    void stepsThatCompleteLaterOnOtherThreadsRunOneAtATimeInOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            AtomicInteger steps = new AtomicInteger();
            AtomicInteger running = new AtomicInteger();
            AtomicBoolean overlapped = new AtomicBoolean();
            Uni<Void> loop = AsyncLoop.run(() -> {
                int n = steps.incrementAndGet();
                if (n > 10_000) {
                    return null;
                }
                if (running.incrementAndGet() != 1) {
                    overlapped.set(true);
                }
                Uni<Integer> step = n % 3 == 0
                        ? Uni.createFrom().item(n)
                        : Uni.createFrom().item(n).emitOn(pool); // completes later, on the pool
                return step.invoke(running::decrementAndGet);
            });

            onSmallStack(loop);

            assertThat(steps.get()).isEqualTo(10_001);
            assertThat(overlapped).isFalse();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailingStepFailsTheLoopAndNoStepRunsAfterIt() {
        AtomicInteger steps = new AtomicInteger();
        Uni<Void> loop = AsyncLoop.run(() -> steps.incrementAndGet() == 3
                ? Uni.createFrom().failure(new IllegalStateException("third"))
                : Uni.createFrom().voidItem());

        assertThatThrownBy(() -> onSmallStack(loop))
                .isInstanceOf(ExecutionException.class)
                .hasRootCauseMessage("third");
        assertThat(steps.get()).isEqualTo(3);
    }

    @Test
    void aStepThrowingAnErrorAfterOneThatCompletedLaterFailsTheLoopInsteadOfLeavingItUnanswered() {
        // an Error (a stack overflow in a step, say) must end the read with a failure, not leave its caller waiting
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AtomicInteger steps = new AtomicInteger();
            Uni<Void> loop = AsyncLoop.run(() -> {
                if (steps.incrementAndGet() == 1) {
                    return Uni.createFrom().item(1).emitOn(pool); // completes later, on the pool's thread
                }
                throw new StackOverflowError("second step");
            });

            assertThatThrownBy(() -> loop.await().atMost(Duration.ofSeconds(10)))
                    .hasRootCauseInstanceOf(StackOverflowError.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancellingTheLoopCancelsTheStepItWaitsFor() {
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicInteger steps = new AtomicInteger();
        Uni<Void> loop = AsyncLoop.run(() -> {
            steps.incrementAndGet();
            return Uni.createFrom().nothing().onCancellation().invoke(() -> cancelled.set(true));
        });

        loop.subscribe().with(ignored -> {}).cancel();

        assertThat(cancelled).isTrue();
        assertThat(steps.get()).isEqualTo(1);
    }
}
