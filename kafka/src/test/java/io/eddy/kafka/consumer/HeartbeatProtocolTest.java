package io.eddy.kafka.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.auth.Grant;
import io.eddy.core.auth.Principal;
import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.DecodedRequest;
import io.eddy.kafka.KafkaApis;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.kafka.KafkaSession;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The group handlers called directly with kafka-clients' request messages (no codec between), over core and the
 * stand-ins: the member epoch rules, revocation before reassignment and the errors Kafka's coordinator answers,
 * which a well-behaved KafkaConsumer never provokes.
 */
@ExtendWith(EddyStackExtension.class)
class HeartbeatProtocolTest {
    private static KafkaFrontEnd eddy;
    private static io.eddy.kafka.ApiHandlers handlers;
    private static final KafkaSession OPEN = KafkaSession.open(new InetSocketAddress("127.0.0.1", 1));

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
        handlers = KafkaApis.all(eddy.services(), new BrokerNode(BrokerNode.SELF_ID, "127.0.0.1", eddy.port()));
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @Test
    void aSecondMemberGetsPartitionsOnlyOnceTheFirstHasReportedThemRevoked() {
        String topic = topic(4);
        Uuid id = topicId(topic);
        String group = group();

        ConsumerGroupHeartbeatResponseData first = heartbeat(join(group, "a", topic));
        assertThat(first.errorCode()).isZero();
        assertThat(partitions(first)).containsExactly(0, 1, 2, 3);
        ConsumerGroupHeartbeatResponseData second = heartbeat(join(group, "b", topic));
        assertThat(second.errorCode()).isZero();
        assertThat(partitions(second)).as("all still owned by a").isEmpty();

        ConsumerGroupHeartbeatResponseData revoking = heartbeat(beat(group, "a", first.memberEpoch()));
        assertThat(revoking.memberEpoch())
                .as("a keeps its epoch until it has revoked")
                .isEqualTo(first.memberEpoch());
        Set<Integer> kept = partitions(revoking);
        assertThat(kept).hasSize(2);
        assertThat(partitions(heartbeat(beat(group, "b", second.memberEpoch()))))
                .isEmpty();

        ConsumerGroupHeartbeatResponseData revoked = heartbeat(beat(group, "a", first.memberEpoch())
                .setTopicPartitions(List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                        .setTopicId(id)
                        .setPartitions(List.copyOf(kept)))));
        assertThat(revoked.memberEpoch()).isGreaterThan(first.memberEpoch());
        assertThat(partitions(revoked)).isEqualTo(kept);
        ConsumerGroupHeartbeatResponseData given = heartbeat(beat(group, "b", second.memberEpoch()));
        assertThat(partitions(given)).hasSize(2).doesNotContainAnyElementsOf(kept);
        assertThat(given.assignment().topicPartitions())
                .allSatisfy(tp -> assertThat(tp.topicId()).isEqualTo(id));
    }

    /** Kafka's coordinator answers a commit at an epoch not the member's with STALE_MEMBER_EPOCH (retried). */
    @Test
    void aMembersCommitAtAnotherEpochIsStaleNotFenced() {
        String topic = topic(1);
        String group = group();
        ConsumerGroupHeartbeatResponseData joined = heartbeat(join(group, "a", topic));

        OffsetCommitResponseData stale = commit(group, "a", joined.memberEpoch() + 5, topic);
        OffsetCommitResponseData current = commit(group, "a", joined.memberEpoch(), topic);

        assertThat(stale.topics().get(0).partitions().get(0).errorCode()).isEqualTo(Errors.STALE_MEMBER_EPOCH.code());
        assertThat(current.topics().get(0).partitions().get(0).errorCode()).isZero();
    }

    private static OffsetCommitResponseData commit(String group, String member, int epoch, String topic) {
        OffsetCommitRequestData data = new OffsetCommitRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setGenerationIdOrMemberEpoch(epoch)
                .setTopics(List.of(new OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(topic)
                        .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                .setPartitionIndex(0)
                                .setCommittedOffset(0)))));
        return (OffsetCommitResponseData)
                call(OffsetCommitRequest.Builder.forTopicNames(data).build((short) 9), OPEN);
    }

    @Test
    void epochsAreFencedAndUnknownMembersAndGroupsAnsweredAsKafkaDoes() {
        String topic = topic(1);
        String group = group();
        ConsumerGroupHeartbeatResponseData joined = heartbeat(join(group, "a", topic));

        assertThat(heartbeat(beat(group, "a", joined.memberEpoch() + 5)).errorCode())
                .isEqualTo(Errors.FENCED_MEMBER_EPOCH.code());
        assertThat(heartbeat(beat(group, "nobody", 1)).errorCode()).isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
        assertThat(heartbeat(beat(group(), "a", 1)).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());
        assertThat(heartbeat(beat(group(), "a", -1)).errorCode()).isEqualTo(Errors.GROUP_ID_NOT_FOUND.code());

        ConsumerGroupHeartbeatResponseData left = heartbeat(beat(group, "a", -1));
        assertThat(left.errorCode()).isZero();
        assertThat(left.memberEpoch()).isEqualTo(-1);
        assertThat(heartbeat(beat(group, "a", joined.memberEpoch())).errorCode())
                .isEqualTo(Errors.UNKNOWN_MEMBER_ID.code());
    }

    @Test
    void aStaticInstanceBelongsToOneMemberUntilItLeaves() {
        String topic = topic(1);
        String group = group();
        ConsumerGroupHeartbeatResponseData first =
                heartbeat(join(group, "a", topic).setInstanceId("i-1"));
        assertThat(first.errorCode()).isZero();

        assertThat(heartbeat(join(group, "b", topic).setInstanceId("i-1")).errorCode())
                .isEqualTo(Errors.UNRELEASED_INSTANCE_ID.code());

        assertThat(heartbeat(beat(group, "a", -2).setInstanceId("i-1")).errorCode())
                .isZero();
        assertThat(heartbeat(join(group, "b", topic).setInstanceId("i-1")).errorCode())
                .as("the restarted instance joins at once")
                .isZero();
        assertThat(heartbeat(beat(group, "a", first.memberEpoch()).setInstanceId("i-1"))
                        .errorCode())
                .isEqualTo(Errors.FENCED_INSTANCE_ID.code());
    }

    @Test
    void badRequestsAreRefusedWithKafkasErrors() {
        String topic = topic(1);
        assertThat(heartbeat(join(group(), "a", topic).setServerAssignor("sticky"))
                        .errorCode())
                .isEqualTo(Errors.UNSUPPORTED_ASSIGNOR.code());
        assertThat(heartbeat(join(group(), "a", topic).setRebalanceTimeoutMs(-1))
                        .errorCode())
                .isEqualTo(Errors.INVALID_REQUEST.code());
        assertThat(heartbeat(join(group(), "", topic)).errorMessage()).isEqualTo("MemberId can't be empty.");
        assertThat(heartbeat(join(group(), "a", topic).setSubscribedTopicRegex("t-("))
                        .errorCode())
                .isEqualTo(Errors.INVALID_REGULAR_EXPRESSION.code());
        assertThat(heartbeat(join("not a group name", "a", topic)).errorCode())
                .isEqualTo(Errors.INVALID_GROUP_ID.code());
    }

    @Test
    void aV0JoinWithoutMemberIdIsGivenOne() {
        ConsumerGroupHeartbeatResponseData joined = heartbeat(join(group(), "", topic(1)), (short) 0, OPEN);

        assertThat(joined.errorCode()).isZero();
        assertThat(joined.memberId()).isNotBlank();
    }

    @Test
    void grantsDecideWhatAPrincipalMayJoinListDescribeAndDelete() {
        String topic = topic(1);
        String mine = "mine-" + UUID.randomUUID();
        String theirs = "theirs-" + UUID.randomUUID();
        assertThat(heartbeat(join(theirs, "x", topic)).errorCode()).isZero();
        assertThat(heartbeat(beat(theirs, "x", -1)).errorCode()).isZero();
        KafkaSession limited = KafkaSession.unauthenticated(new InetSocketAddress("127.0.0.1", 2));
        limited.authenticatedAs(
                new Principal("limited", Grant.parseAll(List.of("consume:topic:" + topic, "consume:group:mine-*"))));

        assertThat(heartbeat(join(theirs, "y", topic), (short) 1, limited).errorCode())
                .isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
        assertThat(heartbeat(join(mine, "y", "t-" + UUID.randomUUID()), (short) 1, limited)
                        .errorCode())
                .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        ConsumerGroupHeartbeatResponseData joined = heartbeat(join(mine, "y", topic), (short) 1, limited);
        assertThat(joined.errorCode()).isZero();
        assertThat(heartbeat(beat(mine, "y", -1), (short) 1, limited).errorCode())
                .isZero();

        ListGroupsResponseData listed = (ListGroupsResponseData)
                call(new ListGroupsRequest.Builder(new ListGroupsRequestData()).build((short) 5), limited);
        assertThat(listed.groups()).extracting(g -> g.groupId()).contains(mine).doesNotContain(theirs);

        DescribeGroupsResponseData described = (DescribeGroupsResponseData) call(
                new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData().setGroups(List.of(mine, theirs)))
                        .build((short) 5),
                limited);
        assertThat(described.groups().get(0).errorCode()).isZero();
        assertThat(described.groups().get(0).groupState()).isEqualTo("Empty");
        assertThat(described.groups().get(1).errorCode()).isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());

        DeleteGroupsResponseData deleted = (DeleteGroupsResponseData) call(
                new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData().setGroupsNames(List.of(mine)))
                        .build((short) 2),
                limited);
        assertThat(deleted.results().find(mine).errorCode())
                .as("deleting needs admin on the group")
                .isEqualTo(Errors.GROUP_AUTHORIZATION_FAILED.code());
    }

    @Test
    void describeGroupsAnswersAConsumerProtocolGroupAsKafkaDoesPerVersion() {
        String group = group();
        heartbeat(join(group, "a", topic(1)));

        for (short v = 0; v <= ApiKeys.DESCRIBE_GROUPS.latestVersion(); v++) {
            DescribeGroupsResponseData described = (DescribeGroupsResponseData) call(
                    new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData().setGroups(List.of(group)))
                            .build(v),
                    OPEN);
            assertThat(described.groups().get(0).groupState()).isEqualTo("Dead");
            assertThat(described.groups().get(0).errorCode()).isEqualTo(v >= 6 ? Errors.GROUP_ID_NOT_FOUND.code() : 0);
        }
    }

    private static ConsumerGroupHeartbeatRequestData join(String group, String member, String topic) {
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000)
                .setSubscribedTopicNames(List.of(topic))
                .setTopicPartitions(List.of());
    }

    private static ConsumerGroupHeartbeatRequestData beat(String group, String member, int epoch) {
        return new ConsumerGroupHeartbeatRequestData()
                .setGroupId(group)
                .setMemberId(member)
                .setMemberEpoch(epoch);
    }

    private static ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData data) {
        return heartbeat(data, (short) 1, OPEN);
    }

    private static ConsumerGroupHeartbeatResponseData heartbeat(
            ConsumerGroupHeartbeatRequestData data, short version, KafkaSession session) {
        return (ConsumerGroupHeartbeatResponseData)
                call(new ConsumerGroupHeartbeatRequest.Builder(data).build(version), session);
    }

    private static ApiMessage call(AbstractRequest request, KafkaSession session) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(request.apiKey().id)
                .setRequestApiVersion(request.version())
                .setCorrelationId(1)
                .setClientId("test");
        ApiHandler handler = handlers.handler(request.apiKey()).orElseThrow();
        return handler.handle(new DecodedRequest(request.apiKey(), request.version(), header, request, session))
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
    }

    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData response) {
        Set<Integer> out = new TreeSet<>();
        response.assignment().topicPartitions().forEach(tp -> out.addAll(tp.partitions()));
        return out;
    }

    private static Uuid topicId(String topic) {
        UUID id =
                eddy.topics().require(topic).await().atMost(KafkaFrontEnd.AWAIT).id();
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    private static String group() {
        return "g-" + UUID.randomUUID();
    }

    private static String topic(int partitions) {
        String name = "t-" + UUID.randomUUID();
        eddy.topics().create(name, partitions, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        return name;
    }
}
