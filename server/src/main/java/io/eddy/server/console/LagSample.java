package io.eddy.server.console;

import io.eddy.core.group.TopicPartition;
import java.util.Map;

/**
 * A group's lag at one instant: per partition (topic, partition) the records not yet consumed, only for partitions
 * where the group has committed.
 */
public record LagSample(long atMs, Map<TopicPartition, Long> lags) {
    public LagSample {
        if (atMs < 0) {
            throw new IllegalArgumentException("negative sample time " + atMs);
        }
        lags = Map.copyOf(lags);
    }
}
