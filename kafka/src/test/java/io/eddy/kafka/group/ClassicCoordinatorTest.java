package io.eddy.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicGroup.Phase;
import io.eddy.core.group.ClassicProtocol;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.TopicPartition;
import io.eddy.kafka.group.ClassicCoordinator.JoinDecision;
import io.eddy.kafka.group.ClassicCoordinator.Leaving;
import io.eddy.kafka.group.ClassicCoordinator.SyncDecision;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The classic protocol's decisions on values: joins, the rebalance barrier, fencing, leaving. */
class ClassicCoordinatorTest {
    private static final long NOW = 1_764_000_000_000L;
    private static final int SESSION = 10_000;
    private static final int REBALANCE = 30_000;
    private final ClassicCoordinator coordinator = new ClassicCoordinator(new ClassicSettings(
            Duration.ZERO,
            Duration.ofSeconds(6),
            Duration.ofMinutes(30),
            Duration.ofMillis(10),
            Duration.ofMillis(50)));

    @Test
    void aNewDynamicMemberOfV4IsGivenAnIdToJoinWith() {
        JoinDecision d = coordinator.join(empty(), join("", "m1", true), NOW);

        assertThat(d).isInstanceOf(JoinDecision.MemberIdRequired.class);
        JoinDecision.MemberIdRequired required = (JoinDecision.MemberIdRequired) d;
        assertThat(required.memberId()).isEqualTo("m1");
        assertThat(required.group().pending()).containsKey("m1");
        assertThat(required.group().members()).isEmpty();
    }

    @Test
    void theFirstMemberCompletesTheRebalanceAloneAndLeads() {
        ClassicGroup g = joined(empty(), "m1");

        assertThat(g.phase()).isEqualTo(Phase.COMPLETING_REBALANCE);
        assertThat(g.generation()).isEqualTo(1);
        assertThat(g.leader()).contains("m1");
        assertThat(g.protocolName()).contains("range");
    }

    @Test
    void aSecondMemberStartsARebalanceThatWaitsForTheFirstToRejoin() {
        ClassicGroup g = stable(joined(empty(), "m1"), "m1");

        JoinDecision d = coordinator.join(g, join("", "m2", false), NOW);

        ClassicGroup after = ((JoinDecision.Await) d).group();
        assertThat(after.phase()).isEqualTo(Phase.PREPARING_REBALANCE);
        assertThat(coordinator.heartbeat(after, "m1", Optional.empty(), 1)).isEqualTo(Errors.REBALANCE_IN_PROGRESS);
        // the first rejoins: the barrier opens, generation 2 with both
        JoinDecision rejoin = coordinator.join(after, join("m1", "unused", true), NOW + 100);
        ClassicGroup completed = ((JoinDecision.Await) rejoin).group();
        assertThat(completed.phase()).isEqualTo(Phase.COMPLETING_REBALANCE);
        assertThat(completed.generation()).isEqualTo(2);
        assertThat(completed.members()).containsOnlyKeys("m1", "m2");
        assertThat(completed.leader()).contains("m1");
    }

    @Test
    void membersThatDoNotRejoinAreDroppedAtTheRebalanceTimeout() {
        ClassicGroup g = stable(joined(empty(), "m1"), "m1");
        ClassicGroup preparing = ((JoinDecision.Await) coordinator.join(g, join("", "m2", false), NOW)).group();

        ClassicGroup later = coordinator.advance(preparing, NOW + REBALANCE + 1);

        assertThat(later.members()).containsOnlyKeys("m2");
        assertThat(later.leader()).contains("m2");
        assertThat(later.generation()).isEqualTo(2);
    }

