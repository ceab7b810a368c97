package io.eddy.server.console;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's health over one sampling interval, ending at {@code atMs}: named values ({@code produce.per_s},
 * {@code fetch.p99_ms}, {@code cache.memory.hit_ratio}, …, see {@link MeterReading#since}).
 */
public record HealthSample(long atMs, Map<String, Double> values) {
    public HealthSample {
        if (atMs < 0) {
            throw new IllegalArgumentException("negative sample time " + atMs);
        }
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }
}
