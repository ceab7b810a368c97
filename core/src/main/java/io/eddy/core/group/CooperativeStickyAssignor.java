package io.eddy.core.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * The cooperative-sticky assignor ("cooperative-sticky", the default): balanced as Kafka's sticky assignor,
 * moving as few owned partitions as it can.
 *
 * <p>In three steps:
 * <ol>
 *   <li><b>Keep</b> what each member owns and may still own (the topic exists, the partition is in range, the
 *       member still subscribes). A partition claimed by two members stays with the first in assignment order.</li>
 *   <li><b>Hand out</b> the rest (partitions of departed or unsubscribed owners, new partitions), those with
 *       fewest eligible members first, each to the least loaded eligible member (ties: assignment order).</li>
 *   <li><b>Balance</b>: while a member holds at least two more partitions than a member that could take one of
 *       them, move one from the most loaded such member to the least loaded (ties: assignment order), preferring
 *       a partition the donor did not own before this call. Each move lowers the sum of squared counts, so
 *       this ends; when it does, members with the same subscription differ by at most one partition.</li>
 * </ol>
 * After a member leaves a balanced group only its partitions move; after one joins, the newcomer takes
 * {@code floor(partitions / members)} partitions, each from a member then holding more than that.
 *
 * <p>Thread-safe: stateless.
 */
public final class CooperativeStickyAssignor implements Assignor {
    public static final String NAME = "cooperative-sticky";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Assignment assign(List<GroupMember> members, Map<String, Integer> partitionsPerTopic) {
        AssignorInput input = AssignorInput.of(members, partitionsPerTopic);
        SortedMap<String, SortedSet<TopicPartition>> target = input.emptyTarget();
        Set<TopicPartition> taken = keepOwned(input, target);
        handOut(input, target, taken);
        while (moveOne(input, target)) {
            // each move brings the counts closer together
        }
        return new Assignment(target);
    }

    private static Set<TopicPartition> keepOwned(
            AssignorInput input, SortedMap<String, SortedSet<TopicPartition>> target) {
        Set<TopicPartition> taken = new HashSet<>();
        for (GroupMember member : input.members()) {
            member.owned().stream()
                    .sorted()
                    .filter(p -> input.eligible(member, p) && taken.add(p))
                    .forEach(target.get(member.memberId())::add);
        }
        return taken;
    }

    private static void handOut(
            AssignorInput input, SortedMap<String, SortedSet<TopicPartition>> target, Set<TopicPartition> taken) {
        Map<String, List<GroupMember>> subscribers = new HashMap<>();
        input.partitionsPerTopic().keySet().forEach(t -> subscribers.put(t, input.subscribersOf(t)));
        List<TopicPartition> free = new ArrayList<>(input.subscribedPartitions());
        free.removeIf(taken::contains);
        free.sort(Comparator.<TopicPartition>comparingInt(
                        p -> subscribers.get(p.topic()).size())
                .thenComparing(Comparator.naturalOrder()));
        for (TopicPartition partition : free) {
            GroupMember leastLoaded =
                    leastLoadedFirst(subscribers.get(partition.topic()), target).get(0);
            target.get(leastLoaded.memberId()).add(partition);
        }
    }

    private static boolean moveOne(AssignorInput input, SortedMap<String, SortedSet<TopicPartition>> target) {
        List<GroupMember> ascending = leastLoadedFirst(input.members(), target);
        List<GroupMember> descending = new ArrayList<>(input.members());
        descending.sort(Comparator.<GroupMember>comparingInt(
                        m -> -target.get(m.memberId()).size())
                .thenComparing(GroupMember.ASSIGNMENT_ORDER));
        for (GroupMember donor : descending) {
            SortedSet<TopicPartition> given = target.get(donor.memberId());
            for (GroupMember taker : ascending) {
                if (given.size() - target.get(taker.memberId()).size() < 2) {
                    break;
                }
                Optional<TopicPartition> movable = movable(input, donor, given, taker);
                if (movable.isPresent()) {
                    given.remove(movable.get());
                    target.get(taker.memberId()).add(movable.get());
                    return true;
                }
            }
        }
        return false;
    }

    /** A partition of {@code donor} that {@code taker} may own: first one the donor did not own before. */
    private static Optional<TopicPartition> movable(
            AssignorInput input, GroupMember donor, SortedSet<TopicPartition> given, GroupMember taker) {
        Optional<TopicPartition> fresh = given.stream()
                .filter(p -> !donor.owned().contains(p) && input.eligible(taker, p))
                .findFirst();
        return fresh.isPresent()
                ? fresh
                : given.stream().filter(p -> input.eligible(taker, p)).findFirst();
    }

    private static List<GroupMember> leastLoadedFirst(
            List<GroupMember> members, SortedMap<String, SortedSet<TopicPartition>> target) {
        List<GroupMember> sorted = new ArrayList<>(members);
        sorted.sort(Comparator.<GroupMember>comparingInt(
                        m -> target.get(m.memberId()).size())
                .thenComparing(GroupMember.ASSIGNMENT_ORDER));
        return sorted;
    }
}
