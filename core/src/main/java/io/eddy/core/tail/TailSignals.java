package io.eddy.core.tail;

import io.eddy.core.model.IndexEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * In-process wake-ups for long-polling fetches: the produce path signals each partition it committed, and a
 * waiting fetch wakes at once instead of at its next poll of the partition head. Commits made by other
 * processes are seen by that poll. A signal that carries the committed index entry also tells the
 * {@link CommitListener}s (the read path's index cache and known heads), so a tail read of it needs no DynamoDB
 * call. Thread-safe.
 */
public final class TailSignals {
    private record Key(UUID topicId, int partition) {}

    /** Told of every commit of this process, with the index entry it committed (its end is the new high watermark). */
    @FunctionalInterface
    public interface CommitListener {
        void committed(UUID topicId, int partition, IndexEntry entry);
    }

    private final Map<Key, Set<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();
    private final List<CommitListener> listeners = new CopyOnWriteArrayList<>();

    /** Adds a listener of this process's commits. */
    public void onCommit(CommitListener listener) {
        listeners.add(listener);
    }

    /**
     * A future of one waiter, completed at the next commit to the partition. Take it before reading the head;
     * {@link #detach} it (or let it complete) when the wait ends.
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

    /**
     * Ends a waiter's wait without a commit: completes it, which detaches it. Not a {@code cancel}, which builds a
     * {@code CancellationException} and a {@code CompletionException}, stack traces and all, for each waiter at the
     * end of every fetch that found nothing to wait for.
     */
    public static void detach(CompletableFuture<Void> waiter) {
        waiter.complete(null);
    }

    /** A commit of this process put {@code entry} at the partition's end: tells the listeners, then wakes. */
    public void committed(UUID topicId, int partition, IndexEntry entry) {
        listeners.forEach(l -> l.committed(topicId, partition, entry));
        committed(topicId, partition);
    }

    /** A commit of this process to the partition: wakes its waiters. */
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
