package io.eddy.kafka.admin;

import io.eddy.core.model.TopicConfig;
import io.eddy.kafka.admin.TopicConfigNames.Row;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * What AlterConfigs and IncrementalAlterConfigs do to a topic's config, as the settings to hand to
 * {@code TopicService.alter} (the keys to change, in Eddy's terms). Pure functions over values; Eddy's
 * {@link TopicConfig} checks the values when they are applied. Stateless and thread-safe.
 */
final class ConfigChanges {
    /** One change of IncrementalAlterConfigs. */
    record Change(String name, OpType op, String value) {}

    private ConfigChanges() {}

    /**
     * AlterConfigs: the configs given replace the topic's, and every other config goes back to the deployment's
     * default, as on a Kafka broker. The one exception is {@code replicas}, which keeps its buckets unless given:
     * where a topic's data is written is not reset by a request that did not mention it.
     */
    static Map<String, Object> replace(List<Map.Entry<String, String>> given, TopicConfig defaults) {
        Map<String, Object> settings = TopicConfigNames.toEddy(given);
        Map<String, Object> all = new LinkedHashMap<>();
        for (Row row : TopicConfigNames.ROWS) {
            if (settings.containsKey(row.name())) {
                all.put(row.name(), settings.get(row.name()));
            } else if (!row.name().equals(TopicConfig.REPLICAS)) {
                all.put(row.name(), TopicConfigNames.toEddy(row, TopicConfigNames.kafkaValue(row, defaults)));
            }
        }
        return all;
    }

    /**
     * IncrementalAlterConfigs over {@code current}: SET a value, DELETE back to the default, APPEND items to or
     * SUBTRACT items from a list config ({@code cleanup.policy}, {@code replicas}). A name given twice, or a null
     * value where one is needed, is {@code INVALID_REQUEST}; an unknown name, or APPEND/SUBTRACT on a config that
     * is not a list, {@code INVALID_CONFIG}.
     */
    static Map<String, Object> incremental(List<Change> changes, TopicConfig current, TopicConfig defaults) {
        Set<String> seen = new HashSet<>();
        for (Change change : changes) {
            if (!seen.add(change.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys: " + change.name());
            }
            if (change.op() != OpType.DELETE && change.value() == null) {
                throw new InvalidRequestException("Null value not supported for: " + change.name());
            }
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        for (Change change : changes) {
            Row row = TopicConfigNames.row(change.name());
            settings.put(
                    row.name(),
                    switch (change.op()) {
                        case SET -> TopicConfigNames.toEddy(row, change.value());
                        case DELETE -> TopicConfigNames.toEddy(row, TopicConfigNames.kafkaValue(row, defaults));
                        case APPEND -> {
                            List<String> items = listOf(row, change, current);
                            TopicConfigNames.asList(change.value()).stream()
                                    .filter(item -> !items.contains(item))
                                    .forEach(items::add);
                            yield TopicConfigNames.fromList(row, items);
                        }
                        case SUBTRACT -> {
                            List<String> items = listOf(row, change, current);
                            items.removeAll(TopicConfigNames.asList(change.value()));
                            yield TopicConfigNames.fromList(row, items);
                        }
                    });
        }
        return settings;
    }

    private static List<String> listOf(Row row, Change change, TopicConfig current) {
        if (!row.isList()) {
            throw new InvalidConfigurationException(
                    "Config value " + change.op().name().toLowerCase(java.util.Locale.ROOT)
                            + " is not allowed for config key " + row.name() + ", which is not a list");
        }
        return TopicConfigNames.listValue(row, current);
    }
}
