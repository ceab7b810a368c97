package io.eddy.core.group;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A member as the group records it.
 *
 * @param memberId          chosen by the client, unique in the group
 * @param instanceId        a static member's instance id
 * @param memberEpoch       the group epoch this member last caught up with (0 before its first assignment)
 * @param subscription      what it subscribes to
 * @param assigned          the partitions it has been given and has not given back: no other member has them
 * @param expiresAtMs       when its session ends unless it heartbeats again
 * @param revokeDeadlineMs  when it must have revoked what it was asked to give up, or 0 if nothing is asked
 * @param sessionTimeoutMs  how long a session lasts without a heartbeat
 * @param rebalanceTimeoutMs how long it may take to revoke partitions
 * @param offsetReset       where it starts on partitions without a committed offset
 */
public record MemberState(String memberId, Optional<String> instanceId, long memberEpoch, Subscription subscription,
                          SortedSet<TopicPartition> assigned, long expiresAtMs, long revokeDeadlineMs,
                          long sessionTimeoutMs, long rebalanceTimeoutMs, OffsetReset offsetReset) {

    public MemberState {
        if (memberId == null || memberId.isEmpty() || instanceId == null || subscription == null || assigned == null
                || offsetReset == null || memberEpoch < 0) {
            throw new IllegalArgumentException("incomplete member state for " + memberId);
        }
        assigned = Collections.unmodifiableSortedSet(new TreeSet<>(assigned));
    }

    /** Whether the member still counts at {@code nowMs}: its session has not ended, nor its time to revoke. */
    public boolean live(long nowMs) {
        return expiresAtMs >= nowMs && (revokeDeadlineMs == 0 || revokeDeadlineMs >= nowMs);
    }

    public MemberState withEpoch(long epoch) {
        return new MemberState(memberId, instanceId, epoch, subscription, assigned, expiresAtMs, revokeDeadlineMs,
                sessionTimeoutMs, rebalanceTimeoutMs, offsetReset);
    }

    public MemberState withSubscription(Subscription s) {
        return new MemberState(memberId, instanceId, memberEpoch, s, assigned, expiresAtMs, revokeDeadlineMs,
                sessionTimeoutMs, rebalanceTimeoutMs, offsetReset);
    }

    public MemberState withAssigned(SortedSet<TopicPartition> partitions) {
        return new MemberState(memberId, instanceId, memberEpoch, subscription, partitions, expiresAtMs,
                revokeDeadlineMs, sessionTimeoutMs, rebalanceTimeoutMs, offsetReset);
    }

    public MemberState withExpiry(long expiresAt) {
        return new MemberState(memberId, instanceId, memberEpoch, subscription, assigned, expiresAt, revokeDeadlineMs,
                sessionTimeoutMs, rebalanceTimeoutMs, offsetReset);
    }

    public MemberState withRevokeDeadline(long deadline) {
        return new MemberState(memberId, instanceId, memberEpoch, subscription, assigned, expiresAtMs, deadline,
                sessionTimeoutMs, rebalanceTimeoutMs, offsetReset);
    }

    public MemberState withSettings(long sessionTimeout, long rebalanceTimeout, OffsetReset reset) {
        return new MemberState(memberId, instanceId, memberEpoch, subscription, assigned, expiresAtMs, revokeDeadlineMs,
                sessionTimeout, rebalanceTimeout, reset);
    }
}
