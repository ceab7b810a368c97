package io.eddy.core.group;

import static io.eddy.core.group.Groups.counts;
import static io.eddy.core.group.Groups.joining;
import static io.eddy.core.group.Groups.spread;
import static io.eddy.core.group.Groups.tp;
import static io.eddy.core.group.Groups.tps;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CooperativeStickyAssignorTest {
    private final Assignor sticky = new CooperativeStickyAssignor();

    @Test
    void sixPartitionsAreSpreadEvenlyOverOneThreeSixAndEightMembers() {
        assertThat(counts(sticky.assign(joining(1, "t"), Map.of("t", 6)))).containsExactly(6);
        assertThat(counts(sticky.assign(joining(3, "t"), Map.of("t", 6)))).containsExactly(2, 2, 2);
        assertThat(counts(sticky.assign(joining(6, "t"), Map.of("t", 6)))).containsExactly(1, 1, 1, 1, 1, 1);
        assertThat(counts(sticky.assign(joining(8, "t"), Map.of("t", 6))))
                .containsExactlyInAnyOrder(1, 1, 1, 1, 1, 1, 0, 0);
    }

    @Test
    void balancedOwnersKeepTheirPartitions() {
        List<GroupMember> members = List.of(
                GroupMember.joining("a", Set.of("t")).owning(Set.copyOf(tps("t", 5, 4))),
                GroupMember.joining("b", Set.of("t")).owning(Set.copyOf(tps("t", 0, 2))),
                GroupMember.joining("c", Set.of("t")).owning(Set.copyOf(tps("t", 1, 3))));

        Assignment assignment = sticky.assign(members, Map.of("t", 6));

        assertThat(assignment.partitionsOf("a")).containsExactlyElementsOf(tps("t", 4, 5));
        assertThat(assignment.partitionsOf("b")).containsExactlyElementsOf(tps("t", 0, 2));
        assertThat(assignment.partitionsOf("c")).containsExactlyElementsOf(tps("t", 1, 3));
    }

    @Test
    void partitionClaimedByTwoMembersStaysWithTheFirstInMemberOrder() {
        List<GroupMember> members = List.of(
                GroupMember.joining("b", Set.of("t")).owning(Set.of(tp("t", 0))),
                GroupMember.joining("a", Set.of("t")).owning(Set.of(tp("t", 0))));

        Assignment assignment = sticky.assign(members, Map.of("t", 2));

        assertThat(assignment.partitionsOf("a")).containsExactly(tp("t", 0));
        assertThat(assignment.partitionsOf("b")).containsExactly(tp("t", 1));
    }

    @Test
    void staticMemberComesBeforeDynamicOnesWhenClaimsConflict() {
        List<GroupMember> members = List.of(
                GroupMember.joining("a", Set.of("t")).owning(Set.of(tp("t", 0))),
                new GroupMember("z", Optional.of("consumer-1"), Set.of("t"), Set.of(tp("t", 0))));

        Assignment assignment = sticky.assign(members, Map.of("t", 2));

        assertThat(assignment.partitionsOf("z")).containsExactly(tp("t", 0));
    }

    @Test
    void partitionsOfAnUnsubscribedOwnerGoToTheLeastLoadedSubscriber() {
        List<GroupMember> members = List.of(
                GroupMember.joining("a", Set.of("t", "u")).owning(Set.of(tp("t", 0), tp("t", 1))),
                GroupMember.joining("b", Set.of("t", "u")).owning(Set.of(tp("t", 2))),
                GroupMember.joining("c", Set.of("v")).owning(Set.of(tp("u", 0))));

        Assignment assignment = sticky.assign(members, Map.of("t", 3, "u", 1, "v", 0));

        // u-0 leaves c (now subscribed to v only); of a (2) and b (1), b is the least loaded
        assertThat(assignment.partitionsOf("b")).containsExactly(tp("t", 2), tp("u", 0));
        assertThat(assignment.partitionsOf("a")).containsExactly(tp("t", 0), tp("t", 1));
        assertThat(assignment.partitionsOf("c")).isEmpty();
    }

    @Test
    void partitionsOfADepartedMemberAndOutOfRangeOnesAreReassigned() {
        List<GroupMember> members = List.of(
                GroupMember.joining("a", Set.of("t")).owning(Set.of(tp("t", 0), tp("t", 1), tp("t", 9))),
                GroupMember.joining("b", Set.of("t")).owning(Set.of(tp("t", 2))));

        Assignment assignment = sticky.assign(members, Map.of("t", 4));

        // t-3 was the departed member's; t-9 no longer exists
        assertThat(assignment.partitionsOf("a")).containsExactly(tp("t", 0), tp("t", 1));
        assertThat(assignment.partitionsOf("b")).containsExactly(tp("t", 2), tp("t", 3));
    }

    @Property(tries = 300)
    void membersWithTheSameSubscriptionGetCountsDifferingByAtMostOne(@ForAll("sameSubscription") Groups.Group group) {
        assertThat(spread(counts(group.assignedBy(sticky)))).isLessThanOrEqualTo(1);
    }

    @Property(tries = 300)
    void membersWithIdenticalSubscriptionsAreBalancedEvenInMixedGroups(@ForAll("groups") Groups.Group group) {
        Assignment assignment = group.assignedBy(sticky);

        group.members().stream().map(GroupMember::subscribedTopics).distinct().forEach(subscription -> {
            List<Integer> shares = group.members().stream()
                    .filter(m -> m.subscribedTopics().equals(subscription))
                    .map(m -> assignment.countOf(m.memberId()))
                    .toList();
            assertThat(spread(shares))
                    .as("subscription %s: %s", subscription, shares)
                    .isLessThanOrEqualTo(1);
        });
    }

    @Property(tries = 300)
    void whenAMemberLeavesABalancedGroupOnlyItsPartitionsMove(
            @ForAll("sameSubscription") Groups.Group group, @ForAll @IntRange(min = 0, max = 11) int leaver) {
        // given a balanced group
        Groups.Group fresh = group.owningNothing();
        Assignment before = fresh.assignedBy(sticky);
        List<GroupMember> remaining = new ArrayList<>();
        for (int i = 0; i < fresh.members().size(); i++) {
            GroupMember member = fresh.members().get(i);
            if (i != leaver % fresh.members().size()) {
                remaining.add(member.owning(before.partitionsOf(member.memberId())));
            }
        }

        // when one member leaves
        Assignment after = fresh.withMembers(remaining).assignedBy(sticky);

        // then
        for (GroupMember member : remaining) {
            assertThat(after.partitionsOf(member.memberId())).containsAll(member.owned());
        }
        assertThat(spread(counts(after))).isLessThanOrEqualTo(1);
    }

    @Property(tries = 300)
    void whenAMemberJoinsItTakesTheFewestPartitionsBalanceNeedsFromTheMostLoaded(
            @ForAll("sameSubscription") Groups.Group group) {
        // given a balanced group
        Groups.Group fresh = group.owningNothing();
        Assignment before = fresh.assignedBy(sticky);
        List<GroupMember> members = new ArrayList<>(fresh.members().stream()
                .map(m -> m.owning(before.partitionsOf(m.memberId())))
                .toList());
        GroupMember newcomer = GroupMember.joining("newcomer", members.get(0).subscribedTopics());
        members.add(newcomer);

        // when one member joins
        Assignment after = fresh.withMembers(members).assignedBy(sticky);

        // then
        int partitions = fresh.partitionCount(newcomer.subscribedTopics());
        int newMinimum = partitions / members.size();
        assertThat(after.countOf("newcomer")).isEqualTo(newMinimum);
        for (GroupMember member : members) {
            SortedSet<TopicPartition> kept = after.partitionsOf(member.memberId());
            if (member != newcomer) {
                assertThat(member.owned()).as("only the newcomer gains").containsAll(kept);
                if (kept.size() < member.owned().size()) {
                    assertThat(member.owned().size())
                            .as("a donor had more than the new minimum")
                            .isGreaterThan(newMinimum);
                }
            }
        }
        assertThat(spread(counts(after))).isLessThanOrEqualTo(1);
    }

    @Provide
    Arbitrary<Groups.Group> groups() {
        return Groups.anyGroup();
    }

    @Provide
    Arbitrary<Groups.Group> sameSubscription() {
        return Groups.sameSubscriptionGroup();
    }
}
