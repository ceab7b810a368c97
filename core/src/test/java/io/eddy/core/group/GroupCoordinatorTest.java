package io.eddy.core.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The group protocol's decisions, step by step with a controlled clock. */
class GroupCoordinatorTest {
    static final Map<String, Integer> TOPICS = Map.of("orders", 6);
    static final long SESSION = 10_000;
    static final long REBALANCE = 20_000;

    private final GroupCoordinator coordinator = new GroupCoordinator();
    private GroupState state = GroupState.empty(new GroupId("g"));
    private long now = 1_000_000;

    static Heartbeat join(String member) {
        return join(member, Optional.empty());
    }

    static Heartbeat join(String member, Optional<String> instance) {
        return new Heartbeat(
                member,
                0,
                instance,
                Optional.of(Subscription.ofTopics(List.of("orders"))),
                Optional.of(Set.of()),
                Optional.empty(),
                SESSION,
                REBALANCE,
                OffsetReset.EARLIEST);
    }

    static Heartbeat beat(String member, long epoch, Set<TopicPartition> owned) {
        return new Heartbeat(
                member,
                epoch,
                Optional.empty(),
                Optional.empty(),
                Optional.of(owned),
                Optional.empty(),
                SESSION,
                REBALANCE,
                OffsetReset.EARLIEST);
    }

    private GroupCoordinator.HeartbeatResult send(Heartbeat hb) {
        GroupCoordinator.HeartbeatResult r = coordinator.heartbeat(state, hb, TOPICS, now);
        state = r.state().nextVersion();
        return r;
    }

    static SortedSet<TopicPartition> orders(int... partitions) {
        SortedSet<TopicPartition> out = new TreeSet<>();
        IntStream.of(partitions).forEach(p -> out.add(new TopicPartition("orders", p)));
        return out;
    }

    @Test
    void theFirstMemberGetsEveryPartitionAtOnce() {
        var r = send(join("a"));

        assertThat(r.assignment()).isEqualTo(orders(0, 1, 2, 3, 4, 5));
        assertThat(r.member().memberEpoch()).isEqualTo(1).isEqualTo(state.groupEpoch());
        assertThat(r.revoke()).isEmpty();
        assertThat(r.pending()).isEmpty();
        assertThat(r.groupChanged()).isTrue();
    }

    @Test
    void aPartitionMovesOnlyAfterItsOwnerRevokedIt() {
        send(join("a"));
        var b = send(join("b"));
        assertThat(b.assignment()).as("everything is still a's").isEmpty();
        assertThat(b.pending()).hasSize(3);

        var a = send(beat("a", 1, orders(0, 1, 2, 3, 4, 5)));
        assertThat(a.revoke()).hasSize(3);
        assertThat(a.assignment()).hasSize(3);
        assertThat(a.member().memberEpoch())
                .as("a keeps its epoch until it has revoked")
                .isEqualTo(1);
        SortedSet<TopicPartition> moving = a.revoke();

        var bStill = send(beat("b", b.member().memberEpoch(), Set.of()));
        assertThat(bStill.assignment()).as("not revoked yet").isEmpty();

        var aDone = send(beat("a", 1, a.assignment()));
        assertThat(aDone.revoke()).isEmpty();
        assertThat(aDone.member().memberEpoch()).isEqualTo(state.groupEpoch());

        var bNow = send(beat("b", bStill.member().memberEpoch(), Set.of()));
        assertThat(bNow.assignment()).isEqualTo(moving);
        assertThat(bNow.pending()).isEmpty();
    }

    @Test
    void aSteadyHeartbeatChangesOnlyTheSession() {
        var a = send(join("a"));
        now += 1_000;
        var again = send(beat("a", a.member().memberEpoch(), a.assignment()));

        assertThat(again.groupChanged()).isFalse();
        assertThat(again.member().expiresAtMs()).isEqualTo(now + SESSION);
    }

