package io.eddy.core.group;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.support.RetryPolicy;
import java.time.Duration;
import java.util.Map;

/**
 * Group timing, from configuration.
 *
 * @param heartbeatInterval       how often members are told to heartbeat
 * @param minSessionTimeout       the shortest session a member may ask for
 * @param maxSessionTimeout       the longest
 * @param conflictRetry           how writers that lost a race on one group retry; a group more contended than
 *                                it allows answers {@code group_conflict} (503, retryable)
 */
public record GroupSettings(
        Duration heartbeatInterval, Duration minSessionTimeout, Duration maxSessionTimeout, RetryPolicy conflictRetry) {
    /** Conflicting writers on one group retry quickly and often: 25 attempts, 2 to 250 ms, equal jitter. */
    public static final RetryPolicy DEFAULT_CONFLICT_RETRY =
            new RetryPolicy(25, Duration.ofMillis(2), Duration.ofMillis(250), 0.5);

    public GroupSettings {
        if (heartbeatInterval.isNegative()
                || heartbeatInterval.isZero()
                || minSessionTimeout.isNegative()
                || maxSessionTimeout.compareTo(minSessionTimeout) < 0
                || conflictRetry == null) {
            throw new IllegalArgumentException("bad group settings");
        }
    }

    /** Settings with the {@link #DEFAULT_CONFLICT_RETRY default conflict retry}. */
    public GroupSettings(Duration heartbeatInterval, Duration minSessionTimeout, Duration maxSessionTimeout) {
        this(heartbeatInterval, minSessionTimeout, maxSessionTimeout, DEFAULT_CONFLICT_RETRY);
    }

    /** Kafka's defaults: heartbeat every 5 s; sessions of 45 s by default, allowed from 6 s to 30 min. */
    public static GroupSettings defaults() {
        return new GroupSettings(Duration.ofSeconds(5), Duration.ofSeconds(6), Duration.ofMinutes(30));
    }

    void checkSessionTimeout(long ms) {
        if (ms < minSessionTimeout.toMillis() || ms > maxSessionTimeout.toMillis()) {
            throw new EddyException(
                    ErrorCode.INVALID_REQUEST,
                    "session_timeout_ms must be from " + minSessionTimeout.toMillis() + " to "
                            + maxSessionTimeout.toMillis(),
                    Map.of(
                            "field",
                            "session_timeout_ms",
                            "min",
                            minSessionTimeout.toMillis(),
                            "max",
                            maxSessionTimeout.toMillis()));
        }
    }
}
