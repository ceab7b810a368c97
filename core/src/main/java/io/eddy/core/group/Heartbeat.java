package io.eddy.core.group;

import java.util.Optional;
import java.util.Set;

/**
 * A member's join ({@code memberEpoch} 0) or heartbeat, as KIP-848's ConsumerGroupHeartbeat.
 *
 * @param subscription what it subscribes to; required to join, absent = unchanged
 * @param owned        the partitions it owns now; absent = unchanged since its last heartbeat
 * @param assignor     the assignor it asks for; absent = the group's
 */
public record Heartbeat(
        String memberId,
        long memberEpoch,
        Optional<String> instanceId,
        Optional<Subscription> subscription,
        Optional<Set<TopicPartition>> owned,
        Optional<String> assignor,
        long sessionTimeoutMs,
        long rebalanceTimeoutMs,
        OffsetReset offsetReset) {
    public Heartbeat {
        if (memberId == null
                || memberId.isEmpty()
                || memberEpoch < 0
                || instanceId == null
                || subscription == null
                || owned == null
                || assignor == null
                || offsetReset == null
                || sessionTimeoutMs <= 0
                || rebalanceTimeoutMs <= 0) {
            throw new IllegalArgumentException("incomplete heartbeat from " + memberId);
        }
        owned = owned.map(Set::copyOf);
    }
}
