package io.eddy.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** kafka-clients' own Admin client against the front end: what it sees of the cluster and its topics. */
@ExtendWith(EddyStackExtension.class)
class AdminClientTest {
    private static KafkaFrontEnd eddy;
    private static Admin admin;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
        admin = eddy.admin();
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @Test
    void describeClusterShowsThisInstanceAsTheOneNodeAndTheStableClusterId() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();

        assertThat(cluster.clusterId().get(30, TimeUnit.SECONDS))
                .isEqualTo(eddy.clusterId().value());
        Node node = new Node(BrokerNode.SELF_ID, "127.0.0.1", eddy.port());
        assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).containsExactly(node);
        assertThat(cluster.controller().get(30, TimeUnit.SECONDS)).isEqualTo(node);
    }

    @Test
    void topicsCreatedThroughCoreAreListedAndDescribedWithThisInstanceLeadingEveryPartition() throws Exception {
        eddy.topics().create("orders", 3, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);

        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("orders");
        TopicDescription orders = admin.describeTopics(List.of("orders"))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get("orders");
        assertThat(orders.isInternal()).isFalse();
        assertThat(orders.partitions())
                .extracting(TopicPartitionInfo::partition)
                .containsExactly(0, 1, 2);
        Node node = new Node(BrokerNode.SELF_ID, "127.0.0.1", eddy.port());
        assertThat(orders.partitions()).allSatisfy(p -> {
            assertThat(p.leader()).isEqualTo(node);
            assertThat(p.replicas()).containsExactly(node);
            assertThat(p.isr()).containsExactly(node);
        });
    }

    @Test
    void describingAnUnknownTopicFailsWithUnknownTopicOrPartition() {
        assertThatThrownBy(() -> admin.describeTopics(List.of("no-such-topic"))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }
}
