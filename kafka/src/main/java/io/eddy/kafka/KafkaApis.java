package io.eddy.kafka;

import io.eddy.kafka.fetch.FetchApis;
import java.util.ArrayList;
import java.util.List;

/**
 * Every API the front end answers, composed once per listener over core's services. Each group of APIs (produce,
 * fetch, groups, admin, SASL) contributes its handlers from its own package. Stateless.
 */
public final class KafkaApis {
    private KafkaApis() {}

    /** The handlers of every API for this instance, advertised as {@code self}. */
    public static ApiHandlers all(KafkaServices services, BrokerNode self) {
        KafkaErrors errors = new KafkaErrors();
        List<ApiHandler> handlers = new ArrayList<>();
        handlers.add(new MetadataHandler(services.topics(), () -> self, services.clusterId(), errors));

        handlers.addAll(io.eddy.kafka.produce.ProduceApis.handlers(services, self, errors));

        handlers.addAll(FetchApis.handlers(services, self, errors));

        // classic groups: FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
        // OffsetDelete

        // KIP-848 groups and group admin: ConsumerGroupHeartbeat, ConsumerGroupDescribe, ListGroups,
        // DescribeGroups, DeleteGroups

        // admin: CreateTopics, DeleteTopics, CreatePartitions, DescribeConfigs, AlterConfigs,
        // IncrementalAlterConfigs, DescribeCluster, DescribeTopicPartitions

        // security: SaslHandshake, SaslAuthenticate

        return new ApiHandlers(handlers);
    }
}
