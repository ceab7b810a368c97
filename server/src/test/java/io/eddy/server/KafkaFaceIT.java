package io.eddy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.ClusterId;
import io.eddy.runtime.EddyConfig;
import io.eddy.testkit.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The running server's Kafka face: kafka-clients' Admin reaches it, and sees what the HTTP face created. */
@QuarkusTest
@QuarkusTestResource(StandinsTestResource.class)
class KafkaFaceIT {
    @TestHTTPResource("/")
    URL url;

    @Inject
    KafkaStartup kafka;

    @Inject
    EddyConfig config;

    private Admin admin;

    @BeforeEach
    void connect() {
        admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers().orElseThrow(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000));
    }

    @AfterEach
    void close() {
        admin.close();
    }

    @Test
    void describeClusterAnswersWithTheAdvertisedNodeAndTheDeploymentsClusterId() throws Exception {
        String[] hostPort = kafka.bootstrapServers().orElseThrow().split(":");
        Node advertised = new Node(BrokerNode.SELF_ID, hostPort[0], Integer.parseInt(hostPort[1]));

        DescribeClusterResult cluster = admin.describeCluster();

        assertThat(hostPort[0]).isEqualTo("127.0.0.1");
        assertThat(Integer.parseInt(hostPort[1])).as("a free port in tests").isPositive();
        assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).containsExactly(advertised);
        assertThat(cluster.clusterId().get(30, TimeUnit.SECONDS))
                .isEqualTo(ClusterId.ofTable(config.table()).value());
    }

    @Test
    void aTopicCreatedOverHttpIsListedAndDescribedOverKafka() throws Exception {
        Http http = new Http(URI.create(url.toString()));
        String topic = "both-faces-" + Long.toHexString(System.nanoTime());
        assertThat(http.put("/v1/topics/" + topic, "{\"partitions\": 3}").status())
                .isEqualTo(201);

        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);
        TopicDescription described = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        assertThat(described.partitions()).hasSize(3);
    }
}