    /** a and b share the six partitions, three each, both at the group epoch. */
    private void twoStableMembers() {
        send(join("a"));
        send(join("b"));
        var a = send(beat("a", 1, orders(0, 1, 2, 3, 4, 5)));
        send(beat("a", 1, a.assignment()));
        send(beat("b", state.groupEpoch(), Set.of()));
        assertThat(state.members().get("a").assigned()).hasSize(3);
        assertThat(state.members().get("b").assigned()).hasSize(3);
    }

    private MemberState member(String id) {
        return state.members().get(id);
    }

    @Test
    void anExpiredMemberIsRemovedByAnyCallAndItsPartitionsGoAtOnce() {
        twoStableMembers();
        MemberState a = member("a");
        now += SESSION / 2;
        send(beat("b", member("b").memberEpoch(), member("b").assigned()));

        now += SESSION / 2 + 1; // a went quiet a session ago; b did not
        var alone = send(beat("b", member("b").memberEpoch(), member("b").assigned()));

        assertThat(state.members()).containsOnlyKeys("b");
        assertThat(alone.assignment()).isEqualTo(orders(0, 1, 2, 3, 4, 5));
        assertThatThrownBy(() -> send(beat("a", a.memberEpoch(), a.assigned())))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER));
    }

    @Test
    void aMemberThatDoesNotRevokeInTimeIsRemoved() {
        send(join("a"));
        send(join("b"));
        long deadline = now + REBALANCE;
        while (now <= deadline) {
            send(beat("a", 1, orders(0, 1, 2, 3, 4, 5))); // alive, but never revokes
            send(beat("b", member("b").memberEpoch(), Set.of()));
            assertThat(member("b").assigned())
                    .as("nothing moves before a revoked")
                    .isEmpty();
            now += SESSION / 4;
        }

        var b = send(beat("b", member("b").memberEpoch(), Set.of()));

        assertThat(state.members()).containsOnlyKeys("b");
        assertThat(b.assignment()).hasSize(6);
    }

    @Test
    void aStaleEpochIsRefusedUnlessOnlyTheLastAnswerWasLost() {
        twoStableMembers();
        MemberState a = member("a");
        assertThatThrownBy(() -> send(beat("a", 7, a.assigned())))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STALE_MEMBER_EPOCH));
        assertThatThrownBy(() -> send(beat("a", 1, orders(0, 1, 2, 3, 4, 5))))
                .as("an older epoch claiming partitions it no longer has")
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STALE_MEMBER_EPOCH));

        // an older epoch owning nothing it should not: the client missed the answer that moved it on
        var lost = send(beat("a", 1, a.assigned()));
        assertThat(lost.member().memberEpoch()).isEqualTo(a.memberEpoch()).isGreaterThan(1);
        assertThat(lost.assignment()).isEqualTo(a.assigned());
    }

    @Test
    void anUnknownMemberMustJoinAgain() {
        assertThatThrownBy(() -> send(beat("ghost", 3, Set.of())))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER));
    }

    @Test
    void aStaticMemberCannotJoinUnderANewIdWhileItsPredecessorLives() {
        var a = send(join("a-1", Optional.of("host-a")));
        send(join("b", Optional.of("host-b")));
        a = send(beat("a-1", a.member().memberEpoch(), a.assignment()));
        GroupState before = state;

        now += 2_000; // host-a restarts under a new member id while a-1's session still runs
        assertThatThrownBy(() -> send(join("a-2", Optional.of("host-a"))))
                .isInstanceOfSatisfying(EddyException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNRELEASED_INSTANCE_ID);
                    assertThat(e.code().retryable()).isTrue();
                    assertThat(e.details()).containsEntry("retry_after_ms", SESSION - 2_000);
                });
        assertThat(state).as("nothing changed: a-1 keeps its partitions").isEqualTo(before);
        assertThat(send(beat("a-1", a.member().memberEpoch(), a.assignment())).assignment())
                .isEqualTo(a.assignment());
    }

    @Test
    void aStaticMemberJoinsAgainOnceItsPredecessorsSessionHasRunOutAndThePredecessorIsFenced() {
        var a = send(join("a-1", Optional.of("host-a")));
        var b = send(join("b", Optional.of("host-b")));
        long aEpoch = a.member().memberEpoch();
        SortedSet<TopicPartition> old = a.assignment();

        now += SESSION / 2; // a-1 crashed: its session runs out while b heartbeats
        b = send(beat("b", b.member().memberEpoch(), b.assignment()));
        now += SESSION / 2 + 1;
        b = send(beat("b", b.member().memberEpoch(), b.assignment()));
        var back = send(join("a-2", Optional.of("host-a")));

        assertThat(state.members()).containsOnlyKeys("a-2", "b");
        assertThat(back.member().instanceId()).contains("host-a");
        assertThatThrownBy(() -> send(new Heartbeat(
                        "a-1",
                        aEpoch,
                        Optional.of("host-a"),
                        Optional.empty(),
                        Optional.of(old),
                        Optional.empty(),
                        SESSION,
                        REBALANCE,
                        OffsetReset.EARLIEST)))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FENCED_INSTANCE_ID));
    }

    @Test
    void aStaticMemberThatLeftMayBeReplacedAtOnce() {
        send(join("a-1", Optional.of("host-a")));
        state = coordinator.leave(state, "a-1", TOPICS, now).nextVersion();

        var back = send(join("a-2", Optional.of("host-a")));

        assertThat(back.assignment()).isEqualTo(orders(0, 1, 2, 3, 4, 5));
        assertThat(state.members()).containsOnlyKeys("a-2");
    }

    @Test
    void leavingFreesThePartitionsAtOnce() {
        send(join("a"));
        var b = send(join("b"));
        send(beat("a", 1, send(beat("a", 1, orders(0, 1, 2, 3, 4, 5))).assignment()));

        state = coordinator.leave(state, "a", TOPICS, now).nextVersion();
        var alone = send(beat("b", b.member().memberEpoch(), Set.of()));

        assertThat(alone.assignment()).hasSize(6);
        assertThatThrownBy(() -> coordinator.leave(state, "a", TOPICS, now))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_MEMBER));
    }

    @Test
    void morePartitionsForASubscribedTopicBumpTheEpochAndAreHandedOut() {
        var a = send(join("a"));
        long epoch = state.groupEpoch();

        var r = coordinator.heartbeat(
                state, beat("a", a.member().memberEpoch(), a.assignment()), Map.of("orders", 8), now);

        assertThat(r.state().groupEpoch()).isEqualTo(epoch + 1);
        assertThat(r.assignment()).hasSize(8);
    }

    @Test
    void aPatternSubscriptionFollowsMatchingTopics() {
        Heartbeat hb = new Heartbeat(
                "a",
                0,
                Optional.empty(),
                Optional.of(Subscription.ofPattern("ord.*")),
                Optional.of(Set.of()),
                Optional.empty(),
                SESSION,
                REBALANCE,
                OffsetReset.EARLIEST);
        var r = coordinator.heartbeat(state, hb, Map.of("orders", 2, "ordinals", 1, "payments", 4), now);

        assertThat(r.assignment())
                .extracting(TopicPartition::topic)
                .containsOnly("orders", "ordinals")
                .hasSize(3);
    }

    @Test
    void theAssignorIsTheGroupsOnceItHasMembers() {
        Heartbeat range = new Heartbeat(
                "a",
                0,
                Optional.empty(),
                Optional.of(Subscription.ofTopics(List.of("orders"))),
                Optional.of(Set.of()),
                Optional.of("range"),
                SESSION,
                REBALANCE,
                OffsetReset.EARLIEST);
        state = coordinator.heartbeat(state, range, TOPICS, now).state().nextVersion();
        assertThat(state.assignor()).isEqualTo("range");

        Heartbeat other = new Heartbeat(
                "b",
                0,
                Optional.empty(),
                Optional.of(Subscription.ofTopics(List.of("orders"))),
                Optional.of(Set.of()),
                Optional.of("roundrobin"),
                SESSION,
                REBALANCE,
                OffsetReset.EARLIEST);
        assertThatThrownBy(() -> coordinator.heartbeat(state, other, TOPICS, now))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INCONSISTENT_ASSIGNOR));
    }
}
