package io.eddy.core.group;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A member as the group records it, in one state of its lifecycle (KIP-848's member reconciliation):
 *
 * <pre>
 *   join ──▶ Joining ──reconciled──▶ Stable ──revoking──▶ Revoking
 *                                     ▲                      │
 *                                     └──────reconciled──────┘
 * </pre>
 *
 * <ul>
 *   <li>{@link Joining}: in the group, not yet given anything (epoch 0). A heartbeat reconciles it at once, so a
 *       stored member is never in it; it is the state a member is created in.</li>
 *   <li>{@link Stable}: caught up with the group epoch it was given; it owns only partitions of its target (some
 *       of its target may still be pending, held by a member that has not revoked them yet).</li>
 *   <li>{@link Revoking}: owns partitions its target no longer has; it keeps its epoch and must have given them
 *       back by its revoke deadline, or it stops being live.</li>
 * </ul>
 *
 * <p>Every state ends when the member is removed from the group: it leaves, its session runs out, or it misses its
 * revoke deadline ({@link #live} is then false and any call's sweep removes it). There is no {@code Fenced} state:
 * a fenced member is one the group no longer holds (removed, or its static instance id now belongs to another
 * member id), so it is answered from the member's absence ({@code unknown_member}, {@code fenced_instance_id}),
 * never stored. Immutable values; thread-safe.
 */
public sealed interface MemberState permits MemberState.Joining, MemberState.Stable, MemberState.Revoking {

    /**
     * Who the member is and what it asked for in its last heartbeat.
     *
     * @param memberId           chosen by the client, unique in the group
     * @param instanceId         a static member's instance id
     * @param subscription       what it subscribes to
     * @param sessionTimeoutMs   how long a session lasts without a heartbeat
     * @param rebalanceTimeoutMs how long it may take to revoke partitions
     * @param offsetReset        where it starts on partitions without a committed offset
     */
    record Profile(
            String memberId,
            Optional<String> instanceId,
            Subscription subscription,
            long sessionTimeoutMs,
            long rebalanceTimeoutMs,
            OffsetReset offsetReset) {
        public Profile {
            if (memberId == null
                    || memberId.isEmpty()
                    || instanceId == null
                    || subscription == null
                    || offsetReset == null) {
                throw new IllegalArgumentException("incomplete member profile for " + memberId);
            }
        }

        Profile withSubscription(Subscription s) {
            return new Profile(memberId, instanceId, s, sessionTimeoutMs, rebalanceTimeoutMs, offsetReset);
        }
    }

    /** A member that has joined and has been given nothing yet: epoch 0, no partitions. */
    record Joining(Profile profile, long expiresAtMs) implements MemberState {
        public Joining {
            if (profile == null) {
                throw new IllegalArgumentException("a joining member needs a profile");
            }
        }

        @Override
        public long memberEpoch() {
            return 0;
        }

        @Override
        public SortedSet<TopicPartition> assigned() {
            return Collections.emptySortedSet();
        }
    }

    /** A member caught up with the group epoch {@code memberEpoch}, owning {@code assigned}. */
    record Stable(Profile profile, long memberEpoch, SortedSet<TopicPartition> assigned, long expiresAtMs)
            implements MemberState {
        public Stable {
            if (profile == null || assigned == null || memberEpoch < 1) {
                throw new IllegalArgumentException("incomplete stable member state");
            }
            assigned = Collections.unmodifiableSortedSet(new TreeSet<>(assigned));
        }
    }

    /** A member that must give back part of {@code assigned} by {@code revokeDeadlineMs}; its epoch stays. */
    record Revoking(
            Profile profile,
            long memberEpoch,
            SortedSet<TopicPartition> assigned,
            long expiresAtMs,
            long revokeDeadlineMs)
            implements MemberState {
        public Revoking {
            if (profile == null || assigned == null || memberEpoch < 1 || revokeDeadlineMs <= 0) {
                throw new IllegalArgumentException("incomplete revoking member state");
            }
            assigned = Collections.unmodifiableSortedSet(new TreeSet<>(assigned));
        }

        @Override
        public boolean live(long nowMs) {
            return expiresAtMs >= nowMs && revokeDeadlineMs >= nowMs;
        }
    }

    Profile profile();

    /** The group epoch this member last caught up with (0 before its first assignment). */
    long memberEpoch();

    /** The partitions it has been given and has not given back: no other member has them. */
    SortedSet<TopicPartition> assigned();

    /** When its session ends unless it heartbeats again. */
    long expiresAtMs();

    default String memberId() {
        return profile().memberId();
    }

    default Optional<String> instanceId() {
        return profile().instanceId();
    }

    default Subscription subscription() {
        return profile().subscription();
    }

    default long sessionTimeoutMs() {
        return profile().sessionTimeoutMs();
    }

    default long rebalanceTimeoutMs() {
        return profile().rebalanceTimeoutMs();
    }

    default OffsetReset offsetReset() {
        return profile().offsetReset();
    }

    /** Whether the member still counts at {@code nowMs}: its session has not ended, nor its time to revoke. */
    default boolean live(long nowMs) {
        return expiresAtMs() >= nowMs;
    }

    // ---- transitions ---------------------------------------------------------------------------------------

    /** A member joining with {@code profile}: nothing given, no session yet (a heartbeat renews it). */
    static MemberState join(Profile profile) {
        return new Joining(profile, 0);
    }

    /** The member, in the same state, subscribing to {@code subscription}. */
    default MemberState resubscribed(Subscription subscription) {
        return with(profile().withSubscription(subscription), expiresAtMs());
    }

    /** The member after a heartbeat with these settings at {@code nowMs}: its session runs a timeout from now. */
    default MemberState renewed(long sessionTimeoutMs, long rebalanceTimeoutMs, OffsetReset offsetReset, long nowMs) {
        Profile p = profile();
        return with(
                new Profile(
                        p.memberId(),
                        p.instanceId(),
                        p.subscription(),
                        sessionTimeoutMs,
                        rebalanceTimeoutMs,
                        offsetReset),
                nowMs + sessionTimeoutMs);
    }

    /** The member, in the same state, with its session ending at {@code expiresAtMs}. */
    default MemberState expiringAt(long expiresAtMs) {
        return with(profile(), expiresAtMs);
    }

    /** The member, in the same state, having given back {@code released} (partitions it does not own are ignored). */
    default MemberState releasing(Set<TopicPartition> released) {
        SortedSet<TopicPartition> kept = new TreeSet<>(assigned());
        kept.removeAll(released);
        if (this instanceof Stable s) {
            return new Stable(s.profile(), s.memberEpoch(), kept, s.expiresAtMs());
        }
        if (this instanceof Revoking r) {
            return new Revoking(r.profile(), r.memberEpoch(), kept, r.expiresAtMs(), r.revokeDeadlineMs());
        }
        return this; // joining: owns nothing
    }

    /**
     * The member asked to give back part of what it owns, at {@code nowMs}: a stable member must have done so a
     * rebalance timeout from now; one already revoking keeps its deadline.
     *
     * @throws IllegalStateException for a joining member, which owns nothing to revoke
     */
    default Revoking revoking(long nowMs) {
        if (this instanceof Stable s) {
            return new Revoking(
                    s.profile(), s.memberEpoch(), s.assigned(), s.expiresAtMs(), nowMs + s.rebalanceTimeoutMs());
        }
        if (this instanceof Revoking r) {
            return r;
        }
        throw new IllegalStateException("member " + memberId() + " owns nothing to revoke");
    }

    /** The member caught up with {@code groupEpoch}, owning {@code assigned}: nothing left to revoke. */
    default Stable reconciled(long groupEpoch, SortedSet<TopicPartition> assigned) {
        return new Stable(profile(), groupEpoch, assigned, expiresAtMs());
    }

    private MemberState with(Profile profile, long expiresAtMs) {
        if (this instanceof Stable s) {
            return new Stable(profile, s.memberEpoch(), s.assigned(), expiresAtMs);
        }
        if (this instanceof Revoking r) {
            return new Revoking(profile, r.memberEpoch(), r.assigned(), expiresAtMs, r.revokeDeadlineMs());
        }
        return new Joining(profile, expiresAtMs);
    }
}
