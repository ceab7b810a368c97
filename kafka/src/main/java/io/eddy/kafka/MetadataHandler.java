package io.eddy.kafka;

import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
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
 * the named ones (unknown ones answer {@code UNKNOWN_TOPIC_OR_PARTITION}; topics are never created on the way).
 * Topics named by id only answer {@code UNKNOWN_TOPIC_ID}. Only topics the connection's principal holds a grant
 * on are shown (Kafka's Describe): the rest are left out of "all topics", and a named one answers
 * {@code TOPIC_AUTHORIZATION_FAILED} whether it exists or not, so that existence does not leak. Thread-safe.
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
        BrokerNode node = self.get();
        KafkaSession session = decoded.session();
        Uni<List<MetadataResponseTopic>> described = request.isAllTopics()
                ? topics.list()
                        .map(all -> all.stream()
                                .filter(t -> KafkaAccess.mayDescribeTopic(
                                        session, t.name().value()))
                                .map(this::describe)
                                .toList())
                : named(request.data().topics(), session);
        return described.map(list -> {
            MetadataResponseData response = new MetadataResponseData()
                    .setThrottleTimeMs(0)
                    .setClusterId(clusterId.value())
                    .setControllerId(node.id());
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
        List<Uni<MetadataResponseTopic>> each =
                requested.stream().map(t -> one(t, session)).toList();
        return Uni.join().all(each).andFailFast();
    }

    private Uni<MetadataResponseTopic> one(MetadataRequestTopic requested, KafkaSession session) {
        if (requested.name() == null) {
            return Uni.createFrom()
                    .item(new MetadataResponseTopic()
                            .setTopicId(requested.topicId())
                            .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        }
        String name = requested.name();
        if (!KafkaAccess.mayDescribeTopic(session, name)) {
            return Uni.createFrom()
                    .item(new MetadataResponseTopic()
                            .setName(name)
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
        }
        return topics.require(name)
                .map(this::describe)
                .onFailure()
                .recoverWithItem(failure -> new MetadataResponseTopic()
                        .setName(name)
                        .setErrorCode(errors.of(failure).code()));
    }

    private MetadataResponseTopic describe(Topic topic) {
        int node = self.get().id();
        MetadataResponseTopic described = new MetadataResponseTopic()
                .setName(topic.name().value())
                .setTopicId(
                        new Uuid(topic.id().getMostSignificantBits(), topic.id().getLeastSignificantBits()))
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
