package io.eddy.core.group;

import static io.eddy.core.group.Groups.joining;
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

class RangeAssignorTest {
    private final Assignor range = new RangeAssignor();

    @Test
    void oneMemberTakesAllSixPartitions() {
        Assignment assignment = range.assign(joining(1, "t"), Map.of("t", 6));

        assertThat(assignment.partitionsOf("m1")).containsExactlyElementsOf(tps("t", 0, 1, 2, 3, 4, 5));
    }

    @Test
    void threeMembersTakeTwoContiguousPartitionsEach() {
        Assignment assignment = range.assign(joining(3, "t"), Map.of("t", 6));

        assertThat(assignment.partitionsOf("m1")).containsExactlyElementsOf(tps("t", 0, 1));
        assertThat(assignment.partitionsOf("m2")).containsExactlyElementsOf(tps("t", 2, 3));
        assertThat(assignment.partitionsOf("m3")).containsExactlyElementsOf(tps("t", 4, 5));
    }

    @Test
    void sixMembersTakeOnePartitionEach() {
        Assignment assignment = range.assign(joining(6, "t"), Map.of("t", 6));

        for (int i = 1; i <= 6; i++) {
            assertThat(assignment.partitionsOf("m" + i)).containsExactlyElementsOf(tps("t", i - 1));
        }
    }

    @Test
    void eightMembersLeaveTheLastTwoIdle() {
        Assignment assignment = range.assign(joining(8, "t"), Map.of("t", 6));

        for (int i = 1; i <= 6; i++) {
            assertThat(assignment.partitionsOf("m" + i)).containsExactlyElementsOf(tps("t", i - 1));
        }
        assertThat(assignment.partitionsOf("m7")).isEmpty();
        assertThat(assignment.partitionsOf("m8")).isEmpty();
    }

    @Test
    void firstMembersGetTheExtraPartitions() {
        Assignment assignment = range.assign(joining(3, "t"), Map.of("t", 7));

        assertThat(assignment.partitionsOf("m1")).containsExactlyElementsOf(tps("t", 0, 1, 2));
        assertThat(assignment.partitionsOf("m2")).containsExactlyElementsOf(tps("t", 3, 4));
        assertThat(assignment.partitionsOf("m3")).containsExactlyElementsOf(tps("t", 5, 6));
    }

    @Test
    void eachTopicIsSplitAmongItsOwnSubscribers() {
        List<GroupMember> members =
                List.of(GroupMember.joining("a", Set.of("t", "u")), GroupMember.joining("b", Set.of("u")));

        Assignment assignment = range.assign(members, Map.of("t", 2, "u", 2));

        assertThat(assignment.partitionsOf("a"))
                .containsExactly(Groups.tp("t", 0), Groups.tp("t", 1), Groups.tp("u", 0));
        assertThat(assignment.partitionsOf("b")).containsExactly(Groups.tp("u", 1));
    }

    @Property(tries = 300)
    void assignsAsKafkasRangeAssignor(@ForAll("groups") Groups.Group group) {
        assertThat(group.assignedBy(range).owners())
                .isEqualTo(KafkaAssignors.owners(new org.apache.kafka.clients.consumer.RangeAssignor(), group));
    }

    @Property(tries = 300)
    void subscribersOfATopicGetSharesDifferingByAtMostOne(@ForAll("groups") Groups.Group group) {
        Assignment assignment = group.assignedBy(range);

        group.partitionsPerTopic().keySet().forEach(topic -> {
            List<Integer> shares = group.members().stream()
                    .filter(m -> m.subscribesTo(topic))
                    .map(m -> (int) assignment.partitionsOf(m.memberId()).stream()
                            .filter(p -> p.topic().equals(topic))
                            .count())
                    .toList();
            assertThat(Groups.spread(shares)).as("topic %s: %s", topic, shares).isLessThanOrEqualTo(1);
        });
    }

    @Provide
    Arbitrary<Groups.Group> groups() {
        return Groups.anyGroup();
    }
}
