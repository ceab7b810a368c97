package io.eddy.kafka.admin;

import io.eddy.core.model.TopicConfig;
import io.eddy.kafka.BrokerNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * What DescribeConfigs shows of the broker resource: a small, honest, read-only set, the defaults Eddy applies
 * under Kafka's broker config names, with no setting that Eddy would not act on. The broker resource is named
 * {@code "0"} (this instance's id, {@link BrokerNode#SELF_ID}) or {@code ""} (the cluster-wide defaults); both
 * show the same set. Every change is refused ({@code INVALID_REQUEST}, Kafka's answer to a config that cannot be
 * updated dynamically). Stateless and thread-safe.
 */
final class BrokerConfigs {
    private BrokerConfigs() {}

    /** One broker config: its value and its type as DescribeConfigs reports it. */
    record Value(String value, ConfigType type) {}

    /** The broker configs, by name, from the deployment's topic defaults. */
    static Map<String, Value> of(TopicConfig defaults, int brokerId) {
        Map<String, Value> configs = new LinkedHashMap<>();
        configs.put("auto.create.topics.enable", new Value("false", ConfigType.BOOLEAN));
        configs.put("broker.id", new Value(Integer.toString(brokerId), ConfigType.INT));
        configs.put(
                "default.replication.factor",
                new Value(Short.toString(CreateTopicsHandler.REPLICATION_FACTOR), ConfigType.SHORT));
        configs.put(
                "log.cleaner.delete.retention.ms",
                new Value(Long.toString(defaults.deleteRetentionMs()), ConfigType.LONG));
        configs.put("log.cleanup.policy", new Value(defaults.cleanupPolicy().wire(), ConfigType.LIST));
        configs.put("log.retention.bytes", new Value(Long.toString(defaults.retentionBytes()), ConfigType.LONG));
        configs.put("log.retention.ms", new Value(Long.toString(defaults.retentionMs()), ConfigType.LONG));
        configs.put("message.max.bytes", new Value(Integer.toString(defaults.maxMessageBytes()), ConfigType.INT));
        configs.put(
                "num.partitions", new Value(Integer.toString(CreateTopicsHandler.DEFAULT_PARTITIONS), ConfigType.INT));
        return configs;
    }

    /** Fails with {@code INVALID_REQUEST} unless {@code name} is this broker's id or empty. */
    static void checkName(String name, int brokerId) {
        if (!name.isEmpty() && !name.equals(Integer.toString(brokerId))) {
            throw new InvalidRequestException(
                    "Unexpected broker id, expected " + brokerId + " or empty string, but received " + name);
        }
    }

    /** The refusal of every broker config change. */
    static InvalidRequestException readOnly() {
        return new InvalidRequestException(
                "Eddy's broker configs are read-only; set topic configs (retention.ms, cleanup.policy…) instead");
    }
}
