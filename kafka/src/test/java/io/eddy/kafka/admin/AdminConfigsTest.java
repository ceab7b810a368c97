package io.eddy.kafka.admin;

import static io.eddy.kafka.admin.Admins.assertFails;
import static io.eddy.kafka.admin.Admins.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.TopicConfig;
import io.eddy.kafka.KafkaFrontEnd;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigType;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.junit.jupiter.api.Test;

/** kafka-clients' Admin describes and alters topic configs under Kafka's names; the broker's are read-only. */
class AdminConfigsTest extends Admins {
    @Test
    void describeShowsEveryTopicConfigWithItsSourceSynonymsTypeAndDocumentation() throws Exception {
        create("described", Map.of("retention.ms", 60_000));
        ConfigResource topic = topic("described");

        Config config = get(admin.describeConfigs(
                                List.of(topic),
                                new DescribeConfigsOptions()
                                        .includeSynonyms(true)
                                        .includeDocumentation(true))
                        .all())
                .get(topic);

        assertThat(config.entries())
                .extracting(ConfigEntry::name)
                .containsExactlyInAnyOrderElementsOf(TopicConfig.KEYS);
        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo("60000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retention.isReadOnly()).isFalse();
        assertThat(retention.type()).isEqualTo(ConfigType.LONG);
        assertThat(retention.documentation()).isNotBlank();
        assertThat(retention.synonyms())
                .extracting(ConfigEntry.ConfigSynonym::name, ConfigEntry.ConfigSynonym::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("retention.ms", ConfigSource.DYNAMIC_TOPIC_CONFIG),
                        org.assertj.core.groups.Tuple.tuple("log.retention.ms", ConfigSource.DEFAULT_CONFIG));
        ConfigEntry policy = config.get("cleanup.policy");
        assertThat(policy.value()).isEqualTo("delete");
        assertThat(policy.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(policy.type()).isEqualTo(ConfigType.LIST);
        assertThat(config.get("replicas").value()).isEqualTo(eddy.core().bucket());
    }

    @Test
    void describingAnUnknownTopicIsUnknownTopicOrPartition() {
        assertFails(admin.describeConfigs(List.of(topic("not-there"))).all(), UnknownTopicOrPartitionException.class);
    }

    @Test
    void theBrokerShowsEddysDefaultsReadOnlyAndRefusesChanges() throws Exception {
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");

        Config config = get(admin.describeConfigs(List.of(broker)).all()).get(broker);

        assertThat(config.get("num.partitions").value()).isEqualTo("1");
        assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false");
        assertThat(config.get("log.retention.ms").value()).isEqualTo(Long.toString(TopicConfig.DEFAULT_RETENTION_MS));
        assertThat(config.entries()).allSatisfy(e -> assertThat(e.isReadOnly()).isTrue());
        assertFails(
                admin.incrementalAlterConfigs(Map.of(
                                broker, List.of(new AlterConfigOp(new ConfigEntry("num.partitions", "3"), OpType.SET))))
                        .all(),
                InvalidRequestException.class);
        // the Admin client sends broker 7's request to broker 7, which no one is: ask this instance directly
        try (KafkaWire wire = new KafkaWire(eddy.port())) {
            DescribeConfigsResponse other = wire.send(
                    new DescribeConfigsRequest.Builder(new DescribeConfigsRequestData()
                            .setResources(List.of(new DescribeConfigsRequestData.DescribeConfigsResource()
                                    .setResourceType(ConfigResource.Type.BROKER.id())
                                    .setResourceName("7")))),
                    ApiKeys.DESCRIBE_CONFIGS.latestVersion(),
                    DescribeConfigsResponse.class);
            assertThat(other.data().results())
                    .singleElement()
                    .satisfies(r -> assertThat(r.errorCode()).isEqualTo(Errors.INVALID_REQUEST.code()));
        }
    }

    @Test
    void incrementalAlterSetsDeletesAppendsAndSubtractsAsCoreThenHoldsIt() throws Exception {
        create("altered", Map.of("retention.ms", 60_000));
        ConfigResource topic = topic("altered");

        get(admin.incrementalAlterConfigs(Map.of(
                        topic,
                        List.of(
                                op("retention.bytes", "1000000", OpType.SET),
                                op("retention.ms", null, OpType.DELETE),
                                op("cleanup.policy", "compact", OpType.SET))))
                .all());

        TopicConfig stored = stored("altered");
        assertThat(stored.retentionBytes()).isEqualTo(1_000_000);
        assertThat(stored.retentionMs()).isEqualTo(TopicConfig.DEFAULT_RETENTION_MS);
        assertThat(get(admin.describeConfigs(List.of(topic)).all())
                        .get(topic)
                        .get("retention.bytes")
                        .value())
                .isEqualTo("1000000");
    }

    @Test
    void incrementalAlterAppendsToAListConfig() throws Exception {
        create("appended", Map.of());
        ConfigResource topic = topic("appended");

        get(admin.incrementalAlterConfigs(Map.of(topic, List.of(op("cleanup.policy", "compact", OpType.SET))))
                .all());
        get(admin.incrementalAlterConfigs(Map.of(topic, List.of(op("cleanup.policy", "compact", OpType.APPEND))))
                .all());

        assertThat(stored("appended").cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
    }

    @Test
    void incrementalAlterErrorsAreAnsweredPerResourceAndChangeNothing() throws Exception {
        create("kept", Map.of("retention.ms", 60_000));
        ConfigResource topic = topic("kept");

        assertFails(alter(topic, op("retention.ms", "1", OpType.APPEND)).all(), InvalidConfigurationException.class);
        assertFails(alter(topic, op("segment.ms", "1", OpType.SET)).all(), InvalidConfigurationException.class);
        assertFails(alter(topic, op("retention.ms", "soon", OpType.SET)).all(), InvalidConfigurationException.class);
        assertFails(
                alter(topic, op("cleanup.policy", "compact", OpType.APPEND)).all(),
                InvalidConfigurationException.class);
        assertFails(
                alter(topic("missing"), op("retention.ms", "1", OpType.SET)).all(),
                UnknownTopicOrPartitionException.class);
        get(admin.incrementalAlterConfigs(
                        Map.of(topic, List.of(op("retention.ms", "1", OpType.SET))),
                        new AlterConfigsOptions().validateOnly(true))
                .all());

        assertThat(stored("kept").retentionMs()).isEqualTo(60_000);
    }

    @Test
    void alterConfigsReplacesEveryConfigButTheBucketsAtEveryVersion() throws Exception {
        // Kafka 4's Admin no longer sends AlterConfigs (deprecated); older clients and tools still do
        for (short version = ApiKeys.ALTER_CONFIGS.oldestVersion();
                version <= ApiKeys.ALTER_CONFIGS.latestVersion();
                version++) {
            String name = "replaced-v" + version;
            create(name, Map.of("retention.ms", 60_000, "cleanup.policy", "compact"));
            try (KafkaWire wire = new KafkaWire(eddy.port())) {
                assertThat(alterConfigs(wire, version, name, "retention.bytes", "5000", false))
                        .isEqualTo(Errors.NONE);
                assertThat(alterConfigs(wire, version, name, "flush.ms", "1", false))
                        .isEqualTo(Errors.INVALID_CONFIG);
                assertThat(alterConfigs(wire, version, name, "retention.bytes", "1", true))
                        .isEqualTo(Errors.NONE);
                assertThat(alterConfigs(wire, version, "missing", "retention.bytes", "1", false))
                        .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION);
            }

            TopicConfig stored = stored(name);
            assertThat(stored.retentionBytes()).isEqualTo(5000);
            assertThat(stored.retentionMs()).isEqualTo(TopicConfig.DEFAULT_RETENTION_MS);
            assertThat(stored.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
            assertThat(stored.replicas()).containsExactly(eddy.core().bucket());
        }
    }

    private static Errors alterConfigs(
            KafkaWire wire, short version, String topic, String name, String value, boolean validateOnly)
            throws Exception {
        AlterConfigsRequest.Builder request = new AlterConfigsRequest.Builder(
                Map.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry(name, value)))),
                validateOnly);
        AlterConfigsResponse response = wire.send(request, version, AlterConfigsResponse.class);
        assertThat(response.data().responses())
                .singleElement()
                .satisfies(r -> assertThat(r.resourceName()).isEqualTo(topic));
        return Errors.forCode(response.data().responses().get(0).errorCode());
    }

    private org.apache.kafka.clients.admin.AlterConfigsResult alter(ConfigResource resource, AlterConfigOp op) {
        return admin.incrementalAlterConfigs(Map.of(resource, (Collection<AlterConfigOp>) List.of(op)));
    }

    private static AlterConfigOp op(String name, String value, OpType type) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    private static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }

    private void create(String name, Map<String, ?> config) {
        eddy.topics().create(name, 1, config).await().atMost(KafkaFrontEnd.AWAIT);
    }

    private TopicConfig stored(String name) {
        return eddy.topics().require(name).await().atMost(KafkaFrontEnd.AWAIT).config();
    }
}
