package io.eddy.core.group;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How to move a group from its current assignment to a target one without giving a partition two owners:
 * members first revoke what they lose; what they gain is given at once when nobody else owns it, and
 * otherwise waits until its owner has revoked it (a next plan, made after the revocations, gives it).
 *
 * <p>Applying {@link #revoke} and {@link #assignNow} to the current assignment, in either order, never puts a
 * partition with two members; once the revocations are done, the plan from there to the same target has
 * nothing left pending.
 *
 * <p>Thread-safe: immutable.
 *
 * @param revoke    member → partitions it owns now and must give up (not in its target)
 * @param assignNow member → partitions of its target it does not own yet and nobody else owns now
 * @param pending   member → partitions of its target that another member still owns now
 */
public record RevocationPlan(
        SortedMap<String, SortedSet<TopicPartition>> revoke,
        SortedMap<String, SortedSet<TopicPartition>> assignNow,
        SortedMap<String, SortedSet<TopicPartition>> pending) {

    public RevocationPlan {
        revoke = frozen(revoke);
        assignNow = frozen(assignNow);
        pending = frozen(pending);
    }

    /** The plan from {@code current} to {@code target}; members only in {@code current} revoke everything. */
    public static RevocationPlan between(Assignment current, Assignment target) {
        Map<TopicPartition, String> owners = current.owners();
        SortedMap<String, SortedSet<TopicPartition>> revoke = new TreeMap<>();
        SortedMap<String, SortedSet<TopicPartition>> assignNow = new TreeMap<>();
        SortedMap<String, SortedSet<TopicPartition>> pending = new TreeMap<>();
        current.byMember().forEach((member, owned) -> {
            SortedSet<TopicPartition> lost = new TreeSet<>(owned);
            lost.removeAll(target.partitionsOf(member));
            putIfAny(revoke, member, lost);
        });
        target.byMember().forEach((member, wanted) -> {
            SortedSet<TopicPartition> now = new TreeSet<>();
            SortedSet<TopicPartition> later = new TreeSet<>();
            for (TopicPartition partition : wanted) {
                String owner = owners.get(partition);
                if (owner == null) {
                    now.add(partition);
                } else if (!owner.equals(member)) {
                    later.add(partition);
                }
            }
            putIfAny(assignNow, member, now);
            putIfAny(pending, member, later);
        });
        return new RevocationPlan(revoke, assignNow, pending);
    }

    public SortedSet<TopicPartition> revokeOf(String memberId) {
        return revoke.getOrDefault(memberId, Collections.emptySortedSet());
    }

    public SortedSet<TopicPartition> assignNowOf(String memberId) {
        return assignNow.getOrDefault(memberId, Collections.emptySortedSet());
    }

    public SortedSet<TopicPartition> pendingOf(String memberId) {
        return pending.getOrDefault(memberId, Collections.emptySortedSet());
    }

    /** Whether applying this plan reaches the target: nothing waits for a revocation. */
    public boolean isComplete() {
        return pending.isEmpty();
    }

    /** {@code current} after every member revoked what this plan says (members left with nothing stay listed). */
    public Assignment revokedFrom(Assignment current) {
        SortedMap<String, SortedSet<TopicPartition>> next = new TreeMap<>();
        current.byMember().forEach((member, owned) -> {
            SortedSet<TopicPartition> kept = new TreeSet<>(owned);
            kept.removeAll(revokeOf(member));
            next.put(member, kept);
        });
        return new Assignment(next);
    }

    /** {@code current} with what this plan assigns now added. */
    public Assignment assignedTo(Assignment current) {
        SortedMap<String, SortedSet<TopicPartition>> next = new TreeMap<>();
        current.byMember().forEach((member, owned) -> next.put(member, new TreeSet<>(owned)));
        assignNow.forEach((member, gained) ->
                next.computeIfAbsent(member, m -> new TreeSet<>()).addAll(gained));
        return new Assignment(next);
    }

    private static void putIfAny(
            SortedMap<String, SortedSet<TopicPartition>> map, String member, SortedSet<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            map.put(member, partitions);
        }
    }

    private static SortedMap<String, SortedSet<TopicPartition>> frozen(
            SortedMap<String, SortedSet<TopicPartition>> map) {
        if (map == null) {
            throw new IllegalArgumentException("a revocation plan needs all three maps");
        }
        SortedMap<String, SortedSet<TopicPartition>> copy = new TreeMap<>();
        map.forEach(
                (member, partitions) -> copy.put(member, Collections.unmodifiableSortedSet(new TreeSet<>(partitions))));
        return Collections.unmodifiableSortedMap(copy);
    }
}
