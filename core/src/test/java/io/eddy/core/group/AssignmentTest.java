package io.eddy.core.group;

import static io.eddy.core.group.Groups.tp;
import static io.eddy.core.group.Groups.tps;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AssignmentTest {

    @Test
    void partitionCannotHaveTwoOwners() {
        assertThatThrownBy(() -> Assignment.of(Map.of("a", tps("t", 0, 1), "b", tps("t", 1, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("t-1");
    }

    @Test
    void sharedPartitionsNamesEveryPartitionHeldTwice() {
        assertThat(Assignment.sharedPartitions(Map.of("a", tps("t", 0, 1), "b", tps("t", 1, 2), "c", tps("t", 2))))
                .containsExactly(tp("t", 1), tp("t", 2));
    }

    @Test
    void ownersMapsEachPartitionToItsMember() {
        Assignment assignment = Assignment.of(Map.of("a", tps("t", 1, 0), "b", tps("u", 0), "c", List.of()));

        assertThat(assignment.owners())
                .containsExactly(Map.entry(tp("t", 0), "a"), Map.entry(tp("t", 1), "a"), Map.entry(tp("u", 0), "b"));
        assertThat(assignment.partitionsOf("a")).containsExactly(tp("t", 0), tp("t", 1));
        assertThat(assignment.partitionsOf("c")).isEmpty();
        assertThat(assignment.partitionsOf("nobody")).isEmpty();
    }

    @Test
    void assignmentIsNotChangedByItsSource() {
        var source = new java.util.HashMap<String, List<TopicPartition>>(Map.of("a", tps("t", 0)));
        Assignment assignment = Assignment.of(source);

        source.put("b", tps("t", 1));

        assertThat(assignment.byMember()).containsOnlyKeys("a");
        assertThatThrownBy(() -> assignment.partitionsOf("a").add(tp("t", 9)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void topicPartitionsSortByTopicThenPartition() {
        assertThat(List.of(tp("b", 0), tp("a", 10), tp("a", 2)).stream().sorted())
                .containsExactly(tp("a", 2), tp("a", 10), tp("b", 0));
    }

    @Test
    void topicPartitionRejectsNegativePartitionAndBlankTopic() {
        assertThatThrownBy(() -> tp("t", -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tp(" ", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void groupMemberRejectsBlankIds() {
        assertThatThrownBy(() -> GroupMember.joining("", Set.of("t"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GroupMember("m", Optional.of(""), Set.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void staticMembersComeFirstByInstanceIdThenDynamicMembersByMemberId() {
        GroupMember dynamicA = GroupMember.joining("a", Set.of());
        GroupMember dynamicB = GroupMember.joining("b", Set.of());
        GroupMember staticZ = new GroupMember("z", Optional.of("instance-1"), Set.of(), Set.of());
        GroupMember staticY = new GroupMember("y", Optional.of("instance-2"), Set.of(), Set.of());

        assertThat(List.of(dynamicB, staticY, dynamicA, staticZ).stream().sorted(GroupMember.ASSIGNMENT_ORDER))
                .containsExactly(staticZ, staticY, dynamicA, dynamicB);
    }
}
