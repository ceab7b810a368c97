package io.eddy.kafka.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.Topic;
import io.eddy.kafka.KafkaFrontEnd;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** kafka-clients' Admin creates, grows and deletes topics; what it does is what core's TopicService holds. */
class AdminTopicsTest extends Admins {
    @Test
    void aTopicCreatedOverKafkaIsInTopicServiceWithItsConfigMappedToEddys() throws Exception {
        NewTopic orders = new NewTopic("orders", 3, (short) 1)
                .configs(
                        Map.of("retention.ms", "3600000", "cleanup.policy", "compact", "max.message.bytes", "2000000"));

        CreateTopicsResult result = admin.createTopics(List.of(orders));

        Uuid id = get(result.topicId("orders"));
        assertThat(get(result.numPartitions("orders"))).isEqualTo(3);
        assertThat(get(result.replicationFactor("orders"))).isEqualTo(1);
        assertThat(get(result.config("orders")).get("retention.ms").value()).isEqualTo("3600000");
        Topic stored = eddy.topics().require("orders").await().atMost(KafkaFrontEnd.AWAIT);
        assertThat(stored.partitions()).isEqualTo(3);
        assertThat(new Uuid(stored.id().getMostSignificantBits(), stored.id().getLeastSignificantBits()))
                .isEqualTo(id);
        assertThat(stored.config().retentionMs()).isEqualTo(3_600_000);
        assertThat(stored.config().cleanupPolicy()).isEqualTo(CleanupPolicy.COMPACT);
        assertThat(stored.config().maxMessageBytes()).isEqualTo(2_000_000);
    }

    @Test
    void defaultPartitionsAreOneAndAnyReplicationFactorIsAccepted() throws Exception {
        get(admin.createTopics(List.of(
                        new NewTopic("defaults", Optional.empty(), Optional.empty()),
                        new NewTopic("factor-three", 2, (short) 3)))
                .all());

        assertThat(partitions("defaults")).isEqualTo(1);
        assertThat(partitions("factor-three")).isEqualTo(2);
    }

    @Test
    void aManualAssignmentOnThisBrokerCreatesOnePartitionPerEntry() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("assigned", Map.of(0, List.of(0), 1, List.of(0)))))
                .all());

        assertThat(partitions("assigned")).isEqualTo(2);
    }

    @Test
    void eachTopicOfACreateIsAnsweredWithItsOwnError() {
        eddy.topics().create("taken", 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);

        CreateTopicsResult result = admin.createTopics(List.of(
                new NewTopic("taken", 1, (short) 1),
                new NewTopic("bad/name", 1, (short) 1),
                new NewTopic("zero-partitions", 0, (short) 1),
                new NewTopic("too-many-partitions", 20_000, (short) 1),
                new NewTopic("zero-factor", 1, (short) 0),
                new NewTopic("unknown-config", 1, (short) 1).configs(Map.of("segment.bytes", "1048576")),
                new NewTopic("bad-value", 1, (short) 1).configs(Map.of("retention.ms", "soon")),
                new NewTopic("elsewhere", Map.of(0, List.of(7))),
                new NewTopic("fine", 1, (short) 1)));

        assertFails(result.values().get("taken"), TopicExistsException.class);
        assertFails(result.values().get("bad/name"), InvalidTopicException.class);
        assertFails(result.values().get("zero-partitions"), InvalidPartitionsException.class);
        assertFails(result.values().get("too-many-partitions"), PolicyViolationException.class);
        assertFails(result.values().get("zero-factor"), InvalidReplicationFactorException.class);
        assertFails(result.values().get("unknown-config"), InvalidConfigurationException.class);
        assertFails(result.values().get("bad-value"), InvalidConfigurationException.class);
        assertFails(result.values().get("elsewhere"), InvalidReplicaAssignmentException.class);
        assertThat(result.values().get("fine")).succeedsWithin(java.time.Duration.ofSeconds(30));
        for (String failed : List.of("zero-partitions", "unknown-config", "bad-value", "elsewhere")) {
            assertUnknown(failed);
        }
    }

    @Test
    void validateOnlyChecksEverythingAndCreatesNothing() throws Exception {
        CreateTopicsOptions dryRun = new CreateTopicsOptions().validateOnly(true);
        eddy.topics().create("existing", 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);

        CreateTopicsResult ok = admin.createTopics(List.of(new NewTopic("dry-run", 4, (short) 1)), dryRun);
        CreateTopicsResult exists = admin.createTopics(List.of(new NewTopic("existing", 1, (short) 1)), dryRun);

        get(ok.all());
        assertThat(get(ok.numPartitions("dry-run"))).isEqualTo(4);
        assertUnknown("dry-run");
        assertFails(exists.all(), TopicExistsException.class);
    }

    @Test
    void deleteByNameAndById() throws Exception {
        Topic byName =
                eddy.topics().create("delete-by-name", 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        Topic byId = eddy.topics().create("delete-by-id", 1, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);

        get(admin.deleteTopics(
                        TopicCollection.ofTopicNames(List.of(byName.name().value())))
                .all());
        get(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(
                        new Uuid(byId.id().getMostSignificantBits(), byId.id().getLeastSignificantBits()))))
                .all());

        assertUnknown("delete-by-name");
        assertUnknown("delete-by-id");
    }

    @Test
    void deletingAnUnknownNameOrIdFailsWithKafkasErrors() {
        assertFails(
                admin.deleteTopics(TopicCollection.ofTopicNames(List.of("never-was")))
                        .all(),
                UnknownTopicOrPartitionException.class);
        assertFails(
                admin.deleteTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid())))
                        .all(),
                UnknownTopicIdException.class);
    }

    @Test
    void partitionsGrowAndNeverShrink() throws Exception {
        eddy.topics().create("growing", 2, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);

        assertFails(
                admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(2)))
                        .all(),
                InvalidPartitionsException.class);
        assertFails(
                admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(1)))
                        .all(),
                InvalidPartitionsException.class);
        get(admin.createPartitions(
                        Map.of("growing", NewPartitions.increaseTo(9)),
                        new CreatePartitionsOptions().validateOnly(true))
                .all());
        assertThat(partitions("growing")).isEqualTo(2);
        assertFails(
                admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3, List.of(List.of(5)))))
                        .all(),
                InvalidReplicaAssignmentException.class);
        assertFails(
                admin.createPartitions(Map.of("no-such-topic", NewPartitions.increaseTo(3)))
                        .all(),
                UnknownTopicOrPartitionException.class);

        get(admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(6)))
                .all());

        assertThat(partitions("growing")).isEqualTo(6);
    }

    private int partitions(String topic) {
        return eddy.topics().require(topic).await().atMost(KafkaFrontEnd.AWAIT).partitions();
    }

    private void assertUnknown(String topic) {
        assertThatThrownBy(() -> eddy.topics().require(topic).await().atMost(KafkaFrontEnd.AWAIT))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
    }
}
