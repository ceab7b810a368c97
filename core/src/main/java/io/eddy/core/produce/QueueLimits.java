package io.eddy.core.produce;

/**
 * How many bytes of produce requests group commit holds in memory, waiting or being flushed, before it refuses
 * more with 429 {@code throttled}: per lane (one lane per replica buckets and acks) and in all. A request into an
 * empty lane is always taken, whatever its size, so no request is refused for ever.
 *
 * @param laneBytes  bytes of requests one lane may hold (its open segment and the flush in flight)
 * @param totalBytes bytes of requests all lanes and atomic requests may hold together
 */
public record QueueLimits(long laneBytes, long totalBytes) {
    public QueueLimits {
        if (laneBytes < 1 || totalBytes < laneBytes) {
            throw new IllegalArgumentException("bad queue limits: lane " + laneBytes + ", total " + totalBytes);
        }
    }

    /** 64 MiB per lane (eight 8 MiB segments), 256 MiB in all. */
    public static QueueLimits defaults() {
        return new QueueLimits(64L << 20, 256L << 20);
    }
}
