package io.eddy.kafka.group;

import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicGroup.Phase;
import io.eddy.core.group.ClassicMember;
import io.eddy.core.group.ClassicProtocol;
import io.eddy.core.group.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.protocol.Errors;

/**
 * Kafka's classic group protocol's decisions, as pure functions of the stored {@link ClassicGroup}, a request and
 * the time; the caller loads the group, calls {@link #advance} and then the request's function, and writes the
 * result over the version it loaded (any instance may, for any member: the store is the only shared state).
 *
 * <p>Rules, as a Kafka broker's: a join with new metadata, a new member, a leave or an expired session starts a
 * rebalance (PreparingRebalance); it completes when every member has rejoined, or at the rebalance timeout
 * without those that did not (then the generation is bumped, the protocol every member supports with the most
 * first-choice votes is chosen, the leader kept or the first member made leader: CompletingRebalance); the
 * leader's SyncGroup hands each member its assignment (Stable). Requests of another generation are answered
 * {@code ILLEGAL_GENERATION}, of an unknown member {@code UNKNOWN_MEMBER_ID}, of a replaced static member
 * {@code FENCED_INSTANCE_ID}; heartbeats during a rebalance {@code REBALANCE_IN_PROGRESS}. Sessions are not
 * swept while a rebalance is being prepared (the members are waiting on it; its timeout bounds it).
 *
 * <p>Thread-safe: immutable.
 */
final class ClassicCoordinator {
    private final ClassicSettings settings;

    ClassicCoordinator(ClassicSettings settings) {
        this.settings = settings;
    }

    /**
     * A JoinGroup.
     *
     * @param memberId          as sent: empty for a member new to the group
     * @param newMemberId       the id to give the member if it needs one
     * @param requireKnownId    v4+: a dynamic member without an id is given one to join with
     *                          ({@code MEMBER_ID_REQUIRED})
     * @param topics            the topics its metadata subscribes to (Kafka's consumer protocol), else empty
     */
    record Join(
            String memberId,
            String newMemberId,
            Optional<String> instanceId,
            String clientId,
            String clientHost,
            int sessionTimeoutMs,
            int rebalanceTimeoutMs,
            String protocolType,
            List<ClassicProtocol> protocols,
            boolean requireKnownId,
            SortedSet<String> topics) {}

    /** What to answer a JoinGroup, and the group to write first. */
    sealed interface JoinDecision {
        /** Answer this error and write nothing. */
        record Refused(Errors error) implements JoinDecision {}

        /** Write {@code group} and answer {@code MEMBER_ID_REQUIRED} with this id. */
        record MemberIdRequired(ClassicGroup group, String memberId) implements JoinDecision {}

        /** Write {@code group} and answer with its generation at once. */
        record Answer(ClassicGroup group, String memberId) implements JoinDecision {}

        /** Write {@code group}, then answer once its generation has passed {@code joinedAt}. */
        record Await(ClassicGroup group, String memberId, int joinedAt) implements JoinDecision {}
    }

    /** What to answer a SyncGroup, and the group to write first. */
    sealed interface SyncDecision {
        record Refused(Errors error) implements SyncDecision {}

        /** Write {@code group} and answer {@code assignment}. */
        record Assigned(ClassicGroup group, byte[] assignment) implements SyncDecision {}

        /** A follower before the leader's assignment: wait for it. */
        record Await() implements SyncDecision {}
    }

    /** A LeaveGroup's outcome: the group to write and an error per member, in request order. */
    record Left(ClassicGroup group, List<Errors> errors) {}

    /** One member of a LeaveGroup: by member id, or by instance id (the member id then empty or its own). */
    record Leaving(String memberId, Optional<String> instanceId) {}

    // ---- time ------------------------------------------------------------------------------------------------

