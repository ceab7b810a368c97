package io.eddy.core.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MemberStateTest {
    private static final long NOW = 1_000_000;
    private static final long SESSION = 45_000;
    private static final long REBALANCE = 60_000;
    private static final MemberState.Profile PROFILE = new MemberState.Profile(
            "m1",
            Optional.of("i1"),
            Subscription.ofTopics(List.of("orders")),
            SESSION,
            REBALANCE,
            OffsetReset.EARLIEST);
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    private static final MemberState JOINING = MemberState.join(PROFILE);
    private static final MemberState STABLE = new MemberState.Stable(PROFILE, 3, partitions(P0, P1), NOW + SESSION);
    private static final MemberState REVOKING =
            new MemberState.Revoking(PROFILE, 3, partitions(P0, P1), NOW + SESSION, NOW + REBALANCE);

    static Stream<MemberState> everyState() {
        return Stream.of(JOINING, STABLE, REVOKING);
    }

    @Test
    void aJoiningMemberHasEpochZeroNothingAssignedAndNoSessionYet() {
        assertThat(JOINING).isInstanceOf(MemberState.Joining.class);
        assertThat(JOINING.memberEpoch()).isZero();
        assertThat(JOINING.assigned()).isEmpty();
        assertThat(JOINING.expiresAtMs()).isZero();
        assertThat(JOINING.memberId()).isEqualTo("m1");
        assertThat(JOINING.instanceId()).contains("i1");
    }

    @ParameterizedTest
    @MethodSource("everyState")
    void aHeartbeatRenewsTheSessionWithItsSettingsAndKeepsTheState(MemberState member) {
        MemberState renewed = member.renewed(10_000, 20_000, OffsetReset.LATEST, NOW);

        assertThat(renewed).hasSameClassAs(member);
        assertThat(renewed.expiresAtMs()).isEqualTo(NOW + 10_000);
        assertThat(renewed.sessionTimeoutMs()).isEqualTo(10_000);
        assertThat(renewed.rebalanceTimeoutMs()).isEqualTo(20_000);
        assertThat(renewed.offsetReset()).isEqualTo(OffsetReset.LATEST);
        assertThat(renewed.memberEpoch()).isEqualTo(member.memberEpoch());
        assertThat(renewed.assigned()).isEqualTo(member.assigned());
        assertThat(renewed.expiringAt(member.expiresAtMs())
                        .resubscribed(member.subscription())
                        .renewed(SESSION, REBALANCE, OffsetReset.EARLIEST, member.expiresAtMs() - SESSION))
                .as("nothing else changed")
                .isEqualTo(member);
    }

    @ParameterizedTest
    @MethodSource("everyState")
    void resubscribingKeepsTheState(MemberState member) {
        MemberState moved = member.resubscribed(Subscription.ofPattern("pay.*"));

        assertThat(moved).hasSameClassAs(member);
        assertThat(moved.subscription()).isEqualTo(Subscription.ofPattern("pay.*"));
        assertThat(moved.resubscribed(member.subscription())).isEqualTo(member);
    }

    static Stream<Arguments> releases() {
        return Stream.of(
                Arguments.of(JOINING, Set.of(P0), Set.of()),
                Arguments.of(STABLE, Set.of(P0), Set.of(P1)),
                Arguments.of(STABLE, Set.of(new TopicPartition("other", 0)), Set.of(P0, P1)),
                Arguments.of(REVOKING, Set.of(P0, P1), Set.of()));
    }

    @ParameterizedTest
    @MethodSource("releases")
    void releasingGivesBackOnlyWhatTheMemberOwnsAndKeepsTheState(
            MemberState member, Set<TopicPartition> released, Set<TopicPartition> kept) {
        MemberState after = member.releasing(released);

        assertThat(after).hasSameClassAs(member);
        assertThat(after.assigned()).containsExactlyInAnyOrderElementsOf(kept);
    }

    @Test
    void aStableMemberAskedToRevokeHasARebalanceTimeoutToDoIt() {
        MemberState.Revoking revoking = STABLE.revoking(NOW);

        assertThat(revoking.revokeDeadlineMs()).isEqualTo(NOW + REBALANCE);
        assertThat(revoking.memberEpoch()).as("its epoch stays").isEqualTo(3);
        assertThat(revoking.assigned()).isEqualTo(STABLE.assigned());
    }

    @Test
    void aMemberAlreadyRevokingKeepsItsDeadline() {
        assertThat(REVOKING.revoking(NOW + 5_000)).isEqualTo(REVOKING);
    }

    @Test
    void aJoiningMemberHasNothingToRevoke() {
        assertThatThrownBy(() -> JOINING.revoking(NOW)).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @MethodSource("everyState")
    void reconcilingCatchesUpWithTheGroupEpochAndEndsAnyRevocation(MemberState member) {
        MemberState.Stable stable = member.reconciled(7, partitions(P1));

        assertThat(stable.memberEpoch()).isEqualTo(7);
        assertThat(stable.assigned()).containsExactly(P1);
        assertThat(stable.expiresAtMs()).isEqualTo(member.expiresAtMs());
        assertThat(stable.profile()).isEqualTo(member.profile());
    }

    static Stream<Arguments> liveness() {
        return Stream.of(
                Arguments.of(STABLE, NOW + SESSION, true),
                Arguments.of(STABLE, NOW + SESSION + 1, false),
                Arguments.of(REVOKING, NOW + SESSION, true),
                Arguments.of(
                        new MemberState.Revoking(PROFILE, 3, partitions(P0), NOW + SESSION, NOW + 1), NOW + 1, true),
                Arguments.of(
                        new MemberState.Revoking(PROFILE, 3, partitions(P0), NOW + SESSION, NOW + 1), NOW + 2, false),
                Arguments.of(JOINING.expiringAt(NOW), NOW, true),
                Arguments.of(JOINING.expiringAt(NOW), NOW + 1, false));
    }

    @ParameterizedTest
    @MethodSource("liveness")
    void aMemberIsLiveUntilItsSessionOrItsTimeToRevokeRunsOut(MemberState member, long at, boolean live) {
        assertThat(member.live(at)).isEqualTo(live);
    }

    @Test
    void statesThatCannotBeAreRefused() {
        assertThatThrownBy(() -> new MemberState.Stable(PROFILE, 0, partitions(), NOW))
                .as("a stable member has caught up with an epoch")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MemberState.Revoking(PROFILE, 3, partitions(P0), NOW, 0))
                .as("a revoking member has a deadline")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MemberState.Profile(
                        "",
                        Optional.empty(),
                        Subscription.ofTopics(List.of("t")),
                        SESSION,
                        REBALANCE,
                        OffsetReset.NONE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static SortedSet<TopicPartition> partitions(TopicPartition... ps) {
        return new TreeSet<>(List.of(ps));
    }
}
