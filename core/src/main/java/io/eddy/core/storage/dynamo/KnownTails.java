package io.eddy.core.storage.dynamo;

import io.eddy.core.model.IndexEntry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The head tails this process last saw (by its own commits and head reads), each at the next offset it was seen at:
 * what a commit needs to decide whether its run joins the tail or seals a page, without reading the head first. Only
 * ever a hint: a commit that seals is conditioned on the stored tail being exactly the one known, and one that
 * appends on the tail having room, so a stale entry costs a lost race, never a wrong index. Bounded (the least
 * recently used partitions are forgotten). Thread-safe.
 */
final class KnownTails {
    static final int MAX_PARTITIONS = 65_536;

    /** A tail as known: its runs, oldest first. */
    record Tail(List<IndexEntry> runs) {
        static final Tail EMPTY = new Tail(List.of());

        Tail {
            runs = List.copyOf(runs);
        }
    }

    private record Known(long nextOffset, Tail tail) {}

    private final Map<String, Known> known = new LinkedHashMap<>(1_024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
            return size() > MAX_PARTITIONS;
        }
    };

    /** The partition's tail when the head is at {@code nextOffset}, if known. */
    synchronized Tail at(String pk, long nextOffset) {
        Known k = known.get(pk);
        return k != null && k.nextOffset() == nextOffset ? k.tail() : null;
    }

    synchronized void put(String pk, long nextOffset, Tail tail) {
        known.put(pk, new Known(nextOffset, tail));
    }

    synchronized void forget(String pk) {
        known.remove(pk);
    }
}
