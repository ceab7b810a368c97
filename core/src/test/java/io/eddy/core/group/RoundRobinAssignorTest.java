package io.eddy.core.group;

import static io.eddy.core.group.Groups.joining;
import static io.eddy.core.group.Groups.tp;
import static io.eddy.core.group.Groups.tps;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RoundRobinAssignorTest {
    private final Assignor roundRobin = new RoundRobinAssignor();

    @Test
    void oneMemberTakesAllSixPartitions() {
        Assignment assignment = roundRobin.assign(joining(1, "t"), Map.of("t", 6));

        assertThat(assignment.partitionsOf("m1")).containsExactlyElementsOf(tps("t", 0, 1, 2, 3, 4, 5));
    }

    @Test
    void threeMembersAreDealtEveryThirdPartition() {
        Assignment assignment = roundRobin.assign(joining(3, "t"), Map.of("t", 6));

        assertThat(assignment.partitionsOf("m1")).containsExactlyElementsOf(tps("t", 0, 3));
        assertThat(assignment.partitionsOf("m2")).containsExactlyElementsOf(tps("t", 1, 4));
        assertThat(assignment.partitionsOf("m3")).containsExactlyElementsOf(tps("t", 2, 5));
    }

    @Test
    void sixMembersTakeOnePartitionEach() {
        Assignment assignment = roundRobin.assign(joining(6, "t"), Map.of("t", 6));

        for (int i = 1; i <= 6; i++) {
            assertThat(assignment.partitionsOf("m" + i)).containsExactlyElementsOf(tps("t", i - 1));
        }
    }

    @Test
    void eightMembersLeaveTheLastTwoIdle() {
        Assignment assignment = roundRobin.assign(joining(8, "t"), Map.of("t", 6));

        for (int i = 1; i <= 6; i++) {
            assertThat(assignment.partitionsOf("m" + i)).containsExactlyElementsOf(tps("t", i - 1));
        }
        assertThat(assignment.partitionsOf("m7")).isEmpty();
        assertThat(assignment.partitionsOf("m8")).isEmpty();
    }

    @Test
    void dealContinuesAcrossTopicsAndSkipsMembersNotSubscribed() {
        List<GroupMember> members = List.of(
                GroupMember.joining("a", Set.of("t", "u")),
                GroupMember.joining("b", Set.of("t")),
                GroupMember.joining("c", Set.of("u")));

        Assignment assignment = roundRobin.assign(members, Map.of("t", 3, "u", 3));

        // t-0 a, t-1 b, t-2 a (c skipped), u-0 c (b skipped), u-1 a, u-2 c (b skipped)
        assertThat(assignment.partitionsOf("a")).containsExactly(tp("t", 0), tp("t", 2), tp("u", 1));
        assertThat(assignment.partitionsOf("b")).containsExactly(tp("t", 1));
        assertThat(assignment.partitionsOf("c")).containsExactly(tp("u", 0), tp("u", 2));
    }

    @Property(tries = 300)
    void assignsAsKafkasRoundRobinAssignor(@ForAll("groups") Groups.Group group) {
        assertThat(group.assignedBy(roundRobin).owners())
                .isEqualTo(KafkaAssignors.owners(new org.apache.kafka.clients.consumer.RoundRobinAssignor(), group));
    }

    @Property(tries = 300)
    void membersWithTheSameSubscriptionGetCountsDifferingByAtMostOne(@ForAll("sameSubscription") Groups.Group group) {
        assertThat(Groups.spread(Groups.counts(group.assignedBy(roundRobin)))).isLessThanOrEqualTo(1);
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
