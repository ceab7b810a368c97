package io.eddy.core.group;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A group as Kafka's classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) keeps it, stored beside the
 * group's Eddy state ({@link GroupState}) under the same group: the generation, the protocol the members agreed
 * on, the leader whose client-side assignor computed the assignment, and the members with their join metadata
 * and the assignment bytes the leader gave each. Kafka's formats are opaque here; each member also carries the
 * topics and partitions they decode to, so that a description shows them. Every instance may change it: each
 * change is written over the {@code version} it read. Immutable value; thread-safe.
 *
 * <pre>
 *   Empty ──join──▶ PreparingRebalance ──all rejoined, or rebalance timeout──▶ CompletingRebalance
 *                        ▲                                                          │ leader's SyncGroup
 *                        └──── join with new metadata, leave, session expiry ◀── Stable
 * </pre>
 *
 * @param version          0 for a group that never had classic members; +1 at every write
 * @param generation       bumped each time a rebalance completes
 * @param protocolType     the members' protocol type ({@code consumer}, {@code connect}…), none while empty
 * @param protocolName     the protocol (assignor) chosen for this generation, none while empty
 * @param leader           the member that assigns, none while empty
 * @param deadlineMs       while preparing a rebalance: when it completes without the members that did not rejoin;
 *                         while completing it: when the leader's assignment is given up on; else 0
 * @param notBeforeMs      while preparing the first rebalance of an empty group: it completes no sooner (Kafka's
 *                         {@code group.initial.rebalance.delay.ms}); else 0
 * @param pending          member ids handed out (JoinGroup's {@code MEMBER_ID_REQUIRED}) and not yet used, with
 *                         when they lapse
 */
public record ClassicGroup(
        GroupId groupId,
        long version,
        int generation,
        Phase phase,
        Optional<String> protocolType,
        Optional<String> protocolName,
        Optional<String> leader,
        long deadlineMs,
        long notBeforeMs,
        SortedMap<String, ClassicMember> members,
        SortedMap<String, Long> pending) {

    /** Kafka's classic group states (Dead is a group that does not exist: version 0). */
    public enum Phase {
        EMPTY,
        PREPARING_REBALANCE,
        COMPLETING_REBALANCE,
        STABLE
    }

    public ClassicGroup {
        if (groupId == null
                || phase == null
                || protocolType == null
                || protocolName == null
                || leader == null
                || members == null
                || pending == null
                || version < 0
                || generation < 0) {
            throw new IllegalArgumentException("incomplete classic group state");
        }
        members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
        pending = Collections.unmodifiableSortedMap(new TreeMap<>(pending));
        members.forEach((id, m) -> {
            if (!id.equals(m.memberId())) {
                throw new IllegalArgumentException("member " + m.memberId() + " keyed as " + id);
            }
        });
    }

    /** A group with no classic state yet. */
    public static ClassicGroup empty(GroupId groupId) {
        return new ClassicGroup(
                groupId,
                0,
                0,
                Phase.EMPTY,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                0,
                0,
                new TreeMap<>(),
                new TreeMap<>());
    }

    public boolean exists() {
        return version > 0;
    }

    public Optional<ClassicMember> member(String memberId) {
        return Optional.ofNullable(members.get(memberId));
    }

    public Optional<ClassicMember> byInstance(String instanceId) {
        return members.values().stream()
                .filter(m -> m.instanceId().filter(instanceId::equals).isPresent())
                .findFirst();
    }

    /** Whether any member is live at {@code nowMs}. */
    public boolean hasLiveMembers(long nowMs) {
        return members.values().stream().anyMatch(m -> m.live(nowMs));
    }

    public ClassicGroup with(ClassicMember member) {
        SortedMap<String, ClassicMember> next = new TreeMap<>(members);
        next.put(member.memberId(), member);
        return withMembers(next);
    }

    public ClassicGroup without(String memberId) {
        SortedMap<String, ClassicMember> next = new TreeMap<>(members);
        next.remove(memberId);
        return withMembers(next);
    }

    public ClassicGroup withMembers(SortedMap<String, ClassicMember> next) {
        return new ClassicGroup(
                groupId,
                version,
                generation,
                phase,
                protocolType,
                protocolName,
                leader,
                deadlineMs,
                notBeforeMs,
                next,
                pending);
    }

    public ClassicGroup withPending(SortedMap<String, Long> next) {
        return new ClassicGroup(
                groupId,
                version,
                generation,
                phase,
                protocolType,
                protocolName,
                leader,
                deadlineMs,
                notBeforeMs,
                members,
                next);
    }

    /** This group in {@code next} phase, with its deadlines. */
    public ClassicGroup inPhase(Phase next, long deadline, long notBefore) {
        return new ClassicGroup(
                groupId,
                version,
                generation,
                next,
                protocolType,
                protocolName,
                leader,
                deadline,
                notBefore,
                members,
                pending);
    }

    /** This group at a new generation, with the protocol and leader chosen for it. */
    public ClassicGroup atGeneration(
            int nextGeneration, Optional<String> type, Optional<String> name, Optional<String> nextLeader) {
        return new ClassicGroup(
                groupId,
                version,
                nextGeneration,
                phase,
                type,
                name,
                nextLeader,
                deadlineMs,
                notBeforeMs,
                members,
                pending);
    }

    /** The next version of this state, as the store writes it. */
    public ClassicGroup nextVersion() {
        return new ClassicGroup(
                groupId,
                version + 1,
                generation,
                phase,
                protocolType,
                protocolName,
                leader,
                deadlineMs,
                notBeforeMs,
                members,
                pending);
    }

    /**
     * The group as Eddy's own description shows it: live members that decode to a subscription (Kafka's
     * {@code consumer} protocol) as stable members at the generation, owning what the leader assigned them, and
     * that assignment as the target; the protocol name as the assignor. A partition the leader gave to two
     * members (which a correct client assignor never does) is shown with the first.
     */
    public GroupState asGroupState(GroupState stored, long nowMs) {
        SortedMap<String, MemberState> shown = new TreeMap<>();
        SortedMap<String, SortedSet<TopicPartition>> target = new TreeMap<>();
        SortedSet<TopicPartition> taken = new TreeSet<>();
        for (ClassicMember m : members.values()) {
            if (!m.live(nowMs) || m.topics().isEmpty()) {
                continue;
            }
            SortedSet<TopicPartition> owned = new TreeSet<>(m.assigned());
            owned.removeAll(taken);
            taken.addAll(owned);
            MemberState.Profile profile = new MemberState.Profile(
                    m.memberId(),
                    m.instanceId(),
                    Subscription.ofTopics(m.topics()),
                    m.sessionTimeoutMs(),
                    m.rebalanceTimeoutMs(),
                    OffsetReset.NONE);
            shown.put(m.memberId(), new MemberState.Stable(profile, Math.max(1, generation), owned, m.expiresAtMs()));
            target.put(m.memberId(), owned);
        }
        return new GroupState(
                groupId,
                stored.version(),
                generation,
                protocolName.orElse(stored.assignor()),
                new Assignment(target),
                stored.partitionCounts(),
                shown);
    }
}
