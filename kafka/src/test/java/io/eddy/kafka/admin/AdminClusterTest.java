package io.eddy.kafka.admin;

import static io.eddy.kafka.admin.Admins.assertFails;
import static io.eddy.kafka.admin.Admins.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.KafkaFrontEnd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.junit.jupiter.api.Test;

/**
 * DescribeCluster and DescribeTopicPartitions through kafka-clients' Admin, and the cluster id: stored once, the
 * same from every instance and across restarts.
 */
class AdminClusterTest extends Admins {
    @Test
    void describeClusterShowsThisInstanceAsBrokerAndControllerWithItsAuthorizedOperations() throws Exception {
        DescribeClusterResult cluster =
                admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true));

        Node node = new Node(BrokerNode.SELF_ID, "127.0.0.1", eddy.port());
        assertThat(get(cluster.nodes())).containsExactly(node);
        assertThat(get(cluster.controller())).isEqualTo(node);
        assertThat(get(cluster.clusterId())).isEqualTo(eddy.clusterId().value()).hasSize(22);
        assertThat(get(cluster.authorizedOperations()))
                .contains(AclOperation.DESCRIBE, AclOperation.ALTER_CONFIGS, AclOperation.CREATE);
    }

    @Test
    void theClusterIdIsTheSameFromTwoInstancesAndAfterARestart() throws Exception {
        String first;
        try (KafkaFrontEnd other = new KafkaFrontEnd(stack)) {
            first = get(other.admin().describeCluster().clusterId());
            assertThat(first).isEqualTo(get(admin.describeCluster().clusterId()));
        }

        try (KafkaFrontEnd restarted = new KafkaFrontEnd(stack)) {
            assertThat(get(restarted.admin().describeCluster().clusterId())).isEqualTo(first);
            assertThat(restarted.clusterId()).isEqualTo(eddy.clusterId());
        }
    }

    @Test
    void describeTopicsPagesThroughEveryPartitionWithAuthorizedOperations() throws Exception {
        eddy.topics().create("paged-a", 5, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        eddy.topics().create("paged-b", 3, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);

        Map<String, TopicDescription> described = get(admin.describeTopics(
                        TopicCollection.ofTopicNames(List.of("paged-a", "paged-b")),
                        new DescribeTopicsOptions()
                                .partitionSizeLimitPerResponse(2)
                                .includeAuthorizedOperations(true))
                .allTopicNames());

        assertThat(described.get("paged-a").partitions())
                .extracting(TopicPartitionInfo::partition)
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(described.get("paged-b").partitions())
                .extracting(TopicPartitionInfo::partition)
                .containsExactly(0, 1, 2);
        assertThat(described.get("paged-a").authorizedOperations())
                .contains(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE);
        Node node = new Node(BrokerNode.SELF_ID, "127.0.0.1", eddy.port());
        assertThat(described.get("paged-b").partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isEqualTo(node);
            assertThat(p.replicas()).containsExactly(node);
            assertThat(p.isr()).containsExactly(node);
        });
        assertFails(
                admin.describeTopics(List.of("paged-missing")).allTopicNames(), UnknownTopicOrPartitionException.class);
    }

    @Test
    void describeTopicPartitionsFollowsItsCursorAndAnswersUnknownTopicsInPlace() throws Exception {
        eddy.topics().create("cursor-a", 3, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        eddy.topics().create("cursor-c", 2, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        List<String> names = List.of("cursor-c", "cursor-b", "cursor-a");
        List<String> seen = new ArrayList<>();
        DescribeTopicPartitionsRequestData.Cursor cursor = null;
        try (KafkaWire wire = new KafkaWire(eddy.port())) {
            for (int round = 0; round < 10; round++) {
                DescribeTopicPartitionsRequestData request = new DescribeTopicPartitionsRequestData()
                        .setResponsePartitionLimit(2)
                        .setCursor(cursor);
                names.forEach(
                        n -> request.topics().add(new DescribeTopicPartitionsRequestData.TopicRequest().setName(n)));
                DescribeTopicPartitionsResponseData response = wire.send(
                                new DescribeTopicPartitionsRequest.Builder(request),
                                ApiKeys.DESCRIBE_TOPIC_PARTITIONS.latestVersion(),
                                DescribeTopicPartitionsResponse.class)
                        .data();
                response.topics().forEach(t -> {
                    if (t.errorCode() != Errors.NONE.code()) {
                        seen.add(t.name() + ":" + Errors.forCode(t.errorCode()));
                    }
                    t.partitions().forEach(p -> seen.add(t.name() + "-" + p.partitionIndex()));
                });
                if (response.nextCursor() == null) {
                    break;
                }
                cursor = new DescribeTopicPartitionsRequestData.Cursor()
                        .setTopicName(response.nextCursor().topicName())
                        .setPartitionIndex(response.nextCursor().partitionIndex());
            }
        }

        assertThat(seen)
                .containsExactly(
                        "cursor-a-0",
                        "cursor-a-1",
                        "cursor-a-2",
                        "cursor-b:" + Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "cursor-c-0",
                        "cursor-c-1");
    }
}
