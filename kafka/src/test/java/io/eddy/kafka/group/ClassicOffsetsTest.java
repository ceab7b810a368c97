package io.eddy.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.group.GroupService;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Committed offsets through Kafka's Admin client (OffsetCommit with generation -1, OffsetFetch, OffsetDelete) are
 * the group's offsets Eddy keeps: core's description shows what Admin wrote, and the reverse.
 */
@ExtendWith(EddyStackExtension.class)
class ClassicOffsetsTest {
    private static KafkaFrontEnd eddy;
    private static Admin admin;

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
        admin = eddy.admin();
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @Test
    void offsetsAlteredWithAdminAreListedByAdminAndDescribedByCore() throws Exception {
        // given
        String topic = topic(3);
        String group = "admin-" + UUID.randomUUID();

        // when
        admin.alterConsumerGroupOffsets(
                        group,
                        Map.of(
                                new TopicPartition(topic, 0), new OffsetAndMetadata(5, "five"),
                                new TopicPartition(topic, 2), new OffsetAndMetadata(7)))
                .all()
                .get(30, TimeUnit.SECONDS);

        // then
        Map<TopicPartition, OffsetAndMetadata> listed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        assertThat(listed).hasSize(2);
        assertThat(listed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(5);
        assertThat(listed.get(new TopicPartition(topic, 0)).metadata()).isEqualTo("five");
        assertThat(listed.get(new TopicPartition(topic, 2)).offset()).isEqualTo(7);
        GroupService.GroupDescription described =
                eddy.core().groups().describe(group).await().atMost(KafkaFrontEnd.AWAIT);
        List<String> committed = new ArrayList<>();
        described
                .partitions()
                .forEach(p ->
                        p.committed().ifPresent(c -> committed.add(p.partition().partition() + "=" + c.offset())));
        assertThat(committed).containsExactlyInAnyOrder("0=5", "2=7");
        assertThat(eddy.core().groups().list().await().atMost(KafkaFrontEnd.AWAIT))
                .extracting(g -> g.value())
                .contains(group);
    }

    @Test
    void offsetsResetThroughCoreAreWhatAdminLists() throws Exception {
        // given: offsets reset through core, as the HTTP API's offsets:reset does
        String topic = topic(2);
        String group = "reset-" + UUID.randomUUID();
        eddy.core()
                .groups()
                .reset(group, List.of(topic), new io.eddy.core.model.OffsetSpec.Earliest(), false, names -> {})
                .await()
                .atMost(KafkaFrontEnd.AWAIT);

        // when
        Map<TopicPartition, OffsetAndMetadata> listed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);

        // then
        assertThat(listed.keySet())
                .containsExactlyInAnyOrder(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
        assertThat(listed.values()).allSatisfy(o -> assertThat(o.offset()).isZero());
    }

    @Test
    void deletedOffsetsAreGoneAndAnUnknownGroupIsNotFound() throws Exception {
        // given
        String topic = topic(2);
        String group = "delete-" + UUID.randomUUID();
        admin.alterConsumerGroupOffsets(
                        group,
                        Map.of(
                                new TopicPartition(topic, 0), new OffsetAndMetadata(3),
                                new TopicPartition(topic, 1), new OffsetAndMetadata(4)))
                .all()
                .get(30, TimeUnit.SECONDS);

        // when
        admin.deleteConsumerGroupOffsets(group, Set.of(new TopicPartition(topic, 0)))
                .all()
                .get(30, TimeUnit.SECONDS);

        // then
        assertThat(admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS))
                .containsOnlyKeys(new TopicPartition(topic, 1));
        assertThatThrownBy(() -> admin.deleteConsumerGroupOffsets(
                                "no-such-group-" + UUID.randomUUID(), Set.of(new TopicPartition(topic, 0)))
                        .all()
                        .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
    }

    @Test
    void aGroupWithLiveMembersRefusesAdminCommitsAndKeepsItsSubscribedOffsets() throws Exception {
        // given: a consumer of the group, live
        String topic = topic(2);
        String group = "live-" + UUID.randomUUID();
        TopicPartition p0 = new TopicPartition(topic, 0);
        admin.alterConsumerGroupOffsets(
                        group,
                        Map.of(p0, new OffsetAndMetadata(0), new TopicPartition(topic, 1), new OffsetAndMetadata(0)))
                .all()
                .get(30, TimeUnit.SECONDS);
        try (GroupConsumer consumer = new GroupConsumer(
                "live",
                eddy.bootstrapServers(),
                group,
                topic,
                org.apache.kafka.clients.consumer.RangeAssignor.class.getName(),
                Map.of())) {
            Eventually.within(
                    java.time.Duration.ofSeconds(60),
                    () -> assertThat(consumer.owned()).hasSize(2));

            // then: an administrative commit is refused, as is deleting a subscribed topic's offsets
            assertThatThrownBy(() -> admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(9)))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(UnknownMemberIdException.class);
            assertThatThrownBy(() -> admin.deleteConsumerGroupOffsets(group, Set.of(p0))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(GroupSubscribedToTopicException.class);
            assertThatThrownBy(() -> eddy.core().groups().delete(group).await().atMost(KafkaFrontEnd.AWAIT))
                    .hasMessageContaining("live members");
        }
    }

    private static String topic(int partitions) {
        String name = "offsets-" + UUID.randomUUID();
        eddy.topics().create(name, partitions, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        return name;
    }
}
