package io.eddy.core.fetch;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-process wake-ups for long-polling fetches: the produce path signals each partition it committed, and a
 * waiting fetch wakes at once instead of at its next poll of the partition head. Commits made by other
 * processes are seen by that poll. Thread-safe.
 */
public final class TailSignals {
    private record Key(UUID topicId, int partition) {
    }

    private final Map<Key, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    /** A future completed at the next commit to the partition. Take it before reading the head. */
    public CompletableFuture<Void> nextCommit(UUID topicId, int partition) {
        return waiting.computeIfAbsent(new Key(topicId, partition), k -> new CompletableFuture<>());
    }

    public void committed(UUID topicId, int partition) {
        CompletableFuture<Void> f = waiting.remove(new Key(topicId, partition));
        if (f != null) {
            f.complete(null);
        }
    }
}
