package io.eddy.kafka.consumer;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaServices;
import java.util.List;

/**
 * KIP-848's consumer group protocol and the group admin APIs, over core's consumer groups: ConsumerGroupHeartbeat,
 * ConsumerGroupDescribe, ListGroups, DescribeGroups, DeleteGroups. Every instance answers for every group (the
 * groups live in the store, none in an instance). Stateless.
 */
public final class ConsumerGroupApis {
    private ConsumerGroupApis() {}

    public static List<ApiHandler> handlers(KafkaServices services, BrokerNode self, KafkaErrors errors) {
        return handlers(services, self, errors, ConsumerGroupSettings.defaults());
    }

    public static List<ApiHandler> handlers(
            KafkaServices services, BrokerNode self, KafkaErrors errors, ConsumerGroupSettings settings) {
        GroupReader reader = new GroupReader(services.groups(), services.clock());
        return List.of(
                new ConsumerGroupHeartbeatHandler(services.groups(), services.topics(), errors, settings),
                new ConsumerGroupDescribeHandler(reader, services.topics()),
                new ListGroupsHandler(reader),
                new DescribeGroupsHandler(reader),
                new DeleteGroupsHandler(services.groups(), errors));
    }
}
