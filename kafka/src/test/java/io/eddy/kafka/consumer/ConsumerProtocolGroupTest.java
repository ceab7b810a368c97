package io.eddy.kafka.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.group.GroupService.GroupDescription;
import io.eddy.core.group.MemberState;
import io.eddy.core.group.TopicPartition;
import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kafka-clients' {@code KafkaConsumer} with {@code group.protocol=consumer} (KIP-848) against the front end:
 * server-side assignment, revocation before reassignment, leaving, and the group as core sees it.
 */
@ExtendWith(EddyStackExtension.class)
class ConsumerProtocolGroupTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    private static KafkaFrontEnd eddy;
    private final List<PollingConsumer> consumers = new ArrayList<>();

    @BeforeAll
    static void start(EddyStack stack) {
        eddy = new KafkaFrontEnd(stack);
    }

    @AfterAll
    static void stop() {
        if (eddy != null) {
            eddy.close();
        }
    }

    @AfterEach
    void closeConsumers() throws InterruptedException {
        for (PollingConsumer c : consumers) {
            c.close();
        }
    }

    @Test
    void aConsumerIsAssignedEveryPartitionConsumesEveryRecordAndCoreDescribesTheGroup() throws Exception {
        String topic = topic(3);
        String group = "g-" + UUID.randomUUID();
        Ownership ownership = new Ownership();
        Set<String> produced = produce(topic, 30);

        PollingConsumer c1 = consumer("c1", group, topic, ownership);

        Eventually.await(
                WAIT,
                () -> "c1 owns " + ownership.of("c1") + ", failed: " + c1.failure(),
                () -> ownership.of("c1").size() == 3);
        GroupDescription described =
                eddy.core().groups().describe(group).await().atMost(KafkaFrontEnd.AWAIT);
        assertThat(described.state()).isEqualTo("stable");
        assertThat(described.members()).hasSize(1);
        MemberState member = described.members().get(0);
        assertThat(member.subscription().topics()).containsExactly(topic);
        assertThat(member.assigned())
                .containsExactly(
                        new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2));
        assertThat(described.group().assignor()).isEqualTo("cooperative-sticky");
        Eventually.await(
                WAIT,
                () -> c1.records().size() + " records read",
                () -> values(c1).containsAll(produced));

        consumers.remove(c1);
        c1.close(); // commits what it read, then leaves

        GroupDescription after = eddy.core().groups().describe(group).await().atMost(KafkaFrontEnd.AWAIT);
        assertThat(after.state()).isEqualTo("empty");
        assertThat(after.partitions())
                .hasSize(3)
                .allSatisfy(p -> assertThat(p.lag()).contains(0L));
    }

    private static Set<String> values(PollingConsumer c) {
        return c.records().stream().map(r -> r.value()).collect(Collectors.toSet());
    }

    /** Produces {@code n} keyed records with kafka-clients' producer; returns their values. */
    static Set<String> produce(String topic, int n) throws Exception {
        Set<String> values = new java.util.HashSet<>();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", eddy.bootstrapServers(),
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName(),
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName()))) {
            for (int i = 0; i < n; i++) {
                String value = "v-" + i;
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, "k-" + i, value))
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
                values.add(value);
            }
        }
        return values;
    }

    @Test
    void oneToThreeConsumersShareThePartitionsAndOneLeavingHandsItsPartitionsOver() throws Exception {
        String topic = topic(6);
        String group = "g-" + UUID.randomUUID();
        Ownership ownership = new Ownership();
        Set<String> produced = produce(topic, 60);

        PollingConsumer c1 = consumer("c1", group, topic, ownership);
        Eventually.await(
                WAIT,
                () -> "c1 owns " + ownership.of("c1"),
                () -> ownership.of("c1").size() == 6);
        PollingConsumer c2 = consumer("c2", group, topic, ownership);
        PollingConsumer c3 = consumer("c3", group, topic, ownership);
        Eventually.await(
                WAIT,
                () -> shares(ownership) + " failures " + failures(),
                () -> ownership.owned() == 6
                        && ownership.of("c1").size() == 2
                        && ownership.of("c2").size() == 2
                        && ownership.of("c3").size() == 2);
        Set<org.apache.kafka.common.TopicPartition> leaving = ownership.of("c3");

        consumers.remove(c3);
        c3.close();

        Eventually.await(
                WAIT,
                () -> shares(ownership),
                () -> ownership.owned() == 6
                        && ownership.of("c1").size() == 3
                        && ownership.of("c2").size() == 3);
        Set<org.apache.kafka.common.TopicPartition> remaining = new java.util.HashSet<>(ownership.of("c1"));
        remaining.addAll(ownership.of("c2"));
        assertThat(remaining).containsAll(leaving);
        assertThat(ownership.violations()).isEmpty();
        assertThat(List.of(c1, c2)).allSatisfy(c -> assertThat(c.failure()).isNull());
        GroupDescription described =
                eddy.core().groups().describe(group).await().atMost(KafkaFrontEnd.AWAIT);
        assertThat(described.members()).hasSize(2);
    }

    @Test
    void theRangeAssignorIsUsedWhenAsked() {
        String topic = topic(2);
        String group = "g-" + UUID.randomUUID();
        Ownership ownership = new Ownership();

        consumer("c1", group, topic, ownership, Map.of("group.remote.assignor", "range"));

        Eventually.await(
                WAIT,
                () -> "c1 owns " + ownership.of("c1"),
                () -> ownership.of("c1").size() == 2);
        assertThat(eddy.core()
                        .groups()
                        .describe(group)
                        .await()
                        .atMost(KafkaFrontEnd.AWAIT)
                        .group()
                        .assignor())
                .isEqualTo("range");
    }

    private String shares(Ownership ownership) {
        return consumers.stream()
                .map(c -> c.name() + "=" + ownership.of(c.name()))
                .collect(Collectors.joining(", "));
    }

    private String failures() {
        return consumers.stream()
                .filter(c -> c.failure() != null)
                .map(c -> c.name() + ": " + c.failure())
                .collect(Collectors.joining(", "));
    }

    private PollingConsumer consumer(String name, String group, String topic, Ownership ownership) {
        return consumer(name, group, topic, ownership, Map.of());
    }

    private PollingConsumer consumer(
            String name, String group, String topic, Ownership ownership, Map<String, Object> overrides) {
        PollingConsumer c =
                new PollingConsumer(name, eddy.bootstrapServers(), group, List.of(topic), ownership, overrides);
        consumers.add(c);
        return c;
    }

    static String topic(int partitions) {
        String name = "t-" + UUID.randomUUID();
        eddy.topics().create(name, partitions, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        return name;
    }
}
