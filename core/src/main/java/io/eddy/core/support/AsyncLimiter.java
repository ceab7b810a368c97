package io.eddy.core.support;

import io.smallrye.mutiny.Uni;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs at most {@code permits} asynchronous operations at once; the others wait, first come first served. The
 * read path keeps one for tail reads and one for catch-up reads, so a consumer catching up cannot take every
 * S3 GET slot from the tail. An operation whose caller gave up while it waited still runs (its result may be
 * shared, as block loads are). Thread-safe.
 */
public final class AsyncLimiter {
    private final String name;
    private final int permits;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>(); // guarded by this
    private int running; // guarded by this
    private long queued; // guarded by this

    public AsyncLimiter(String name, int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException(name + " needs at least one permit, not " + permits);
        }
        this.name = name;
        this.permits = permits;
    }

    /** {@code operation}'s result, once a permit is free; the permit is released when it terminates. */
    public <T> Uni<T> submit(Supplier<Uni<T>> operation) {
        return Uni.createFrom().emitter(emitter -> {
            Runnable start = () -> Uni.createFrom()
                    .<T>deferred(operation::get)
                    .onTermination()
                    .invoke(this::release)
                    .subscribe()
                    .with(emitter::complete, emitter::fail);
            boolean now;
            synchronized (this) {
                now = running < permits;
                if (now) {
                    running++;
                } else {
                    waiting.add(start);
                    queued++;
                }
            }
            if (now) {
                start.run();
            }
        });
    }

    private void release() {
        Runnable next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                running--;
            }
        }
        if (next != null) {
            next.run(); // the permit passes on
        }
    }

    public String name() {
        return name;
    }

    /** Operations running now. */
    public synchronized int running() {
        return running;
    }

    /** Operations that had to wait for a permit, so far. */
    public synchronized long queued() {
        return queued;
    }
}
