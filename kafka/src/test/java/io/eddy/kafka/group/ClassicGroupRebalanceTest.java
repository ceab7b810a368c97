package io.eddy.kafka.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.group.GroupService;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KafkaConsumers with {@code group.protocol=classic} and each of Kafka's client-side assignors: one, then two, then
 * three consumers share a topic's partitions, each partition owned by exactly one consumer per generation; a
 * consumer that closes gives its partitions to the others; Eddy's own description shows the members.
 */
@ExtendWith(EddyStackExtension.class)
class ClassicGroupRebalanceTest {
    private static final Duration REBALANCE = Duration.ofSeconds(60);
    private static final int PARTITIONS = 6;
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

    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, RoundRobinAssignor.class, CooperativeStickyAssignor.class})
    void consumersJoiningAndLeavingShareThePartitionsWithNoneOwnedTwiceInAGeneration(Class<?> assignor)
            throws Exception {
        // given: a topic whose offsets the group has committed (so consumers need no offset reset)
        String topic = "rebalance-" + UUID.randomUUID();
        String group = "classic-" + assignor.getSimpleName() + "-" + UUID.randomUUID();
        eddy.topics().create(topic, PARTITIONS, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            start.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
        }
        admin.alterConsumerGroupOffsets(group, start).all().get(30, TimeUnit.SECONDS);
        List<GroupConsumer> consumers = new ArrayList<>();
        try {
            // when: one consumer, then a second, then a third
            for (int n = 1; n <= 3; n++) {
                consumers.add(new GroupConsumer(
                        "c" + n, eddy.bootstrapServers(), group, topic, assignor.getName(), Map.of()));
                int expected = n;
                Eventually.within(REBALANCE, () -> assertBalanced(consumers, expected));
            }
            // then: Eddy's description shows the three members and who owns what
            GroupService.GroupDescription described =
                    eddy.core().groups().describe(group).await().atMost(KafkaFrontEnd.AWAIT);
            assertThat(described.members()).hasSize(3);
            assertThat(described.partitions())
                    .allSatisfy(p -> assertThat(p.owner()).isPresent());

            // when: the first consumer closes (it leaves the group)
            GroupConsumer leaving = consumers.remove(0);
            leaving.close();

            // then: its partitions move to the other two
            Eventually.within(REBALANCE, () -> assertBalanced(consumers, 2));
            assertNoPartitionOwnedTwiceInAGeneration(consumers, leaving);
            consumers.forEach(c -> assertThat(c.failures()).isEmpty());
        } finally {
            consumers.forEach(GroupConsumer::close);
        }
    }

    /** Every partition owned by exactly one of {@code consumers}, all at one generation, each owning some. */
    private static void assertBalanced(List<GroupConsumer> consumers, int expected) {
        assertThat(consumers).hasSize(expected);
        Set<Integer> generations = new HashSet<>();
        List<Integer> all = new ArrayList<>();
        for (GroupConsumer c : consumers) {
            generations.add(c.generation());
            all.addAll(c.ownedPartitions());
            assertThat(c.ownedPartitions()).as(c.name() + "'s partitions").isNotEmpty();
        }
        assertThat(generations).as("generations").hasSize(1);
        assertThat(all).as("owned partitions").containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    private static void assertNoPartitionOwnedTwiceInAGeneration(List<GroupConsumer> consumers, GroupConsumer gone) {
        Map<Integer, Map<TopicPartition, String>> owners = new HashMap<>();
        List<GroupConsumer> everyone = new ArrayList<>(consumers);
        everyone.add(gone);
        for (GroupConsumer c : everyone) {
            for (GroupConsumer.Owned o : c.history()) {
                Map<TopicPartition, String> byPartition = owners.computeIfAbsent(o.generation(), g -> new HashMap<>());
                for (TopicPartition tp : o.partitions()) {
                    String previous = byPartition.putIfAbsent(tp, o.consumer());
                    assertThat(previous == null || previous.equals(o.consumer()))
                            .as(tp + " owned by " + previous + " and " + o.consumer() + " in generation "
                                    + o.generation())
                            .isTrue();
                }
            }
        }
        assertThat(new TreeSet<>(owners.keySet())).isNotEmpty();
    }
}
