package io.eddy.runtime.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last compaction passes this process ran, newest last, at most {@code capacity}: what the console's Health page
 * lists beside the compaction counters (which only sum). Thread-safe.
 */
public final class RecentCompactions {
    /** One pass: when it ended, how long it took, and what it did (a dry run deletes and writes nothing). */
    public record Pass(
            long endedAtMs,
            long elapsedMs,
            boolean dryRun,
            long partitions,
            long bytesRead,
            long bytesWritten,
            long objectsDeleted,
            long recordsRemoved) {}

    private final int capacity;
    private final Deque<Pass> passes;

    public RecentCompactions(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity + " must be >= 1");
        }
        this.capacity = capacity;
        this.passes = new ArrayDeque<>(capacity);
    }

    public synchronized void add(Pass pass) {
        if (passes.size() == capacity) {
            passes.removeFirst();
        }
        passes.addLast(pass);
    }

    /** The passes kept, oldest first. */
    public synchronized List<Pass> passes() {
        return new ArrayList<>(passes);
    }
}
