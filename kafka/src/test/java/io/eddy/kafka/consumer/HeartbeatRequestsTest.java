package io.eddy.kafka.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.group.Heartbeat;
import io.eddy.core.group.OffsetReset;
import io.eddy.kafka.TopicIds;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData.TopicPartitions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeartbeatRequestsTest {

    private static ConsumerGroupHeartbeatRequestData join() {
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g")
                .setMemberId("m-1")
                .setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of("orders"))
                .setTopicPartitions(List.of());
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(
                        "v1 needs a member id", (short) 1, edit(r -> r.setMemberId("")), "MemberId can't be empty."),
                Arguments.of(
                        "a heartbeat needs a member id",
                        (short) 0,
                        edit(r -> r.setMemberId("").setMemberEpoch(3)),
                        "MemberId can't be empty."),
                Arguments.of("empty group id", (short) 1, edit(r -> r.setGroupId("")), "GroupId can't be empty."),
                Arguments.of(
                        "blank instance id", (short) 1, edit(r -> r.setInstanceId(" ")), "InstanceId can't be empty."),
                Arguments.of("blank rack id", (short) 1, edit(r -> r.setRackId("")), "RackId can't be empty."),
                Arguments.of(
                        "join without rebalance timeout",
                        (short) 1,
                        edit(r -> r.setRebalanceTimeoutMs(-1)),
                        "RebalanceTimeoutMs must be provided in first request."),
                Arguments.of(
                        "join owning partitions",
                        (short) 1,
                        edit(r -> r.setTopicPartitions(List.of(new TopicPartitions()
                                .setTopicId(Uuid.randomUuid())
                                .setPartitions(List.of(0))))),
                        "TopicPartitions must be empty when (re-)joining."),
                Arguments.of(
                        "join without owned list",
                        (short) 1,
                        edit(r -> r.setTopicPartitions(null)),
                        "TopicPartitions must be empty when (re-)joining."),
                Arguments.of(
                        "join without subscription",
                        (short) 1,
                        edit(r -> r.setSubscribedTopicNames(null)),
                        "Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining."),
                Arguments.of(
                        "static leave without instance id",
                        (short) 1,
                        edit(r -> r.setMemberEpoch(-2)),
                        "InstanceId can't be null."),
                Arguments.of("epoch below -2", (short) 1, edit(r -> r.setMemberEpoch(-3)), "MemberEpoch is invalid."));
    }

    private static UnaryOperator<ConsumerGroupHeartbeatRequestData> edit(
            UnaryOperator<ConsumerGroupHeartbeatRequestData> change) {
        return change;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void refusesWhatKafkasCoordinatorRefusesWithItsMessage(
            String why, short version, UnaryOperator<ConsumerGroupHeartbeatRequestData> change, String message) {
        assertThatThrownBy(() -> HeartbeatRequests.validate(change.apply(join()), version))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }

    @Test
    void acceptsAJoinAHeartbeatAndBothLeaves() {
        assertThatCode(() -> HeartbeatRequests.validate(join(), (short) 1)).doesNotThrowAnyException();
        assertThatCode(() -> HeartbeatRequests.validate(join().setMemberId(""), (short) 0))
                .as("v0: the coordinator chooses the member id")
                .doesNotThrowAnyException();
        ConsumerGroupHeartbeatRequestData heartbeat = new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g")
                .setMemberId("m-1")
                .setMemberEpoch(4);
        assertThatCode(() -> HeartbeatRequests.validate(heartbeat, (short) 1)).doesNotThrowAnyException();
        assertThat(HeartbeatRequests.leaves(heartbeat)).isFalse();
        assertThat(HeartbeatRequests.leaves(heartbeat.duplicate().setMemberEpoch(-1)))
                .isTrue();
        ConsumerGroupHeartbeatRequestData staticLeave =
                heartbeat.duplicate().setMemberEpoch(-2).setInstanceId("i-1");
        assertThatCode(() -> HeartbeatRequests.validate(staticLeave, (short) 1)).doesNotThrowAnyException();
        assertThat(HeartbeatRequests.leaves(staticLeave)).isTrue();
    }

    @Test
    void aV0JoinWithoutMemberIdIsGivenOneAndAV1MemberKeepsItsOwn() {
        assertThat(HeartbeatRequests.memberId(join().setMemberId("")))
                .isNotBlank()
                .isNotEqualTo("m-1");
        assertThat(HeartbeatRequests.memberId(join())).isEqualTo("m-1");
    }

    @Test
    void aJoinBecomesCoreHeartbeatWithTheGroupsSessionTimeoutAndNoResetPolicy() {
        Heartbeat hb = HeartbeatRequests.toHeartbeat(
                join().setInstanceId("i-1"), "m-1", Optional.of(Set.of()), Optional.of("range"), 6_000);

        assertThat(hb.memberId()).isEqualTo("m-1");
        assertThat(hb.memberEpoch()).isZero();
        assertThat(hb.instanceId()).contains("i-1");
        assertThat(hb.subscription()).isPresent();
        assertThat(hb.subscription().get().topics()).containsExactly("orders");
        assertThat(hb.assignor()).contains("range");
        assertThat(hb.sessionTimeoutMs()).isEqualTo(6_000);
        assertThat(hb.rebalanceTimeoutMs()).isEqualTo(30_000);
        assertThat(hb.offsetReset()).isEqualTo(OffsetReset.NONE);
    }

    @Test
    void aHeartbeatThatChangesNothingLeavesSubscriptionAndOwnershipUnchanged() {
        ConsumerGroupHeartbeatRequestData heartbeat = new ConsumerGroupHeartbeatRequestData()
                .setGroupId("g")
                .setMemberId("m-1")
                .setMemberEpoch(4);

        Heartbeat hb = HeartbeatRequests.toHeartbeat(heartbeat, "m-1", Optional.empty(), Optional.empty(), 45_000);

        assertThat(hb.subscription()).isEmpty();
        assertThat(hb.owned()).isEmpty();
        assertThat(hb.rebalanceTimeoutMs()).isEqualTo(HeartbeatRequests.REBALANCE_TIMEOUT_MS);
        assertThat(HeartbeatRequests.ownedById(heartbeat)).isEmpty();
    }

    @Test
    void ownedPartitionsAreReadByTopicId() {
        UUID id = UUID.randomUUID();
        ConsumerGroupHeartbeatRequestData heartbeat = new ConsumerGroupHeartbeatRequestData()
                .setMemberEpoch(4)
                .setTopicPartitions(List.of(
                        new TopicPartitions().setTopicId(TopicIds.kafkaId(id)).setPartitions(List.of(2, 0)),
                        new TopicPartitions().setTopicId(TopicIds.kafkaId(id)).setPartitions(List.of(1))));

        assertThat(HeartbeatRequests.ownedById(heartbeat))
                .hasValueSatisfying(owned -> assertThat(owned)
                        .containsOnlyKeys(id)
                        .satisfies(m -> assertThat(m.get(id)).containsExactlyInAnyOrder(0, 1, 2)));
    }

    @Test
    void topicIdsAreEddysIdsBitForBit() {
        UUID id = UUID.randomUUID();
        assertThat(TopicIds.eddyId(TopicIds.kafkaId(id))).isEqualTo(id);
        assertThat(TopicIds.kafkaId(id).getMostSignificantBits()).isEqualTo(id.getMostSignificantBits());
    }
}
