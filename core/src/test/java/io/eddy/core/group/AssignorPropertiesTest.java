package io.eddy.core.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The contract every assignor keeps, checked on random groups. */
class AssignorPropertiesTest {

    @Property(tries = 300)
    void everySubscribedPartitionHasExactlyOneOwner(@ForAll("groups") Groups.Group group) {
        SortedSet<TopicPartition> subscribed = subscribedPartitions(group);
        for (Assignor assignor : Assignors.all()) {
            Assignment assignment = group.assignedBy(assignor);

            assertThat(Assignment.sharedPartitions(assignment.byMember()))
                    .as(assignor.name())
                    .isEmpty();
            assertThat(assignment.owners().keySet()).as(assignor.name()).containsExactlyElementsOf(subscribed);
        }
    }

    @Property(tries = 300)
    void membersGetOnlyPartitionsOfTopicsTheySubscribeTo(@ForAll("groups") Groups.Group group) {
        for (Assignor assignor : Assignors.all()) {
            Assignment assignment = group.assignedBy(assignor);

            assertThat(assignment.byMember())
                    .as(assignor.name())
                    .containsOnlyKeys(
                            group.members().stream().map(GroupMember::memberId).toList());
            for (GroupMember member : group.members()) {
                assertThat(assignment.partitionsOf(member.memberId()))
                        .as(assignor.name())
                        .allSatisfy(p -> assertThat(member.subscribedTopics()).contains(p.topic()));
            }
        }
    }

    @Property(tries = 300)
    void partitionsOfTopicsNobodySubscribesToStayUnassigned(@ForAll("groups") Groups.Group group) {
        Set<String> unsubscribed = new TreeSet<>(group.partitionsPerTopic().keySet());
        group.members().forEach(m -> unsubscribed.removeAll(m.subscribedTopics()));
        for (Assignor assignor : Assignors.all()) {
            assertThat(group.assignedBy(assignor).owners().keySet())
                    .as(assignor.name())
                    .noneMatch(p -> unsubscribed.contains(p.topic()));
        }
    }

    @Property(tries = 300)
    void memberListOrderDoesNotChangeTheAssignment(@ForAll("groups") Groups.Group group, @ForAll Random random) {
        for (Assignor assignor : Assignors.all()) {
            assertThat(group.shuffled(random).assignedBy(assignor))
                    .as(assignor.name())
                    .isEqualTo(group.assignedBy(assignor));
        }
    }

    @Test
    void duplicateMemberIdsAreRejected() {
        List<GroupMember> members = List.of(GroupMember.joining("a", Set.of("t")), GroupMember.joining("a", Set.of()));
        for (Assignor assignor : Assignors.all()) {
            assertThatThrownBy(() -> assignor.assign(members, Map.of("t", 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("duplicate member id a");
        }
    }

    @Test
    void emptyGroupGetsAnEmptyAssignment() {
        for (Assignor assignor : Assignors.all()) {
            assertThat(assignor.assign(List.of(), Map.of("t", 3))).isEqualTo(Assignment.empty());
        }
    }

    private static SortedSet<TopicPartition> subscribedPartitions(Groups.Group group) {
        SortedSet<TopicPartition> partitions = new TreeSet<>();
        group.partitionsPerTopic().forEach((topic, count) -> {
            if (group.members().stream().anyMatch(m -> m.subscribesTo(topic))) {
                for (int p = 0; p < count; p++) {
                    partitions.add(new TopicPartition(topic, p));
                }
            }
        });
        return partitions;
    }

    @Provide
    Arbitrary<Groups.Group> groups() {
        return Groups.anyGroup();
    }
}
