package io.eddy.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.model.TopicConfig;
import io.eddy.kafka.admin.ConfigChanges.Change;
import java.util.AbstractMap.SimpleEntry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;

class ConfigChangesTest {
    private static final TopicConfig DEFAULTS = TopicConfig.defaults("eddy-a");
    private static final TopicConfig CURRENT = DEFAULTS.with(
            Map.of("retention.ms", 60_000, "cleanup.policy", "compact", "replicas", List.of("eddy-a", "eddy-b")));

    @Test
    void replacingSetsTheGivenConfigsAndTheRestBackToDefaultsButKeepsTheBuckets() {
        Map<String, Object> settings =
                ConfigChanges.replace(List.of(new SimpleEntry<>("retention.bytes", "1000")), DEFAULTS);

        TopicConfig after = CURRENT.with(settings);

        assertThat(after.retentionBytes()).isEqualTo(1000);
        assertThat(after.retentionMs()).isEqualTo(DEFAULTS.retentionMs());
        assertThat(after.cleanupPolicy()).isEqualTo(DEFAULTS.cleanupPolicy());
        assertThat(after.replicas()).containsExactly("eddy-a", "eddy-b");
        assertThat(CURRENT.with(ConfigChanges.replace(List.of(new SimpleEntry<>("replicas", "eddy-b")), DEFAULTS))
                        .replicas())
                .containsExactly("eddy-b");
    }

    @Test
    void incrementalSetDeleteAppendAndSubtract() {
        Map<String, Object> settings = ConfigChanges.incremental(
                List.of(
                        new Change("retention.bytes", OpType.SET, "5000"),
                        new Change("retention.ms", OpType.DELETE, null),
                        new Change("replicas", OpType.APPEND, "eddy-c,eddy-a")),
                CURRENT,
                DEFAULTS);

        TopicConfig after = CURRENT.with(settings);

        assertThat(settings).containsOnlyKeys("retention.bytes", "retention.ms", "replicas");
        assertThat(after.retentionBytes()).isEqualTo(5000);
        assertThat(after.retentionMs()).isEqualTo(DEFAULTS.retentionMs());
        assertThat(after.replicas()).containsExactly("eddy-a", "eddy-b", "eddy-c");
        assertThat(after.cleanupPolicy()).isEqualTo(CURRENT.cleanupPolicy());
        assertThat(CURRENT.with(ConfigChanges.incremental(
                                List.of(new Change("replicas", OpType.SUBTRACT, "eddy-a")), CURRENT, DEFAULTS))
                        .replicas())
                .containsExactly("eddy-b");
        assertThat(ConfigChanges.incremental(
                        List.of(new Change("cleanup.policy", OpType.APPEND, "compact")), CURRENT, DEFAULTS))
                .containsExactly(Map.entry("cleanup.policy", "compact"));
    }

    @Test
    void appendingASecondCleanupPolicyOrSubtractingTheLastIsInvalidConfig() {
        assertThatThrownBy(() -> ConfigChanges.incremental(
                        List.of(new Change("cleanup.policy", OpType.APPEND, "delete")), CURRENT, DEFAULTS))
                .isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> ConfigChanges.incremental(
                        List.of(new Change("cleanup.policy", OpType.SUBTRACT, "compact")), CURRENT, DEFAULTS))
                .isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void appendOrSubtractOnAConfigThatIsNotAListIsInvalidConfig() {
        assertThatThrownBy(() -> ConfigChanges.incremental(
                        List.of(new Change("retention.ms", OpType.APPEND, "1")), CURRENT, DEFAULTS))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("retention.ms");
    }

    @Test
    void aNameTwiceOrANullValueToSetIsInvalidRequestAndAnUnknownNameInvalidConfig() {
        assertThatThrownBy(() -> ConfigChanges.incremental(
                        List.of(
                                new Change("retention.ms", OpType.SET, "1"),
                                new Change("retention.ms", OpType.DELETE, null)),
                        CURRENT,
                        DEFAULTS))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ConfigChanges.incremental(
                        List.of(new Change("retention.ms", OpType.SET, null)), CURRENT, DEFAULTS))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ConfigChanges.incremental(
                        List.of(new Change("segment.ms", OpType.SET, "1")), CURRENT, DEFAULTS))
                .isInstanceOf(InvalidConfigurationException.class);
    }
}
