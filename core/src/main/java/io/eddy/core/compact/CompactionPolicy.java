package io.eddy.core.compact;

import java.time.Duration;

/**
 * How the compactor merges, cleans and collects.
 *
 * <p>Merging is size-tiered: an object's tier is how many times {@code fanout} fits between
 * {@code tierBaseBytes} and its size; {@code fanout} adjacent units of one tier merge into one unit of the next,
 * so a byte is rewritten at most once per tier: write amplification is bounded by
 * log<sub>fanout</sub>({@code maxObjectBytes} / smallest object). Objects of {@code maxObjectBytes} or more are
 * never merged.
 *
 * @param tierBaseBytes          upper bound of tier 0 (objects smaller than this are tier 0)
 * @param fanout                 how many units of one tier make one of the next
 * @param maxObjectBytes         merged objects stay below this; larger ones are left alone
 * @param minCleanableDirtyRatio key compaction runs once this share of a compacted topic's cleanable bytes has
 *                               never been compacted (Kafka's {@code min.cleanable.dirty.ratio})
 * @param replacedGrace          how long an object a compaction stopped referencing stays readable
 * @param orphanGrace            how old an object no index entry references must be before it is deleted (an
 *                               object whose commit is still under way is younger than this)
 * @param leaseDuration          how long a job's lease lasts; a job that runs longer loses it and commits nothing
 */
public record CompactionPolicy(
        long tierBaseBytes,
        int fanout,
        long maxObjectBytes,
        double minCleanableDirtyRatio,
        Duration replacedGrace,
        Duration orphanGrace,
        Duration leaseDuration) {
    public CompactionPolicy {
        if (tierBaseBytes < 1
                || fanout < 2
                || maxObjectBytes <= tierBaseBytes
                || minCleanableDirtyRatio < 0
                || minCleanableDirtyRatio > 1
                || replacedGrace.isNegative()
                || orphanGrace.isNegative()
                || leaseDuration.isNegative()
                || leaseDuration.isZero()) {
            throw new IllegalArgumentException("bad compaction policy");
        }
    }

    /** Tiers from 64 KiB by 8 up to 512 MiB objects; Kafka's dirty ratio; 10 min and 1 h grace; 5 min leases. */
    public static CompactionPolicy defaults() {
        return new CompactionPolicy(
                64 << 10, 8, 512L << 20, 0.5, Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5));
    }

    /** The tier of a unit of {@code bytes}; -1 for one at or above {@link #maxObjectBytes} (never merged). */
    public int tierOf(long bytes) {
        if (bytes >= maxObjectBytes) {
            return -1;
        }
        int tier = 0;
        long bound = tierBaseBytes;
        while (bytes >= bound) {
            tier++;
            bound = bound > Long.MAX_VALUE / fanout ? Long.MAX_VALUE : bound * fanout;
        }
        return tier;
    }
}