    @Test
    void theLeadersAssignmentIsEachMembersAndFollowersWaitForIt() {
        ClassicGroup g = joined(empty(), "m1");
        ClassicGroup two = ((JoinDecision.Await) coordinator.join(stable(g, "m1"), join("", "m2", false), NOW)).group();
        two = ((JoinDecision.Await) coordinator.join(two, join("m1", "unused", true), NOW)).group();

        SyncDecision follower = sync(two, "m2", Map.of());
        SyncDecision leader = sync(two, "m1", Map.of("m1", new byte[] {1}, "m2", new byte[] {2}));

        assertThat(follower).isInstanceOf(SyncDecision.Await.class);
        ClassicGroup stable = ((SyncDecision.Assigned) leader).group();
        assertThat(stable.phase()).isEqualTo(Phase.STABLE);
        assertThat(((SyncDecision.Assigned) sync(stable, "m2", Map.of())).assignment())
                .containsExactly(2);
    }

    static Stream<Arguments> fencing() {
        return Stream.of(
                Arguments.of("m1", Optional.empty(), 0, Errors.ILLEGAL_GENERATION),
                Arguments.of("ghost", Optional.empty(), 1, Errors.UNKNOWN_MEMBER_ID),
                Arguments.of("m1", Optional.of("other-instance"), 1, Errors.FENCED_INSTANCE_ID),
                Arguments.of("m1", Optional.empty(), 1, Errors.NONE));
    }

    @ParameterizedTest
    @MethodSource("fencing")
    void heartbeatsAreFencedByMemberInstanceAndGeneration(
            String member, Optional<String> instance, int generation, Errors expected) {
        ClassicGroup g = stable(joined(empty(), "m1"), "m1");

        assertThat(coordinator.heartbeat(g, member, instance, generation)).isEqualTo(expected);
    }

    @Test
    void aStaticMemberRejoiningUnderANewIdFencesTheOldOneAndKeepsItsAssignment() {
        ClassicGroup g = coordinator.join(empty(), staticJoin("", "old", "host-1"), NOW) instanceof JoinDecision.Await a
                ? a.group()
                : null;
        g = coordinator.join(stable(g, "old"), staticJoin("", "s2", "host-2"), NOW) instanceof JoinDecision.Await a
                ? a.group()
                : null;
        g = coordinator.join(g, staticJoin("old", "unused", "host-1"), NOW) instanceof JoinDecision.Await a
                ? a.group()
                : null;
        g = stable(g, g.leader().get());

        JoinDecision back = coordinator.join(g, staticJoin("", "new", "host-2"), NOW + 1);

        assertThat(back).isInstanceOf(JoinDecision.Answer.class);
        ClassicGroup after = ((JoinDecision.Answer) back).group();
        assertThat(after.byInstance("host-2").get().memberId()).isEqualTo("new");
        assertThat(coordinator.heartbeat(after, "s2", Optional.of("host-2"), after.generation()))
                .isEqualTo(Errors.FENCED_INSTANCE_ID);
    }

    @Test
    void leavingRebalancesTheOthersAndAnUnknownMemberIsReported() {
        ClassicGroup g = ((JoinDecision.Await)
                        coordinator.join(stable(joined(empty(), "m1"), "m1"), join("", "m2", false), NOW))
                .group();
        g = stable(((JoinDecision.Await) coordinator.join(g, join("m1", "x", true), NOW)).group(), "m1");

        ClassicCoordinator.Left left = coordinator.leave(
                g, List.of(new Leaving("m2", Optional.empty()), new Leaving("ghost", Optional.empty())), NOW);

        assertThat(left.errors()).containsExactly(Errors.NONE, Errors.UNKNOWN_MEMBER_ID);
        assertThat(left.group().members()).containsOnlyKeys("m1");
        assertThat(left.group().phase()).isEqualTo(Phase.PREPARING_REBALANCE);
    }

    @Test
    void theLastMemberLeavingEmptiesTheGroupAtTheNextGeneration() {
        ClassicGroup g = stable(joined(empty(), "m1"), "m1");

        ClassicGroup left = coordinator
                .leave(g, List.of(new Leaving("m1", Optional.empty())), NOW)
                .group();

        assertThat(left.phase()).isEqualTo(Phase.EMPTY);
        assertThat(left.members()).isEmpty();
        assertThat(left.generation()).isEqualTo(2);
    }

