package io.eddy.kafka.admin;

import io.eddy.core.model.TopicConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * The one table between Kafka's topic config names and values (strings, lists comma-separated) and Eddy's
 * {@link TopicConfig} keys and values. Eddy's keys already carry Kafka's names where Kafka has one; {@code replicas}
 * (the buckets holding the topic, primary first) is Eddy's own. Every other Kafka topic config
 * ({@code segment.*}, {@code min.compaction.lag.ms}, {@code min.insync.replicas}…) has no meaning over Eddy's
 * storage and is refused with {@code INVALID_CONFIG} rather than silently ignored. Immutable and thread-safe.
 */
final class TopicConfigNames {
    /**
     * One topic config.
     *
     * @param name          its name, Kafka's and Eddy's
     * @param type          its type as DescribeConfigs reports it; a {@code LIST} is comma-separated
     * @param brokerDefault the broker config Kafka reads its default from (DescribeConfigs' synonym)
     * @param documentation what it does in Eddy
     */
    record Row(String name, ConfigType type, String brokerDefault, String documentation) {
        boolean isList() {
            return type == ConfigType.LIST;
        }
    }

    /**
     * A config as described: its value, and whether the topic sets it (source {@code TOPIC_CONFIG}) or has the
     * deployment's default ({@code DEFAULT_CONFIG}). Eddy does not record which keys were given at creation, so a
     * value equal to the default reads as the default.
     */
    record Described(Row row, String value, String defaultValue) {
        ConfigSource source() {
            return value.equals(defaultValue) ? ConfigSource.DEFAULT_CONFIG : ConfigSource.TOPIC_CONFIG;
        }
    }

    static final List<Row> ROWS = List.of(
            new Row(
                    TopicConfig.CLEANUP_POLICY,
                    ConfigType.LIST,
                    "log.cleanup.policy",
                    "What happens to old records: 'delete' (retention by time and size) or 'compact' (the latest"
                            + " record of each key is kept). Eddy takes one of the two, not both."),
            new Row(
                    TopicConfig.DELETE_RETENTION_MS,
                    ConfigType.LONG,
                    "log.cleaner.delete.retention.ms",
                    "How long key compaction keeps tombstones (records with a null value), in milliseconds."),
            new Row(
                    TopicConfig.MAX_MESSAGE_BYTES,
                    ConfigType.INT,
                    "message.max.bytes",
                    "The largest record batch a producer may send to this topic, in bytes."),
            new Row(
                    TopicConfig.REPLICAS,
                    ConfigType.LIST,
                    TopicConfig.REPLICAS,
                    "Eddy's own: the S3 buckets every segment of this topic is written to, primary first (acks=all"
                            + " waits for all of them). Not Kafka's replication factor, which Eddy does not use."),
            new Row(
                    TopicConfig.RETENTION_BYTES,
                    ConfigType.LONG,
                    "log.retention.bytes",
                    "The most bytes a partition keeps before its oldest records are deleted; -1 for no limit."),
            new Row(
                    TopicConfig.RETENTION_MS,
                    ConfigType.LONG,
                    "log.retention.ms",
                    "How long records are kept before they are deleted, in milliseconds; -1 for ever."));

    private static final Map<String, Row> BY_NAME =
            ROWS.stream().collect(Collectors.toUnmodifiableMap(Row::name, r -> r));

    static {
        if (!BY_NAME.keySet().equals(TopicConfig.KEYS)) {
            throw new IllegalStateException("the Kafka config table " + BY_NAME.keySet()
                    + " does not cover exactly Eddy's topic config keys " + TopicConfig.KEYS);
        }
    }

    private TopicConfigNames() {}

    /** The row of {@code name}; {@code INVALID_CONFIG} for a config Eddy does not have. */
    static Row row(String name) {
        Row row = BY_NAME.get(name);
        if (row == null) {
            throw new InvalidConfigurationException("Unknown topic config name: " + name + ". Eddy's topic configs: "
                    + BY_NAME.keySet().stream().sorted().toList());
        }
        return row;
    }

    /**
     * Eddy's settings (for {@code TopicService}) from Kafka's config entries: {@code INVALID_CONFIG} for an unknown
     * name or a null value, {@code INVALID_REQUEST} for a name given twice. Values are checked by Eddy's
     * {@link TopicConfig} when applied.
     */
    static Map<String, Object> toEddy(List<Map.Entry<String, String>> entries) {
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : entries) {
            Row row = row(entry.getKey());
            if (entry.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic config " + row.name());
            }
            if (settings.put(row.name(), toEddy(row, entry.getValue())) != null) {
                throw new InvalidRequestException("Config " + row.name() + " is given more than once");
            }
        }
        return settings;
    }

    /** One value in Eddy's terms: lists as lists, {@code cleanup.policy} as its one policy, the rest as given. */
    static Object toEddy(Row row, String value) {
        if (!row.isList()) {
            return value.trim();
        }
        return fromList(row, asList(value));
    }

    /** A list config's items as Eddy takes them. */
    static Object fromList(Row row, List<String> items) {
        if (!row.name().equals(TopicConfig.CLEANUP_POLICY)) {
            return List.copyOf(items);
        }
        if (items.size() != 1) {
            throw new InvalidConfigurationException(
                    "cleanup.policy must be exactly one of 'delete' or 'compact' in Eddy, not " + items);
        }
        return items.get(0);
    }

    /** A comma-separated list's items, trimmed, empty ones dropped. */
    static List<String> asList(String value) {
        return Arrays.stream(value.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** {@code config}'s value of {@code row} as Kafka writes it (lists comma-separated). */
    static String kafkaValue(Row row, TopicConfig config) {
        Object value = config.toMap().get(row.name());
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        return String.valueOf(value);
    }

    /** {@code config}'s value of a list config as items. */
    static List<String> listValue(Row row, TopicConfig config) {
        return new ArrayList<>(asList(kafkaValue(row, config)));
    }

    /** Every config of the topic, in name order, or only those named ({@code keys} present and not empty). */
    static List<Described> describe(TopicConfig config, TopicConfig defaults, Optional<Set<String>> keys) {
        return ROWS.stream()
                .filter(r -> keys.map(k -> k.isEmpty() || k.contains(r.name())).orElse(true))
                .map(r -> new Described(r, kafkaValue(r, config), kafkaValue(r, defaults)))
                .toList();
    }
}
