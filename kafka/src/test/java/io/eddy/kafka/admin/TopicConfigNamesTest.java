package io.eddy.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.TopicConfig;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicConfigNamesTest {
    private static final TopicConfig DEFAULTS = TopicConfig.defaults("eddy-data");

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "retention.ms        | 3600000         | 3600000",
                "retention.bytes     | ' -1 '          | -1",
                "max.message.bytes   | 2000000         | 2000000",
                "delete.retention.ms | 0               | 0",
                "cleanup.policy      | compact         | compact",
                "cleanup.policy      | ' delete, '     | delete",
            })
    void kafkaValuesBecomeEddysValuesByTheOneTable(String name, String kafka, String eddy) {
        Map<String, Object> settings = TopicConfigNames.toEddy(List.of(new SimpleEntry<>(name, kafka)));

        assertThat(settings).containsExactly(Map.entry(name, eddy));
        assertThat(DEFAULTS.with(settings).toMap().get(name).toString()).isEqualTo(eddy);
    }

    @Test
    void replicasAreACommaSeparatedListOfBuckets() {
        assertThat(TopicConfigNames.toEddy(List.of(new SimpleEntry<>("replicas", "eddy-a, eddy-b"))))
                .containsExactly(Map.entry("replicas", List.of("eddy-a", "eddy-b")));
        assertThat(TopicConfigNames.kafkaValue(
                        TopicConfigNames.row("replicas"),
                        DEFAULTS.with(Map.of("replicas", List.of("eddy-a", "eddy-b")))))
                .isEqualTo("eddy-a,eddy-b");
    }

    @ParameterizedTest
    @CsvSource({"segment.bytes", "min.compaction.lag.ms", "min.insync.replicas", "retention.hours", "RETENTION.MS"})
    void configsEddyDoesNotHaveAreInvalidConfig(String name) {
        assertThatThrownBy(() -> TopicConfigNames.toEddy(List.of(new SimpleEntry<>(name, "1"))))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(name);
    }

    @Test
    void bothCleanupPoliciesAtOnceANullValueAndANameTwiceAreRefused() {
        assertThatThrownBy(
                        () -> TopicConfigNames.toEddy(List.of(new SimpleEntry<>("cleanup.policy", "compact,delete"))))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> TopicConfigNames.toEddy(List.of(new SimpleEntry<>("retention.ms", null))))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> TopicConfigNames.toEddy(
                        List.of(new SimpleEntry<>("retention.ms", "1"), new SimpleEntry<>("retention.ms", "2"))))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void theTableCoversExactlyEddysTopicConfigKeys() {
        assertThat(TopicConfigNames.ROWS)
                .extracting(TopicConfigNames.Row::name)
                .containsExactlyInAnyOrderElementsOf(TopicConfig.KEYS)
                .isSorted();
    }

    @Test
    void describeShowsEveryConfigWithTheTopicsValueAsSetAndTheRestAsDefaults() {
        TopicConfig config = DEFAULTS.with(Map.of("retention.ms", 60_000, "cleanup.policy", "compact"));

        List<TopicConfigNames.Described> described = TopicConfigNames.describe(config, DEFAULTS, Optional.empty());

        assertThat(described)
                .extracting(d -> d.row().name(), TopicConfigNames.Described::value, TopicConfigNames.Described::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("cleanup.policy", "compact", ConfigSource.TOPIC_CONFIG),
                        org.assertj.core.groups.Tuple.tuple(
                                "delete.retention.ms", "86400000", ConfigSource.DEFAULT_CONFIG),
                        org.assertj.core.groups.Tuple.tuple(
                                "max.message.bytes", "1048588", ConfigSource.DEFAULT_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("replicas", "eddy-data", ConfigSource.DEFAULT_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("retention.bytes", "-1", ConfigSource.DEFAULT_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("retention.ms", "60000", ConfigSource.TOPIC_CONFIG));
        assertThat(config.cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
        assertThat(TopicConfigNames.describe(config, DEFAULTS, Optional.of(Set.of("retention.ms", "no.such"))))
                .extracting(d -> d.row().name())
                .containsExactly("retention.ms");
        assertThat(TopicConfigNames.describe(config, DEFAULTS, Optional.of(Set.of())))
                .hasSize(6);
    }
}
