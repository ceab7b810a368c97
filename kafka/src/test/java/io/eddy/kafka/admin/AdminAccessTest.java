package io.eddy.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.auth.Grant;
import io.eddy.core.auth.Principal;
import io.eddy.kafka.ApiHandlers;
import io.eddy.kafka.AuthorizedOperations;
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
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The grants every admin API and Metadata check, for a principal that may consume {@code open-*} topics only:
 * what it may not describe is hidden from listings and answered with Kafka's authorization errors when named.
 * The handlers are called with that principal's session (SASL, which makes such sessions over the wire, is
 * another package's).
 */
@ExtendWith(EddyStackExtension.class)
class AdminAccessTest {
    private static final Principal READER = new Principal("reader", List.of(Grant.parse("consume:topic:open-*")));

    private static KafkaFrontEnd eddy;
    private static ApiHandlers handlers;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
        handlers = KafkaApis.all(eddy.services(), new BrokerNode(BrokerNode.SELF_ID, "127.0.0.1", eddy.port()));
        for (String topic : List.of("open-a", "closed-b")) {
            eddy.topics().create(topic, 2, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        }
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @Test
    void metadataHidesTopicsWithoutAGrantAndRefusesThemByName() {
        MetadataResponseData all = (MetadataResponseData) call(
                new MetadataRequest.Builder(
                        new MetadataRequestData().setTopics(null).setIncludeTopicAuthorizedOperations(true)),
                ApiKeys.METADATA.latestVersion());
        MetadataResponseData named = (MetadataResponseData) call(
                MetadataRequest.Builder.forTopicNames(List.of("open-a", "closed-b", "closed-missing"), false),
                ApiKeys.METADATA.latestVersion());

        assertThat(all.topics())
                .extracting(MetadataResponseData.MetadataResponseTopic::name)
                .containsExactly("open-a");
        assertThat(Utils.from32BitField(all.topics().find("open-a").topicAuthorizedOperations()))
                .containsExactlyInAnyOrder(
                        AclOperation.READ.code(), AclOperation.DESCRIBE.code(), AclOperation.DESCRIBE_CONFIGS.code());
        assertThat(named.topics().find("open-a").errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(named.topics().find("open-a").topicAuthorizedOperations())
                .isEqualTo(AuthorizedOperations.NOT_REQUESTED);
        for (String refused : List.of("closed-b", "closed-missing")) {
            assertThat(named.topics().find(refused).errorCode())
                    .as(refused)
                    .isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            assertThat(named.topics().find(refused).partitions()).isEmpty();
        }
    }

    @Test
    void creatingOrDeletingNeedsTheAdminGrantOnTheTopic() {
        CreateTopicsRequestData create = new CreateTopicsRequestData();
        create.topics()
                .add(new CreateTopicsRequestData.CreatableTopic()
                        .setName("open-new")
                        .setNumPartitions(1)
                        .setReplicationFactor((short) 1));
        CreateTopicsResponseData created = (CreateTopicsResponseData)
                call(new CreateTopicsRequest.Builder(create), ApiKeys.CREATE_TOPICS.latestVersion());
        DeleteTopicsResponseData deleted = (DeleteTopicsResponseData) call(
                new DeleteTopicsRequest.Builder(new DeleteTopicsRequestData()
                        .setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState().setName("open-a")))),
                ApiKeys.DELETE_TOPICS.latestVersion());

        assertThat(created.topics().find("open-new").errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(deleted.responses().find("open-a").errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(eddy.topics().list().await().atMost(KafkaFrontEnd.AWAIT))
                .extracting(t -> t.name().value())
                .containsExactly("closed-b", "open-a");
    }

    @Test
    void configsDescribeWithAnyGrantAlterWithAdminAndTheBrokerNeedsTheCluster() {
        DescribeConfigsRequestData describe = new DescribeConfigsRequestData()
                .setResources(List.of(
                        resource(ConfigResource.Type.TOPIC, "open-a"),
                        resource(ConfigResource.Type.TOPIC, "closed-b"),
                        resource(ConfigResource.Type.BROKER, "0")));
        DescribeConfigsResponseData described = (DescribeConfigsResponseData)
                call(new DescribeConfigsRequest.Builder(describe), ApiKeys.DESCRIBE_CONFIGS.latestVersion());
        IncrementalAlterConfigsRequestData alter = new IncrementalAlterConfigsRequestData();
        for (ConfigResource.Type type : List.of(ConfigResource.Type.TOPIC, ConfigResource.Type.BROKER)) {
            IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                    new IncrementalAlterConfigsRequestData.AlterConfigsResource()
                            .setResourceType(type.id())
                            .setResourceName(type == ConfigResource.Type.TOPIC ? "open-a" : "0");
            resource.configs()
                    .add(new IncrementalAlterConfigsRequestData.AlterableConfig()
                            .setName("retention.ms")
                            .setConfigOperation(OpType.SET.id())
                            .setValue("1"));
            alter.resources().add(resource);
        }
        IncrementalAlterConfigsResponseData altered = (IncrementalAlterConfigsResponseData) call(
                new IncrementalAlterConfigsRequest.Builder(alter), ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion());

        assertThat(described.results())
                .extracting(
                        DescribeConfigsResponseData.DescribeConfigsResult::resourceName,
                        r -> Errors.forCode(r.errorCode()))
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("open-a", Errors.NONE),
                        org.assertj.core.groups.Tuple.tuple("closed-b", Errors.TOPIC_AUTHORIZATION_FAILED),
                        org.assertj.core.groups.Tuple.tuple("0", Errors.CLUSTER_AUTHORIZATION_FAILED));
        assertThat(altered.responses())
                .extracting(r -> Errors.forCode(r.errorCode()))
                .containsExactly(Errors.TOPIC_AUTHORIZATION_FAILED, Errors.CLUSTER_AUTHORIZATION_FAILED);
    }

    @Test
    void describeTopicPartitionsHidesOrRefusesWhatThePrincipalMayNotDescribe() {
        DescribeTopicPartitionsResponseData all = (DescribeTopicPartitionsResponseData) call(
                new DescribeTopicPartitionsRequest.Builder(new DescribeTopicPartitionsRequestData()),
                ApiKeys.DESCRIBE_TOPIC_PARTITIONS.latestVersion());
        DescribeTopicPartitionsResponseData named = (DescribeTopicPartitionsResponseData) call(
                new DescribeTopicPartitionsRequest.Builder(List.of("open-a", "closed-b")),
                ApiKeys.DESCRIBE_TOPIC_PARTITIONS.latestVersion());

        assertThat(all.topics())
                .extracting(DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic::name)
                .containsExactly("open-a");
        assertThat(named.topics().find("open-a").partitions()).hasSize(2);
        assertThat(named.topics().find("closed-b").errorCode()).isEqualTo(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        assertThat(named.topics().find("closed-b").partitions()).isEmpty();
    }

    private static DescribeConfigsRequestData.DescribeConfigsResource resource(ConfigResource.Type type, String name) {
        return new DescribeConfigsRequestData.DescribeConfigsResource()
                .setResourceType(type.id())
                .setResourceName(name);
    }

    /** The handler's answer to {@code builder}'s request at {@code version}, asked by the reader. */
    private static ApiMessage call(AbstractRequest.Builder<?> builder, short version) {
        AbstractRequest request = builder.build(version);
        KafkaSession session = KafkaSession.unauthenticated(new InetSocketAddress("127.0.0.1", 50_000));
        session.authenticatedAs(READER);
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(request.apiKey().id)
                .setRequestApiVersion(version)
                .setClientId("access-test")
                .setCorrelationId(1);
        DecodedRequest decoded = new DecodedRequest(request.apiKey(), version, header, request, session);
        return handlers.handler(request.apiKey())
                .orElseThrow()
                .handle(decoded)
                .await()
                .atMost(KafkaFrontEnd.AWAIT);
    }
}
