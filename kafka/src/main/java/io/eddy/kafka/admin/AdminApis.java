package io.eddy.kafka.admin;

import io.eddy.kafka.ApiHandler;
import io.eddy.kafka.BrokerNode;
import io.eddy.kafka.KafkaErrors;
import io.eddy.kafka.KafkaServices;
import java.util.List;
import java.util.function.Supplier;

/**
 * The admin APIs over core's {@code TopicService}: CreateTopics, DeleteTopics, CreatePartitions,
 * DescribeConfigs, AlterConfigs, IncrementalAlterConfigs, DescribeCluster, DescribeTopicPartitions, DescribeLogDirs.
 * Stateless.
 */
public final class AdminApis {
    private AdminApis() {}

    /** One handler per admin API, for the instance advertised as {@code self}. */
    public static List<ApiHandler> handlers(KafkaServices services, BrokerNode self, KafkaErrors errors) {
        Supplier<BrokerNode> node = () -> self;
        ConfigAlteration alteration = new ConfigAlteration(services.topics(), node, errors);
        return List.of(
                new CreateTopicsHandler(services.topics(), node, errors),
                new DeleteTopicsHandler(services.topics(), errors),
                new CreatePartitionsHandler(services.topics(), node, errors),
                new DescribeConfigsHandler(services.topics(), node, errors),
                new AlterConfigsHandler(services.topics(), alteration),
                new IncrementalAlterConfigsHandler(services.topics(), alteration),
                new DescribeClusterHandler(node, services.clusterId()),
                new DescribeTopicPartitionsHandler(services.topics(), node),
                new DescribeLogDirsHandler(services.topics()));
    }
}
