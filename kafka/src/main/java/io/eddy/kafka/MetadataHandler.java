package io.eddy.kafka;

import io.eddy.core.auth.Principal;
import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;

/**
 * Metadata, leaderless: this instance is the one broker, the controller, and the leader, only replica and
 * in-sync replica of every partition, at leader epoch 0, so clients never see leadership move. All topics, or
 * the named ones (unknown ones answer {@code UNKNOWN_TOPIC_OR_PARTITION}; topics are never created on the way:
 * {@code allow_auto_topic_creation} is not honoured). Topics named by id only answer {@code UNKNOWN_TOPIC_ID}.
 * A topic the connection's principal holds no grant on is left out of "all topics" and answers
 * {@code TOPIC_AUTHORIZATION_FAILED} when named, whether it exists or not, as Kafka does. Authorized operations
 * (v8+) are filled in when asked. Thread-safe.
 */
public final class MetadataHandler implements ApiHandler {
    /** The leader epoch of every partition, forever: leadership never moves. */
    public static final int LEADER_EPOCH = 0;

    private final TopicService topics;
    private final Supplier<BrokerNode> self;
    private final ClusterId clusterId;
    private final KafkaErrors errors;

    /**
     * @param self this instance as advertised, asked at each request (the port may be known only once bound)
     */
    public MetadataHandler(TopicService topics, Supplier<BrokerNode> self, ClusterId clusterId, KafkaErrors errors) {
        this.topics = topics;
        this.self = self;
        this.clusterId = clusterId;
        this.errors = errors;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public short oldestVersion() {
        return ApiKeys.METADATA.oldestVersion();
    }

    @Override
    public short latestVersion() {
        return ApiKeys.METADATA.latestVersion(false);
    }

    @Override
    public Uni<ApiMessage> handle(DecodedRequest decoded) {
        MetadataRequest request = (MetadataRequest) decoded.request();
        Principal principal = decoded.session().principal();
        BrokerNode node = self.get();
        Uni<List<MetadataResponseTopic>> described = request.isAllTopics()
                ? topics.list()
                        .map(all -> all.stream()
                                .filter(t -> KafkaAccess.mayDescribeTopic(
                                        decoded.session(), t.name().value()))
                                .map(this::describe)
                                .toList())
                : named(request.data().topics(), decoded.session());
        boolean topicOperations = request.data().includeTopicAuthorizedOperations();
        boolean clusterOperations = request.data().includeClusterAuthorizedOperations();
        return described.map(list -> {
            MetadataResponseData response = new MetadataResponseData()
                    .setThrottleTimeMs(0)
                    .setClusterId(clusterId.value())
                    .setControllerId(node.id())
                    .setClusterAuthorizedOperations(
                            clusterOperations
                                    ? AuthorizedOperations.cluster(principal)
                                    : AuthorizedOperations.NOT_REQUESTED);
            if (topicOperations) {
                list.stream()
                        .filter(t -> t.errorCode() == Errors.NONE.code())
                        .forEach(t -> t.setTopicAuthorizedOperations(AuthorizedOperations.topic(principal, t.name())));
            }
            response.brokers()
                    .add(new MetadataResponseBroker()
                            .setNodeId(node.id())
                            .setHost(node.host())
                            .setPort(node.port()));
            response.topics().addAll(list);
            return response;
        });
    }

    private Uni<List<MetadataResponseTopic>> named(List<MetadataRequestTopic> requested, KafkaSession session) {
        if (requested.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Uni<MetadataResponseTopic>> each = requested.stream()
                .map(t -> t.name() == null
                        ? Uni.createFrom()
                                .item(new MetadataResponseTopic()
                                        .setTopicId(t.topicId())
                                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()))
                        : !KafkaAccess.mayDescribeTopic(session, t.name())
                                ? Uni.createFrom()
                                        .item(new MetadataResponseTopic()
                                                .setName(t.name())
                                                .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()))
                                : topics.require(t.name())
                                        .map(this::describe)
                                        .onFailure()
                                        .recoverWithItem(failure -> new MetadataResponseTopic()
                                                .setName(t.name())
                                                .setErrorCode(errors.of(failure).code())))
                .toList();
        return Uni.join().all(each).andFailFast();
    }

    private MetadataResponseTopic describe(Topic topic) {
        int node = self.get().id();
        MetadataResponseTopic described = new MetadataResponseTopic()
                .setName(topic.name().value())
                .setTopicId(TopicIds.kafkaId(topic))
                .setIsInternal(false);
        for (int p = 0; p < topic.partitions(); p++) {
            described
                    .partitions()
                    .add(new MetadataResponsePartition()
                            .setPartitionIndex(p)
                            .setLeaderId(node)
                            .setLeaderEpoch(LEADER_EPOCH)
                            .setReplicaNodes(List.of(node))
                            .setIsrNodes(List.of(node))
                            .setOfflineReplicas(List.of()));
        }
        return described;
    }
}
