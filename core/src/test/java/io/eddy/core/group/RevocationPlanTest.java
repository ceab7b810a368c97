package io.eddy.core.group;

import static io.eddy.core.group.Groups.tp;
import static io.eddy.core.group.Groups.tps;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class RevocationPlanTest {

    @Test
    void movedPartitionIsRevokedFirstAndWaitsForItsOldOwner() {
        Assignment current = Assignment.of(Map.of("a", tps("t", 0, 1), "b", List.of()));
        Assignment target = Assignment.of(Map.of("a", tps("t", 0), "b", tps("t", 1, 2)));

        RevocationPlan plan = RevocationPlan.between(current, target);

        assertThat(plan.revokeOf("a")).containsExactly(tp("t", 1));
        assertThat(plan.revokeOf("b")).isEmpty();
        assertThat(plan.assignNowOf("b")).containsExactly(tp("t", 2));
        assertThat(plan.pendingOf("b")).containsExactly(tp("t", 1));
        assertThat(plan.assignNowOf("a")).isEmpty();
        assertThat(plan.isComplete()).isFalse();
    }

    @Test
    void departedMemberRevokesEverything() {
        Assignment current = Assignment.of(Map.of("a", tps("t", 0), "gone", tps("t", 1)));
        Assignment target = Assignment.of(Map.of("a", tps("t", 0, 1)));

        RevocationPlan plan = RevocationPlan.between(current, target);

        assertThat(plan.revokeOf("gone")).containsExactly(tp("t", 1));
        assertThat(plan.pendingOf("a")).containsExactly(tp("t", 1));
    }

    @Test
    void unchangedAssignmentNeedsNothing() {
        Assignment current = Assignment.of(Map.of("a", tps("t", 0), "b", tps("t", 1)));

        RevocationPlan plan = RevocationPlan.between(current, current);

        assertThat(plan.revoke()).isEmpty();
        assertThat(plan.assignNow()).isEmpty();
        assertThat(plan.isComplete()).isTrue();
    }

    @Property(tries = 300)
    void revokingThenAssigningNeverGivesAPartitionTwoOwnersAndReachesTheTarget(
            @ForAll("groups") Groups.Group group, @ForAll Random random) {
        // given the group as some assignor left it, and a changed group (members left and joined) to move to
        Assignment current = group.assignedBy(Assignors.all().get(random.nextInt(3)));
        List<GroupMember> next = new ArrayList<>();
        for (GroupMember member : group.members()) {
            if (random.nextInt(4) != 0) {
                next.add(member.owning(current.partitionsOf(member.memberId())));
            }
        }
        next.add(GroupMember.joining(
                "newcomer", Set.copyOf(group.partitionsPerTopic().keySet())));
        Assignment target = group.withMembers(next).assignedBy(Assignors.all().get(random.nextInt(3)));

        // when
        RevocationPlan plan = RevocationPlan.between(current, target);

        // then: whether grants are applied before or after revocations, nobody shares a partition
        Map<String, List<TopicPartition>> grantedFirst = new HashMap<>();
        current.byMember().forEach((member, owned) -> grantedFirst.put(member, new ArrayList<>(owned)));
        plan.assignNow()
                .forEach((member, granted) -> grantedFirst
                        .computeIfAbsent(member, m -> new ArrayList<>())
                        .addAll(granted));
        assertThat(Assignment.sharedPartitions(grantedFirst)).isEmpty();

        Assignment revoked = plan.revokedFrom(current);
        Assignment granted = plan.assignedTo(revoked);
        assertThat(Assignment.sharedPartitions(revoked.byMember())).isEmpty();
        assertThat(Assignment.sharedPartitions(granted.byMember())).isEmpty();

        // and once revocations are done, a second plan completes the move
        RevocationPlan second = RevocationPlan.between(granted, target);
        assertThat(second.revoke()).isEmpty();
        Assignment done = second.assignedTo(granted);
        assertThat(done.owners()).isEqualTo(target.owners());
        assertThat(RevocationPlan.between(done, target).isComplete()).isTrue();

        // nothing is granted that another member still holds
        plan.assignNow()
                .forEach((member, partitions) -> partitions.forEach(
                        p -> assertThat(current.owners().get(p)).isIn(null, member)));
        assertThat(new TreeSet<>(plan.revokeOf("newcomer"))).isEmpty();
    }

    @Provide
    Arbitrary<Groups.Group> groups() {
        return Groups.anyGroup();
    }
}
