package io.eddy.kafka.group;

import java.time.Duration;

/**
 * Timing of Kafka's classic group protocol, with a Kafka broker's defaults.
 *
 * @param initialRebalanceDelay how long the first rebalance of an empty group waits for more members
 *                              ({@code group.initial.rebalance.delay.ms}), extended by each new member up to the
 *                              rebalance timeout
 * @param minSessionTimeout     the shortest session a member may ask for ({@code group.min.session.timeout.ms})
 * @param maxSessionTimeout     the longest ({@code group.max.session.timeout.ms})
 * @param firstPoll             how soon a JoinGroup or SyncGroup waiting on the others first reads the group again
 * @param maxPoll               the longest wait between two reads (waits grow from the first to this)
 */
public record ClassicSettings(
        Duration initialRebalanceDelay,
        Duration minSessionTimeout,
        Duration maxSessionTimeout,
        Duration firstPoll,
        Duration maxPoll) {
    public ClassicSettings {
        if (initialRebalanceDelay.isNegative()
                || minSessionTimeout.isNegative()
                || maxSessionTimeout.compareTo(minSessionTimeout) < 0
                || firstPoll.isNegative()
                || firstPoll.isZero()
                || maxPoll.compareTo(firstPoll) < 0) {
            throw new IllegalArgumentException("bad classic group settings");
        }
    }

    /** These settings with the first rebalance of an empty group waiting {@code delay} for more members. */
    public ClassicSettings withInitialRebalanceDelay(Duration delay) {
        return new ClassicSettings(delay, minSessionTimeout, maxSessionTimeout, firstPoll, maxPoll);
    }

    /** A Kafka broker's: 3 s initial delay, sessions of 6 s to 30 min; waits read the group every 20 to 200 ms. */
    public static ClassicSettings defaults() {
        return new ClassicSettings(
                Duration.ofSeconds(3),
                Duration.ofSeconds(6),
                Duration.ofMinutes(30),
                Duration.ofMillis(20),
                Duration.ofMillis(200));
    }
}
