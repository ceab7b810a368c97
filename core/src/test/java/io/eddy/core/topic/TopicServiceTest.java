package io.eddy.core.topic;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicConfig;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EddyStackExtension.class)
class TopicServiceTest {
    private static CoreInstance eddy;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = CoreInstance.on(stack).start().ensureResources();
    }

    @AfterAll
    static void stop() {
        eddy.close();
    }

    /** Counts topic reads that reach the store. */
    static final class CountingStore extends io.eddy.core.fixtures.ForwardingMetadataStore {
        final java.util.concurrent.atomic.AtomicInteger topicReads = new java.util.concurrent.atomic.AtomicInteger();

        CountingStore(io.eddy.core.storage.MetadataStore delegate) {
            super(delegate);
        }

        @Override
        public io.smallrye.mutiny.Uni<java.util.Optional<Topic>> topic(String name) {
            topicReads.incrementAndGet();
            return delegate.topic(name);
        }
    }

    @Test
    void lookupsReuseAFoundTopicButNeverAMissingOneAndADeleteForgetsIt() {
        CountingStore store = new CountingStore(eddy.metadata());
        TopicService cached =
                new TopicService(store, "eddy-data", java.time.Clock.systemUTC(), java.time.Duration.ofMinutes(1));
        String name = "cached-" + UUID.randomUUID();

        assertThatThrownBy(() -> await(cached.require(name)))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
        await(cached.create(name, 2, Map.of()));
        Topic first = await(cached.require(name));
        Topic again = await(cached.require(name));
        assertThat(again).isEqualTo(first);
        assertThat(store.topicReads).as("missing once, found once, then reused").hasValue(2);

        await(cached.delete(name));
        assertThatThrownBy(() -> await(cached.require(name)))
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TOPIC));
    }

    @Test
    void createdTopicHasItsPartitionsAndDefaultsOnTheConfiguredBucket() {
        String name = "orders-" + UUID.randomUUID();

        Topic topic = await(eddy.topics().create(name, 6, Map.of("retention.ms", 3_600_000)));

        assertThat(topic.partitions()).isEqualTo(6);
        assertThat(topic.config())
                .isEqualTo(new TopicConfig(
                        3_600_000,
                        -1,
                        CleanupPolicy.DELETE,
                        TopicConfig.DEFAULT_MAX_MESSAGE_BYTES,
                        List.of(eddy.bucket())));
        assertThat(await(eddy.topics().require(name))).isEqualTo(topic);
        assertThat(await(eddy.topics().list())).contains(topic);
    }

    @Test
    void topicsGetDistinctIdsEvenUnderOneName() {
        String name = "reused-" + UUID.randomUUID();
        Topic first = await(eddy.topics().create(name, 1, Map.of()));
        await(eddy.topics().delete(name));

        Topic second = await(eddy.topics().create(name, 1, Map.of()));

        assertThat(second.id()).isNotEqualTo(first.id());
    }

    @Test
    void partitionsOutOfRangeAreInvalidPartitions() {
        assertCode(
                () -> await(eddy.topics().create("p0-" + UUID.randomUUID(), 0, Map.of())),
                ErrorCode.INVALID_PARTITIONS);
        assertCode(
                () -> await(eddy.topics().create("p-" + UUID.randomUUID(), 10_001, Map.of())),
                ErrorCode.INVALID_PARTITIONS);
        assertThat(await(eddy.topics().create("p10k-" + UUID.randomUUID(), 10_000, Map.of()))
                        .partitions())
                .isEqualTo(10_000);
    }

    @Test
    void badNameOrConfigCreatesNothing() {
        String name = "bad-config-" + UUID.randomUUID();

        assertCode(() -> await(eddy.topics().create("a/b", 1, Map.of())), ErrorCode.INVALID_TOPIC_NAME);
        assertCode(
                () -> await(eddy.topics().create(name, 1, Map.of("retention.ms", "soon"))), ErrorCode.INVALID_CONFIG);
        assertCode(() -> await(eddy.topics().require(name)), ErrorCode.UNKNOWN_TOPIC);
    }

    @Test
    void duplicateCreateIsTopicAlreadyExists() {
        String name = "twice-" + UUID.randomUUID();
        await(eddy.topics().create(name, 1, Map.of()));

        assertCode(() -> await(eddy.topics().create(name, 2, Map.of())), ErrorCode.TOPIC_ALREADY_EXISTS);
    }

    @Test
    void deleteOfAnUnknownTopicIsUnknownTopic() {
        assertCode(() -> await(eddy.topics().delete("never-" + UUID.randomUUID())), ErrorCode.UNKNOWN_TOPIC);
    }

    @Test
    void checkPartitionAcceptsExactlyTheTopicsPartitions() {
        Topic topic = await(eddy.topics().create("check-" + UUID.randomUUID(), 3, Map.of()));

        TopicService.checkPartition(topic, 0);
        TopicService.checkPartition(topic, 2);
        assertCode(() -> TopicService.checkPartition(topic, 3), ErrorCode.UNKNOWN_PARTITION);
        assertCode(() -> TopicService.checkPartition(topic, -1), ErrorCode.UNKNOWN_PARTITION);
    }

    @Test
    void aTopicMayNameOnlyTheDeploymentsBucketsInItsReplicas() {
        String name = "foreign-" + UUID.randomUUID();
        String foreign = "another-tenants-bucket";

        assertCode(
                () -> await(eddy.topics().create(name, 1, Map.of("replicas", List.of(eddy.bucket(), foreign)))),
                ErrorCode.INVALID_CONFIG);
        assertCode(() -> await(eddy.topics().require(name)), ErrorCode.UNKNOWN_TOPIC);

        await(eddy.topics().create(name, 1, Map.of("replicas", List.of(eddy.bucket()))));
        assertCode(
                () -> await(
                        eddy.topics().alter(name, java.util.Optional.empty(), Map.of("replicas", List.of(foreign)))),
                ErrorCode.INVALID_CONFIG);
        assertThat(await(eddy.topics().require(name)).config().replicas()).containsExactly(eddy.bucket());
    }

    @Test
    void validatingACreateChecksItAsCreateDoesAndStoresNothing() {
        String name = "dry-run-" + UUID.randomUUID();

        Topic planned = await(eddy.topics().validateCreate(name, 4, Map.of("cleanup.policy", "compact")));

        assertThat(planned.partitions()).isEqualTo(4);
        assertThat(planned.config()).isEqualTo(eddy.topics().defaults().with(Map.of("cleanup.policy", "compact")));
        assertCode(() -> await(eddy.topics().require(name)), ErrorCode.UNKNOWN_TOPIC);
        assertCode(() -> await(eddy.topics().validateCreate(name, 0, Map.of())), ErrorCode.INVALID_PARTITIONS);
        assertCode(
                () -> await(eddy.topics().validateCreate(name, 1, Map.of("segment.bytes", "1"))),
                ErrorCode.INVALID_CONFIG);
        await(eddy.topics().create(name, 1, Map.of()));
        assertCode(() -> await(eddy.topics().validateCreate(name, 1, Map.of())), ErrorCode.TOPIC_ALREADY_EXISTS);
    }

    @Test
    void validatingAnAlterChecksItAsAlterDoesAndChangesNothing() {
        String name = "dry-alter-" + UUID.randomUUID();
        Topic before = await(eddy.topics().create(name, 2, Map.of()));

        Topic planned =
                await(eddy.topics().validateAlter(name, java.util.Optional.of(5), Map.of("retention.ms", "60000")));

        assertThat(planned.partitions()).isEqualTo(5);
        assertThat(planned.config().retentionMs()).isEqualTo(60_000);
        assertThat(await(eddy.topics().require(name))).isEqualTo(before);
        assertCode(
                () -> await(eddy.topics().validateAlter(name, java.util.Optional.of(1), Map.of())),
                ErrorCode.INVALID_PARTITIONS);
        assertCode(
                () -> await(
                        eddy.topics().validateAlter("gone-" + UUID.randomUUID(), java.util.Optional.empty(), Map.of())),
                ErrorCode.UNKNOWN_TOPIC);
    }

    @Test
    void defaultsAreKafkasOnTheDeploymentsBucket() {
        assertThat(eddy.topics().defaults()).isEqualTo(TopicConfig.defaults(eddy.bucket()));
    }

    private static void assertCode(ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        EddyException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
