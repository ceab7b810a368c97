package io.eddy.core.group;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The consumer-group protocol's decisions, as pure functions of the stored group, a request, the topics and
 * the time (KIP-848's coordinator, without a coordinator process: the caller loads the state, calls this,
 * and writes the result over the version it loaded).
 *
 * <p>Rules: members whose session (or time to revoke) ran out are removed first, by any call; a change of
 * membership, subscriptions or subscribed topics bumps the group epoch and recomputes the target assignment
 * with the group's assignor; a member is then reconciled towards its target: it first revokes what it must
 * give up (its epoch stays until it has), then gets what nobody else holds and catches up with the group
 * epoch; a partition another member still holds is pending until that member has revoked it. So no partition
 * is ever assigned to two members. A static member's instance id (as KIP-848) belongs to one live member at a
 * time: a join under another member id while that member lives is refused ({@code unreleased_instance_id}, to
 * retry once the old member has left or its session has run out), and the old member id, once replaced, is
 * fenced ({@code fenced_instance_id}).
 *
 * <p>Thread-safe: stateless.
 */
public final class GroupCoordinator {
    /** Removals per call are bounded so one write stays within a DynamoDB transaction; the rest go next call. */
    public static final int MAX_REMOVALS_PER_CALL = 64;

    /**
     * The outcome of a heartbeat.
     *
     * @param state       the group after it (its version not yet advanced)
     * @param groupChanged whether anything but this member's session expiry changed (else only that is written)
     * @param member      the member after it
     * @param revoke      what the member must give up before it gets more
     * @param pending     partitions of its target another member still holds
     */
    public record HeartbeatResult(
            GroupState state,
            boolean groupChanged,
            MemberState member,
            SortedSet<TopicPartition> revoke,
            SortedSet<TopicPartition> pending) {
        /** What the member may consume now: its assigned partitions except those to revoke. */
        public SortedSet<TopicPartition> assignment() {
            SortedSet<TopicPartition> out = new TreeSet<>(member.assigned());
            out.removeAll(revoke);
            return out;
        }
    }

    /**
     * A join or heartbeat.
     *
     * @param topics every existing topic the group's subscriptions may need (all topics when a member subscribes
     *               by pattern), with its partition count
     */
    public HeartbeatResult heartbeat(GroupState before, Heartbeat hb, Map<String, Integer> topics, long nowMs) {
        GroupState state = sweep(before, nowMs);
        boolean membershipChanged = state.members().size() != before.members().size();
        MemberState member = state.members().get(hb.memberId());
        Optional<Set<TopicPartition>> owned = hb.owned();
        if (hb.memberEpoch() == 0) {
            Subscription subscription = hb.subscription()
                    .orElseThrow(() -> new EddyException(
                            ErrorCode.INVALID_REQUEST,
                            "a join (member_epoch 0) needs a subscription",
                            Map.of("field", "subscription")));
            Optional<MemberState> holder = hb.instanceId()
                    .flatMap(state::byInstance)
                    .filter(p -> !p.memberId().equals(hb.memberId()));
            if (holder.isPresent()) {
                // the sweep above removed it if its session had run out: it is live, and may be consuming
                MemberState old = holder.get();
                throw new EddyException(
                        ErrorCode.UNRELEASED_INSTANCE_ID,
                        "instance id '" + hb.instanceId().get()
                                + "' belongs to live member '" + old.memberId()
                                + "' until it leaves or its session runs out "
                                + "(at most " + Math.max(0, old.expiresAtMs() - nowMs)
                                + " ms from now); join again then",
                        Map.of(
                                "member_id",
                                hb.memberId(),
                                "instance_id",
                                hb.instanceId().get(),
                                "retry_after_ms",
                                Math.max(0, old.expiresAtMs() - nowMs)));
            }
            if (member == null) {
                member = MemberState.join(new MemberState.Profile(
                        hb.memberId(),
                        hb.instanceId(),
                        subscription,
                        hb.sessionTimeoutMs(),
                        hb.rebalanceTimeoutMs(),
                        hb.offsetReset()));
                membershipChanged = true;
            } else {
                owned = Optional.of(Set.of()); // joining again: whatever it had, it does not consume it now
            }
        } else {
            if (member == null) {
                if (hb.instanceId().flatMap(state::byInstance).isPresent()) {
                    throw new EddyException(
                            ErrorCode.FENCED_INSTANCE_ID,
                            "instance id '" + hb.instanceId().get()
                                    + "' belongs to another member now; this one is fenced",
                            Map.of(
                                    "member_id",
                                    hb.memberId(),
                                    "instance_id",
                                    hb.instanceId().get()));
                }
                throw unknownMember(hb.memberId());
            }
            boolean lostResponse =
                    hb.memberEpoch() < member.memberEpoch() && member.assigned().containsAll(owned.orElse(Set.of()));
            if (hb.memberEpoch() != member.memberEpoch() && !lostResponse) {
                throw staleEpoch(hb.memberId(), hb.memberEpoch(), member.memberEpoch());
            }
        }
        if (hb.subscription().isPresent() && !hb.subscription().get().equals(member.subscription())) {
            member = member.resubscribed(hb.subscription().get());
            membershipChanged = true;
        }
        if (hb.assignor().isPresent() && !hb.assignor().get().equals(state.assignor())) {
            String me = member.memberId();
            if (state.members().keySet().stream().anyMatch(id -> !id.equals(me))) {
                throw new EddyException(
                        ErrorCode.INCONSISTENT_ASSIGNOR,
                        "group " + state.groupId() + " uses the " + state.assignor() + " assignor, not "
                                + hb.assignor().get(),
                        Map.of("assignor", state.assignor()));
            }
            Assignors.byName(hb.assignor().get());
            state = state.withAssignor(hb.assignor().get());
            membershipChanged = true;
        }
        member = member.renewed(hb.sessionTimeoutMs(), hb.rebalanceTimeoutMs(), hb.offsetReset(), nowMs);
        if (owned.isPresent()) {
            // what it was asked to give up and no longer reports owning is free for others now
            SortedSet<TopicPartition> released = new TreeSet<>(member.assigned());
            released.removeAll(state.target().partitionsOf(member.memberId()));
            released.removeAll(owned.get());
            member = member.releasing(released);
        }
        state = retarget(state.with(member), topics, membershipChanged);
        return reconcile(before, state, member.memberId(), nowMs);
    }

