package io.eddy.kafka.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.kafka.KafkaFrontEnd;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kafka's Admin client and {@code kafka-consumer-groups} (ConsumerGroupCommand, in-process) on groups of KIP-848
 * consumers: list, describe with members and assignments, delete only once empty.
 */
@ExtendWith(EddyStackExtension.class)
class GroupAdminTest {
    static final Duration WAIT = Duration.ofSeconds(60);

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
    void adminListsDescribesAndDeletesAConsumerGroupOnlyOnceItIsEmpty() throws Exception {
        String topic = topic(4);
        String group = "admin-" + UUID.randomUUID();
        Ownership ownership = new Ownership();
        PollingConsumer c1 =
                new PollingConsumer("c1", eddy.bootstrapServers(), group, List.of(topic), ownership, Map.of());
        PollingConsumer c2 =
                new PollingConsumer("c2", eddy.bootstrapServers(), group, List.of(topic), ownership, Map.of());
        try {
            Eventually.await(
                    WAIT,
                    () -> "owned " + ownership.owned(),
                    () -> ownership.of("c1").size() == 2 && ownership.of("c2").size() == 2);
            Eventually.await(WAIT, () -> "group not stable", () -> state(group) == GroupState.STABLE);

            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group))
                    .describedGroups()
                    .get(group)
                    .get(30, TimeUnit.SECONDS);
            assertThat(described.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(described.partitionAssignor()).isEqualTo("uniform");
            assertThat(described.members()).hasSize(2);
            assertThat(described.members().stream()
                            .flatMap(m -> m.assignment().topicPartitions().stream())
                            .toList())
                    .hasSize(4)
                    .doesNotHaveDuplicates()
                    .allSatisfy(tp -> assertThat(tp.topic()).isEqualTo(topic));
            assertThat(described.members())
                    .extracting(MemberDescription::memberEpoch)
                    .allSatisfy(e ->
                            assertThat(e).hasValueSatisfying(v -> assertThat(v).isPositive()));

            GroupListing listed =
                    admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(30, TimeUnit.SECONDS).stream()
                            .filter(l -> l.groupId().equals(group))
                            .findFirst()
                            .orElseThrow();
            assertThat(listed.type()).contains(GroupType.CONSUMER);
            assertThat(listed.groupState()).contains(GroupState.STABLE);
            assertThat(listed.protocol()).isEqualTo("consumer");
            assertThat(admin.listGroups(new ListGroupsOptions().inGroupStates(Set.of(GroupState.EMPTY)))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .extracting(GroupListing::groupId)
                    .doesNotContain(group);

            assertThatThrownBy(() ->
                            admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(GroupNotEmptyException.class);
        } finally {
            c1.close();
            c2.close();
        }

        assertThat(state(group)).isEqualTo(GroupState.EMPTY);
        admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);

        assertThatThrownBy(() -> admin.describeConsumerGroups(List.of(group))
                        .describedGroups()
                        .get(group)
                        .get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
        assertThatThrownBy(
                        () -> admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
        assertThat(eddy.core().groups().list().await().atMost(KafkaFrontEnd.AWAIT))
                .extracting(g -> g.value())
                .doesNotContain(group);
    }

    @Test
    void kafkaConsumerGroupsListsDescribesMembersAndDeletes() throws Exception {
        String topic = topic(2);
        String group = "cli-" + UUID.randomUUID();
        Ownership ownership = new Ownership();
        PollingConsumer c1 =
                new PollingConsumer("cli-c1", eddy.bootstrapServers(), group, List.of(topic), ownership, Map.of());
        String members;
        String list;
        try {
            Eventually.await(
                    WAIT,
                    () -> "owned " + ownership.owned(),
                    () -> ownership.of("cli-c1").size() == 2);
            Eventually.await(WAIT, () -> "group not stable", () -> state(group) == GroupState.STABLE);

            list = run("--bootstrap-server", eddy.bootstrapServers(), "--list");
            members = run("--bootstrap-server", eddy.bootstrapServers(), "--describe", "--members", "--group", group);
        } finally {
            c1.close();
        }
        String delete = run("--bootstrap-server", eddy.bootstrapServers(), "--delete", "--group", group);

        assertThat(list.lines()).contains(group);
        assertThat(members).contains(group).contains("CONSUMER-ID").contains("#PARTITIONS");
        assertThat(members.lines().filter(l -> l.startsWith(group)).toList())
                .singleElement()
                .satisfies(line -> assertThat(line.trim().split("\\s+")).contains("2"));
        assertThat(delete).contains("Deletion of requested consumer groups ('" + group + "') was successful.");
        assertThat(eddy.core().groups().list().await().atMost(KafkaFrontEnd.AWAIT))
                .extracting(g -> g.value())
                .doesNotContain(group);
    }

    @Test
    void aClassicGroupIsListedAsClassicAndDescribedThroughDescribeGroups() throws Exception {
        String topic = topic(2);
        String group = "classic-" + UUID.randomUUID();
        Ownership ownership = new Ownership();
        PollingConsumer c1 = new PollingConsumer(
                "classic-c1",
                eddy.bootstrapServers(),
                group,
                List.of(topic),
                ownership,
                Map.of("group.protocol", "classic"));
        try {
            Eventually.await(
                    WAIT,
                    () -> "owned " + ownership.owned(),
                    () -> ownership.of("classic-c1").size() == 2);
            Eventually.await(WAIT, () -> "group not stable", () -> state(group) == GroupState.STABLE);

            ConsumerGroupDescription described = admin.describeConsumerGroups(List.of(group))
                    .describedGroups()
                    .get(group)
                    .get(30, TimeUnit.SECONDS);
            assertThat(described.type()).isEqualTo(GroupType.CLASSIC);
            assertThat(described.members()).singleElement().satisfies(m -> {
                assertThat(m.clientId()).isEqualTo("classic-c1");
                assertThat(m.assignment().topicPartitions()).hasSize(2);
            });
            GroupListing listed =
                    admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(30, TimeUnit.SECONDS).stream()
                            .filter(l -> l.groupId().equals(group))
                            .findFirst()
                            .orElseThrow();
            assertThat(listed.type()).contains(GroupType.CLASSIC);
            assertThat(listed.groupState()).contains(GroupState.STABLE);
            assertThatThrownBy(() ->
                            admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(GroupNotEmptyException.class);
        } finally {
            c1.close();
        }
        admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
    }

    /** Runs kafka-consumer-groups in this JVM; returns what it printed, failing if it exited non-zero. */
    private static String run(String... args) {
        AtomicInteger exit = new AtomicInteger(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        Exit.setExitProcedure((code, message) -> exit.compareAndSet(0, code));
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            ConsumerGroupCommand.main(args);
        } finally {
            System.setOut(stdout);
            Exit.resetExitProcedure();
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(exit)
                .as("exit code of %s; it printed:%n%s", List.of(args), printed)
                .hasValue(0);
        return printed;
    }

    private static GroupState state(String group) {
        try {
            return admin.describeConsumerGroups(List.of(group))
                    .describedGroups()
                    .get(group)
                    .get(30, TimeUnit.SECONDS)
                    .groupState();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String topic(int partitions) {
        String name = "t-" + UUID.randomUUID();
        eddy.topics().create(name, partitions, Map.of()).await().atMost(KafkaFrontEnd.AWAIT);
        return name;
    }
}
