package io.eddy.server.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last {@code capacity} lag samples of each group: a bounded ring per group, at most {@code maxGroups} groups.
 * Thread-safe: the sampler writes while requests read.
 */
public final class LagHistory {
    private final int capacity;
    private final int maxGroups;
    private final Map<String, Deque<LagSample>> groups = new HashMap<>();

    public LagHistory(int capacity, int maxGroups) {
        if (capacity < 1 || maxGroups < 1) {
            throw new IllegalArgumentException(
                    "capacity " + capacity + " and maxGroups " + maxGroups + " must be >= 1");
        }
        this.capacity = capacity;
        this.maxGroups = maxGroups;
    }

    /** Adds a sample to a group's ring, dropping its oldest when full; a group past {@code maxGroups} is not kept. */
    public synchronized void add(String group, LagSample sample) {
        Deque<LagSample> ring = groups.get(group);
        if (ring == null) {
            if (groups.size() >= maxGroups) {
                return;
            }
            ring = new ArrayDeque<>(capacity);
            groups.put(group, ring);
        }
        if (ring.size() == capacity) {
            ring.removeFirst();
        }
        ring.addLast(sample);
    }

    /** Forgets the groups not among those given (deleted since the last pass). */
    public synchronized void retainOnly(Collection<String> live) {
        groups.keySet().retainAll(new HashSet<>(live));
    }

    /** A group's samples, oldest first; empty when it has none. */
    public synchronized List<LagSample> samples(String group) {
        return Optional.ofNullable(groups.get(group))
                .<List<LagSample>>map(ArrayList::new)
                .orElse(List.of());
    }

    public int capacity() {
        return capacity;
    }
}