    @Test
    void aJoinOfAnotherProtocolTypeOrWithNoCommonProtocolIsInconsistent() {
        ClassicGroup g = stable(joined(empty(), "m1"), "m1");
        ClassicCoordinator.Join connect = new ClassicCoordinator.Join(
                "",
                "m2",
                Optional.empty(),
                "c",
                "/h",
                SESSION,
                REBALANCE,
                "connect",
                List.of(new ClassicProtocol("range", new byte[0])),
                false,
                new TreeSet<>());
        ClassicCoordinator.Join sticky = new ClassicCoordinator.Join(
                "",
                "m2",
                Optional.empty(),
                "c",
                "/h",
                SESSION,
                REBALANCE,
                "consumer",
                List.of(new ClassicProtocol("sticky", new byte[0])),
                false,
                new TreeSet<>());

        assertThat(coordinator.join(g, connect, NOW))
                .isEqualTo(new JoinDecision.Refused(Errors.INCONSISTENT_GROUP_PROTOCOL));
        assertThat(coordinator.join(g, sticky, NOW))
                .isEqualTo(new JoinDecision.Refused(Errors.INCONSISTENT_GROUP_PROTOCOL));
    }

    @Test
    void expiredSessionsAreRemovedAndTheGroupRebalances() {
        ClassicGroup g = stable(joined(empty(), "m1"), "m1");

        ClassicGroup later = coordinator.advance(g, NOW + SESSION + 1);

        assertThat(later.members()).isEmpty();
        assertThat(later.phase()).isEqualTo(Phase.EMPTY);
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static ClassicGroup empty() {
        return ClassicGroup.empty(new GroupId("g"));
    }

    private static ClassicCoordinator.Join join(String memberId, String newId, boolean v4) {
        return new ClassicCoordinator.Join(
                memberId,
                newId,
                Optional.empty(),
                "client",
                "/127.0.0.1",
                SESSION,
                REBALANCE,
                "consumer",
                List.of(new ClassicProtocol("range", new byte[] {1}), new ClassicProtocol("roundrobin", new byte[] {2
                })),
                v4,
                new TreeSet<>(List.of("t")));
    }

    private static ClassicCoordinator.Join staticJoin(String memberId, String newId, String instance) {
        return new ClassicCoordinator.Join(
                memberId,
                newId,
                Optional.of(instance),
                "client",
                "/127.0.0.1",
                SESSION,
                REBALANCE,
                "consumer",
                List.of(new ClassicProtocol("range", new byte[] {1})),
                true,
                new TreeSet<>(List.of("t")));
    }

    /** The group after {@code memberId} joined it without any other member (old-style, no id round trip). */
    private ClassicGroup joined(ClassicGroup g, String memberId) {
        return ((JoinDecision.Await) coordinator.join(g, join("", memberId, false), NOW)).group();
    }

    /** The group after its leader's SyncGroup assigned partition 0 to each member. */
    private ClassicGroup stable(ClassicGroup g, String leader) {
        Map<String, byte[]> none = Map.of();
        return ((SyncDecision.Assigned) coordinator.sync(
                        g,
                        leader,
                        g.member(leader).get().instanceId(),
                        g.generation(),
                        Optional.empty(),
                        Optional.empty(),
                        none,
                        bytes -> partitions(),
                        NOW))
                .group();
    }

    private SyncDecision sync(ClassicGroup g, String member, Map<String, byte[]> assignments) {
        return coordinator.sync(
                g,
                member,
                Optional.empty(),
                g.generation(),
                Optional.of("consumer"),
                Optional.of("range"),
                assignments,
                bytes -> partitions(),
                NOW);
    }

    private static SortedSet<TopicPartition> partitions() {
        return new TreeSet<>();
    }
}
