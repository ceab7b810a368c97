package io.eddy.core.tail;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process wake-ups for long-polling fetches: the produce path signals each partition it committed, and a
 * waiting fetch wakes at once instead of at its next poll of the partition head. Commits made by other
 * processes are seen by that poll. Thread-safe.
 */
public final class TailSignals {
    private record Key(UUID topicId, int partition) {}

    private final Map<Key, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

    /**
     * A future of one waiter, completed at the next commit to the partition. Take it before reading the head;
     * cancel it (or let it complete) when the wait ends, which detaches it.
     */
    public CompletableFuture<Void> nextCommit(UUID topicId, int partition) {
        Key key = new Key(topicId, partition);
        CompletableFuture<Void> waiter = new CompletableFuture<>();
        waiting.compute(key, (k, set) -> { // atomic with committed()'s remove: no waiter joins a set already signalled
            Set<CompletableFuture<Void>> waiters = set == null ? ConcurrentHashMap.newKeySet() : set;
            waiters.add(waiter);
            return waiters;
        });
        waiter.whenComplete((v, t) -> waiting.computeIfPresent(key, (k, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        }));
        return waiter;
    }

    public void committed(UUID topicId, int partition) {
        Set<CompletableFuture<Void>> waiters = waiting.remove(new Key(topicId, partition));
        if (waiters != null) {
            waiters.forEach(w -> w.complete(null));
        }
    }

    /** Waiters attached now, for tests and metrics. */
    public int waiters(UUID topicId, int partition) {
        Set<CompletableFuture<Void>> set = waiting.get(new Key(topicId, partition));
        return set == null ? 0 : set.size();
    }
}
