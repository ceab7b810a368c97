package io.eddy.runtime.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds the values a label (topic, group) takes: the first {@code cap} distinct values keep their name, every later
 * one is reported as {@link #OTHER}, so a deployment with many topics or groups cannot grow the metrics without
 * bound. Thread-safe; a value once admitted stays admitted.
 */
public final class LabelCap {
    public static final String OTHER = "other";

    private final int cap;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    public LabelCap(int cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("a label cap is at least 0, not " + cap);
        }
        this.cap = cap;
    }

    /** {@code value} if it is (or can still be) one of the capped values, else {@link #OTHER}. */
    public String of(String value) {
        if (admitted.contains(value)) {
            return value;
        }
        synchronized (admitted) {
            if (admitted.size() < cap) {
                admitted.add(value);
                return value;
            }
        }
        return admitted.contains(value) ? value : OTHER;
    }
}