    /** A member leaves: its partitions are free at once and the group rebalances. */
    public GroupState leave(GroupState before, String memberId, Map<String, Integer> topics, long nowMs) {
        GroupState state = sweep(before, nowMs);
        if (!state.members().containsKey(memberId)) {
            throw unknownMember(memberId);
        }
        return retarget(state.without(memberId), topics, true);
    }

    /** The group without the members that are no longer live (at most {@link #MAX_REMOVALS_PER_CALL}). */
    public GroupState sweep(GroupState state, long nowMs) {
        List<String> expired = new ArrayList<>();
        state.members().forEach((id, m) -> {
            if (!m.live(nowMs) && expired.size() < MAX_REMOVALS_PER_CALL) {
                expired.add(id);
            }
        });
        GroupState out = state;
        for (String id : expired) {
            out = out.without(id);
        }
        return out;
    }

    /** Recomputes the target when membership changed or a subscribed topic's partition count did. */
    private static GroupState retarget(GroupState state, Map<String, Integer> topics, boolean membershipChanged) {
        SortedMap<String, Integer> counts = new TreeMap<>();
        List<GroupMember> members = new ArrayList<>();
        for (MemberState m : state.members().values()) {
            SortedSet<String> subscribed = m.subscription().resolve(topics.keySet());
            subscribed.stream().filter(topics::containsKey).forEach(t -> counts.put(t, topics.get(t)));
            members.add(new GroupMember(m.memberId(), m.instanceId(), subscribed, m.assigned()));
        }
        if (!membershipChanged && counts.equals(state.partitionCounts())) {
            return state;
        }
        Assignment target = Assignors.byName(state.assignor()).assign(members, counts);
        return state.withTarget(state.groupEpoch() + 1, target, counts);
    }

    private static HeartbeatResult reconcile(GroupState before, GroupState state, String memberId, long nowMs) {
        MemberState member = state.members().get(memberId);
        SortedSet<TopicPartition> target = state.target().partitionsOf(memberId);
        SortedSet<TopicPartition> revoke = new TreeSet<>(member.assigned());
        revoke.removeAll(target);
        if (!revoke.isEmpty()) {
            member = member.revoking(nowMs); // a member already revoking keeps its deadline
        } else {
            SortedSet<TopicPartition> assigned = new TreeSet<>(member.assigned());
            SortedSet<TopicPartition> grant = new TreeSet<>(target);
            grant.removeAll(assigned);
            grant.removeAll(state.assignedToOthers(memberId));
            assigned.addAll(grant);
            member = member.reconciled(state.groupEpoch(), assigned);
        }
        SortedSet<TopicPartition> pending = new TreeSet<>(target);
        pending.removeAll(member.assigned());
        state = state.with(member);
        MemberState previous = before.members().get(memberId);
        GroupState unexpired = previous == null ? state : state.with(member.expiringAt(previous.expiresAtMs()));
        return new HeartbeatResult(state, !unexpired.equals(before), member, revoke, pending);
    }

    static EddyException unknownMember(String memberId) {
        return new EddyException(
                ErrorCode.UNKNOWN_MEMBER,
                "member '" + memberId + "' is not in the group (it left, "
                        + "or its session expired): join again with member_epoch 0",
                Map.of("member_id", memberId));
    }

    static EddyException staleEpoch(String memberId, long sent, long current) {
        return new EddyException(
                ErrorCode.STALE_MEMBER_EPOCH,
                "member '" + memberId + "' sent epoch " + sent + " but its epoch is " + current,
                Map.of("member_id", memberId, "member_epoch", sent, "current_epoch", current));
    }
}
