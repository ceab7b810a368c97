package io.eddy.core.support;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A loop of asynchronous steps that takes the same stack for a million steps as for one. A chain of
 * {@code flatMap}s, or a method that calls itself from its step's completion, nests one call in the next for every
 * step that completes on the thread that subscribed to it (a cache hit does), and overflows the stack after a few
 * hundred such steps. Here a step that completes at once lets the loop go on where it is; only a step that completes
 * later, on another thread, goes on from there.
 */
public final class AsyncLoop {
    private static final int PENDING = 0;
    private static final int DONE_AT_ONCE = 1;
    private static final int WAITING = 2;

    private AsyncLoop() {}

    /**
     * Runs {@code step} until it returns {@code null}: each time it returns a {@link Uni}, the loop waits for that
     * Uni's item (ignored) and calls {@code step} again. The loop fails with the first step that fails (or throws,
     * an {@link Error} included: on the thread of a step that completed later, whoever completed it would swallow it
     * and the loop never end), and cancelling it cancels the step it waits for. One step runs at a time, each after
     * the previous one completed (a step's effects are visible to the next, whatever thread runs it), so
     * {@code step} needs no locking of its own.
     */
    public static Uni<Void> run(Supplier<Uni<?>> step) {
        return Uni.createFrom().emitter(emitter -> new Runner(step, emitter).drive());
    }

    private static final class Runner {
        private final Supplier<Uni<?>> step;
        private final UniEmitter<? super Void> emitter;
        /** The step waited for, cancelled when the loop is. */
        private volatile UniSubscription waited;
        /** Whether the loop ended (completed, failed or cancelled): no step starts after. */
        private volatile boolean ended;

        Runner(Supplier<Uni<?>> step, UniEmitter<? super Void> emitter) {
            this.step = step;
            this.emitter = emitter;
            emitter.onTermination(() -> {
                ended = true;
                UniSubscription w = waited;
                if (w != null) {
                    w.cancel();
                }
            });
        }

        /** Runs steps until one completes later (its completion calls this again) or the loop ends. */
        void drive() {
            while (!ended) {
                Uni<?> next;
                try {
                    next = step.get();
                } catch (Throwable e) { // an Error too: thrown on a completing step's thread, it would be lost
                    emitter.fail(e);
                    return;
                }
                if (next == null) {
                    emitter.complete(null);
                    return;
                }
                // whoever moves the state from PENDING second goes on: this thread when the step completed while it
                // subscribed, else the completion
                AtomicInteger state = new AtomicInteger(PENDING);
                next.subscribe().withSubscriber(new UniSubscriber<Object>() {
                    @Override
                    public void onSubscribe(UniSubscription subscription) {
                        waited = subscription; // before its item, so before the next step's
                        if (ended) {
                            subscription.cancel();
                        }
                    }

                    @Override
                    public void onItem(Object item) {
                        if (!state.compareAndSet(PENDING, DONE_AT_ONCE)) {
                            drive();
                        }
                    }

                    @Override
                    public void onFailure(Throwable failure) {
                        emitter.fail(failure);
                    }
                });
                if (state.compareAndSet(PENDING, WAITING)) {
                    return;
                }
            }
        }
    }
}