    /**
     * The time-driven transitions any call makes first: handed-out member ids lapse; a rebalance being prepared
     * completes when every member has rejoined (and the initial delay passed) or at its timeout; members whose
     * session ended are removed (a rebalance starts); a leader that did not assign in time restarts the
     * rebalance. Returns {@code group} itself when nothing changes.
     */
    ClassicGroup advance(ClassicGroup group, long nowMs) {
        ClassicGroup g = group;
        if (g.pending().values().stream().anyMatch(until -> until < nowMs)) {
            SortedMap<String, Long> kept = new TreeMap<>(g.pending());
            kept.values().removeIf(until -> until < nowMs);
            g = g.withPending(kept);
        }
        if (g.phase() == Phase.PREPARING_REBALANCE) {
            boolean allJoined = g.members().values().stream().allMatch(ClassicMember::joined);
            if ((allJoined && nowMs >= g.notBeforeMs()) || nowMs >= g.deadlineMs()) {
                g = completeJoin(g, nowMs);
            }
            return g;
        }
        List<String> expired = g.members().values().stream()
                .filter(m -> !m.live(nowMs))
                .map(ClassicMember::memberId)
                .toList();
        if (!expired.isEmpty()) {
            for (String id : expired) {
                g = g.without(id);
            }
            return advance(prepare(g, nowMs, 0), nowMs);
        }
        if (g.phase() == Phase.COMPLETING_REBALANCE && nowMs > g.deadlineMs()) {
            return advance(prepare(g, nowMs, 0), nowMs);
        }
        return g;
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    JoinDecision join(ClassicGroup g, Join r, long nowMs) {
        if (r.protocolType().isEmpty() || r.protocols().isEmpty()) {
            return new JoinDecision.Refused(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        if (r.sessionTimeoutMs() < settings.minSessionTimeout().toMillis()
                || r.sessionTimeoutMs() > settings.maxSessionTimeout().toMillis()) {
            return new JoinDecision.Refused(Errors.INVALID_SESSION_TIMEOUT);
        }
        if (!g.members().isEmpty() && !supports(g, r)) {
            return new JoinDecision.Refused(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        if (r.memberId().isEmpty()) {
            Optional<ClassicMember> holder = r.instanceId().flatMap(g::byInstance);
            if (holder.isPresent()) {
                return staticRejoin(g, holder.get(), r, nowMs);
            }
            if (r.instanceId().isEmpty() && r.requireKnownId()) {
                SortedMap<String, Long> pending = new TreeMap<>(g.pending());
                pending.put(r.newMemberId(), nowMs + r.sessionTimeoutMs());
                return new JoinDecision.MemberIdRequired(g.withPending(pending), r.newMemberId());
            }
            return joinRebalance(g, fresh(r, r.newMemberId(), nowMs), r, nowMs);
        }
        Optional<ClassicMember> known = g.member(r.memberId());
        if (known.isEmpty()) {
            if (r.instanceId().isEmpty() && g.pending().containsKey(r.memberId())) {
                SortedMap<String, Long> pending = new TreeMap<>(g.pending());
                pending.remove(r.memberId());
                return joinRebalance(g.withPending(pending), fresh(r, r.memberId(), nowMs), r, nowMs);
            }
            return new JoinDecision.Refused(fencedOrUnknown(g, r.instanceId()));
        }
        ClassicMember member = known.get();
        if (!member.instanceId().equals(r.instanceId())) {
            return new JoinDecision.Refused(
                    r.instanceId().isPresent() ? Errors.FENCED_INSTANCE_ID : Errors.UNKNOWN_MEMBER_ID);
        }
        boolean same = member.sameProtocols(r.protocols());
        boolean leader = g.leader().filter(r.memberId()::equals).isPresent();
        if (g.phase() == Phase.COMPLETING_REBALANCE && same || g.phase() == Phase.STABLE && same && !leader) {
            // nothing changed: the member lost its answer, or merely rejoins; give it this generation again
            return new JoinDecision.Answer(g.with(member.expiringAt(nowMs + r.sessionTimeoutMs())), r.memberId());
        }
        return joinRebalance(g, updated(member, r, nowMs), r, nowMs);
    }

    SyncDecision sync(
            ClassicGroup g,
            String memberId,
            Optional<String> instanceId,
            int generation,
            Optional<String> protocolType,
            Optional<String> protocolName,
            Map<String, byte[]> assignments,
            Function<byte[], SortedSet<TopicPartition>> decode,
            long nowMs) {
        Optional<Errors> invalid = checkMember(g, memberId, instanceId, generation);
        if (invalid.isPresent()) {
            return new SyncDecision.Refused(invalid.get());
        }
        if (protocolType.isPresent() && !protocolType.equals(g.protocolType())
                || protocolName.isPresent() && !protocolName.equals(g.protocolName())) {
            return new SyncDecision.Refused(Errors.INCONSISTENT_GROUP_PROTOCOL);
        }
        ClassicMember member = g.members().get(memberId);
        switch (g.phase()) {
            case PREPARING_REBALANCE:
                return new SyncDecision.Refused(Errors.REBALANCE_IN_PROGRESS);
            case STABLE:
                return new SyncDecision.Assigned(g, member.assignment());
            case COMPLETING_REBALANCE:
                if (g.leader().filter(memberId::equals).isEmpty()) {
                    return new SyncDecision.Await();
                }
                SortedMap<String, ClassicMember> next = new TreeMap<>();
                g.members().forEach((id, m) -> {
                    byte[] bytes = assignments.getOrDefault(id, new byte[0]);
                    ClassicMember given = m.assigned(bytes, decode.apply(bytes));
                    next.put(id, id.equals(memberId) ? given.expiringAt(nowMs + m.sessionTimeoutMs()) : given);
                });
                ClassicGroup stable = g.withMembers(next).inPhase(Phase.STABLE, 0, 0);
                return new SyncDecision.Assigned(stable, next.get(memberId).assignment());
            default:
                return new SyncDecision.Refused(Errors.UNKNOWN_MEMBER_ID);
        }
    }

    /** A heartbeat's error ({@code NONE} or {@code REBALANCE_IN_PROGRESS} keep the member's session going). */
    Errors heartbeat(ClassicGroup g, String memberId, Optional<String> instanceId, int generation) {
        return checkMember(g, memberId, instanceId, generation)
                .orElse(g.phase() == Phase.PREPARING_REBALANCE ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE);
    }

    Left leave(ClassicGroup group, List<Leaving> leaving, long nowMs) {
        ClassicGroup g = group;
        List<Errors> errors = new ArrayList<>();
        boolean removed = false;
        for (Leaving l : leaving) {
            Optional<ClassicMember> member;
            if (l.instanceId().isPresent()) {
                member = g.byInstance(l.instanceId().get());
                if (member.isPresent()
                        && !l.memberId().isEmpty()
                        && !l.memberId().equals(member.get().memberId())) {
                    errors.add(Errors.FENCED_INSTANCE_ID);
                    continue;
                }
            } else if (g.pending().containsKey(l.memberId())) {
                SortedMap<String, Long> pending = new TreeMap<>(g.pending());
                pending.remove(l.memberId());
                g = g.withPending(pending);
                errors.add(Errors.NONE);
                continue;
            } else {
                member = g.member(l.memberId());
            }
            if (member.isEmpty()) {
                errors.add(Errors.UNKNOWN_MEMBER_ID);
                continue;
            }
            g = g.without(member.get().memberId());
            removed = true;
            errors.add(Errors.NONE);
        }
        if (removed) {
            g = advance(prepare(g, nowMs, 0), nowMs);
        }
        return new Left(g, errors);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private Optional<Errors> checkMember(ClassicGroup g, String memberId, Optional<String> instanceId, int generation) {
        ClassicMember member = g.members().get(memberId);
        if (member == null) {
            return Optional.of(fencedOrUnknown(g, instanceId));
        }
        if (instanceId.isPresent() && !instanceId.equals(member.instanceId())) {
            return Optional.of(Errors.FENCED_INSTANCE_ID);
        }
        if (generation != g.generation()) {
            return Optional.of(Errors.ILLEGAL_GENERATION);
        }
        return Optional.empty();
    }

    private static Errors fencedOrUnknown(ClassicGroup g, Optional<String> instanceId) {
        return instanceId.flatMap(g::byInstance).isPresent() ? Errors.FENCED_INSTANCE_ID : Errors.UNKNOWN_MEMBER_ID;
    }

    /** A static member back under a new member id: the old id is fenced; it keeps its assignment. */
    private JoinDecision staticRejoin(ClassicGroup g, ClassicMember old, Join r, long nowMs) {
        ClassicMember renamed = updated(old, r, nowMs).renamed(r.newMemberId());
        boolean wasLeader = g.leader().filter(old.memberId()::equals).isPresent();
        ClassicGroup swapped = g.without(old.memberId()).with(renamed);
        if (wasLeader) {
            swapped = swapped.atGeneration(
                    g.generation(), g.protocolType(), g.protocolName(), Optional.of(r.newMemberId()));
        }
        if (g.phase() == Phase.STABLE && old.sameProtocols(r.protocols()) && !wasLeader) {
            return new JoinDecision.Answer(swapped, r.newMemberId());
        }
        return joinRebalance(swapped, renamed, r, nowMs);
    }

    /** The member joins the rebalance under way, or one it starts. */
    private JoinDecision joinRebalance(ClassicGroup g, ClassicMember member, Join r, long nowMs) {
        boolean isNew = !g.members().containsKey(member.memberId());
        ClassicGroup prepared = g;
        if (g.members().isEmpty() || g.phase() == Phase.EMPTY) {
            prepared =
                    g.atGeneration(g.generation(), Optional.of(r.protocolType()), Optional.empty(), Optional.empty());
            long delay = Math.min(settings.initialRebalanceDelay().toMillis(), r.rebalanceTimeoutMs());
            prepared = prepare(prepared, nowMs, r.rebalanceTimeoutMs())
                    .inPhase(Phase.PREPARING_REBALANCE, nowMs + r.rebalanceTimeoutMs(), nowMs + delay);
        } else if (g.phase() != Phase.PREPARING_REBALANCE) {
            prepared = prepare(g, nowMs, r.rebalanceTimeoutMs());
        } else if (isNew && g.notBeforeMs() > 0) {
            long delay = settings.initialRebalanceDelay().toMillis();
            prepared = g.inPhase(Phase.PREPARING_REBALANCE, g.deadlineMs(), Math.min(g.deadlineMs(), nowMs + delay));
        }
        int joinedAt = prepared.generation();
        ClassicGroup joined = advance(prepared.with(member.joining(true)), nowMs);
        return new JoinDecision.Await(joined, member.memberId(), joinedAt);
    }

    /**
     * The group preparing a rebalance from now: every member must rejoin within the longest rebalance timeout
     * (and {@code atLeastMs}). A rebalance already being prepared is left as it is.
     */
    private static ClassicGroup prepare(ClassicGroup g, long nowMs, long atLeastMs) {
        if (g.phase() == Phase.PREPARING_REBALANCE) {
            return g;
        }
        long timeout = atLeastMs;
        SortedMap<String, ClassicMember> waiting = new TreeMap<>();
        for (ClassicMember m : g.members().values()) {
            timeout = Math.max(timeout, m.rebalanceTimeoutMs());
            waiting.put(m.memberId(), m.joining(false));
        }
        return g.withMembers(waiting).inPhase(Phase.PREPARING_REBALANCE, nowMs + timeout, 0);
    }

    /** The rebalance completes: the next generation, of the members that rejoined. */
    private static ClassicGroup completeJoin(ClassicGroup g, long nowMs) {
        SortedMap<String, ClassicMember> next = new TreeMap<>();
        long timeout = 0;
        for (ClassicMember m : g.members().values()) {
            if (m.joined()) {
                next.put(m.memberId(), m.joining(false).expiringAt(nowMs + m.sessionTimeoutMs()));
                timeout = Math.max(timeout, m.rebalanceTimeoutMs());
            }
        }
        int generation = g.generation() + 1;
        if (next.isEmpty()) {
            return g.withMembers(next)
                    .atGeneration(generation, g.protocolType(), Optional.empty(), Optional.empty())
                    .inPhase(Phase.EMPTY, 0, 0);
        }
        Optional<String> leader = g.leader().filter(next::containsKey).or(() -> Optional.of(next.firstKey()));
        String protocol = selectProtocol(next.values(), next.get(leader.get()));
        return g.withMembers(next)
                .atGeneration(generation, g.protocolType(), Optional.of(protocol), leader)
                .inPhase(Phase.COMPLETING_REBALANCE, nowMs + timeout, 0);
    }

    /** The protocol all members support with the most first-choice votes; ties go to the leader's preference. */
    static String selectProtocol(java.util.Collection<ClassicMember> members, ClassicMember leader) {
        Set<String> candidates = new LinkedHashSet<>();
        leader.protocols().forEach(p -> candidates.add(p.name()));
        for (ClassicMember m : members) {
            Set<String> names = new java.util.HashSet<>();
            m.protocols().forEach(p -> names.add(p.name()));
            candidates.retainAll(names);
        }
        Map<String, Integer> votes = new HashMap<>();
        for (ClassicMember m : members) {
            m.protocols().stream()
                    .map(ClassicProtocol::name)
                    .filter(candidates::contains)
                    .findFirst()
                    .ifPresent(p -> votes.merge(p, 1, Integer::sum));
        }
        String best = candidates.iterator().next();
        for (String c : candidates) {
            if (votes.getOrDefault(c, 0) > votes.getOrDefault(best, 0)) {
                best = c;
            }
        }
        return best;
    }

    /** Whether a join's protocols fit the group: same type, and some protocol every member and it support. */
    private static boolean supports(ClassicGroup g, Join r) {
        if (g.protocolType().filter(r.protocolType()::equals).isEmpty()) {
            return false;
        }
        Set<String> common = new java.util.HashSet<>();
        r.protocols().forEach(p -> common.add(p.name()));
        for (ClassicMember m : g.members().values()) {
            Set<String> names = new java.util.HashSet<>();
            m.protocols().forEach(p -> names.add(p.name()));
            common.retainAll(names);
        }
        return !common.isEmpty();
    }

    private static ClassicMember fresh(Join r, String memberId, long nowMs) {
        return new ClassicMember(
                memberId,
                r.instanceId(),
                r.clientId(),
                r.clientHost(),
                r.sessionTimeoutMs(),
                r.rebalanceTimeoutMs(),
                r.protocols(),
                false,
                new byte[0],
                r.topics(),
                new java.util.TreeSet<>(),
                nowMs + r.sessionTimeoutMs());
    }

    private static ClassicMember updated(ClassicMember m, Join r, long nowMs) {
        return new ClassicMember(
                m.memberId(),
                m.instanceId(),
                r.clientId(),
                r.clientHost(),
                r.sessionTimeoutMs(),
                r.rebalanceTimeoutMs(),
                r.protocols(),
                m.joined(),
                m.assignment(),
                r.topics(),
                m.assigned(),
                nowMs + r.sessionTimeoutMs());
    }
}
