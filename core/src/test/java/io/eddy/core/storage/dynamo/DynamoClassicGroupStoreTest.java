package io.eddy.core.storage.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.eddy.core.error.GroupConflictException;
import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.ClassicMember;
import io.eddy.core.group.ClassicProtocol;
import io.eddy.core.group.CommittedOffset;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupService;
import io.eddy.core.group.GroupState;
import io.eddy.core.group.TopicPartition;
import io.eddy.core.support.RetryPolicy;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A group's Kafka classic-protocol state beside its Eddy state on DynamoDB Local: read back as written, written
 * only over the version read, commits fenced by generation, and seen by core's describe and delete.
 */
@ExtendWith(EddyStackExtension.class)
class DynamoClassicGroupStoreTest {
    private static CoreInstance instance;
    private static DynamoGroupStore store;
    private static GroupService groups;

    @BeforeAll
    static void start(EddyStack stack) {
        instance = CoreInstance.on(stack).start().ensureResources();
        store = new DynamoGroupStore(instance.dynamo(), instance.table(), RetryPolicy.defaults());
        groups = instance.groups();
    }

    @AfterAll
    static void stop() {
        instance.close();
    }

    @Test
    void theClassicStateReadsBackAsWrittenAndOnlyOverTheVersionRead() {
        GroupId group = new GroupId("classic-" + UUID.randomUUID());
        ClassicGroup before = ClassicGroup.empty(group);
        ClassicGroup after = stable(group, "m1", Long.MAX_VALUE / 2).nextVersion();

        CoreInstance.await(store.saveClassic(before, after));
        ClassicGroup read = CoreInstance.await(store.loadClassic(group));

        assertThat(read.version()).isEqualTo(1);
        assertThat(read.generation()).isEqualTo(3);
        assertThat(read.phase()).isEqualTo(ClassicGroup.Phase.STABLE);
        assertThat(read.leader()).contains("m1");
        assertThat(read.protocolName()).contains("range");
        ClassicMember m = read.members().get("m1");
        assertThat(m.instanceId()).contains("host-1");
        assertThat(m.protocols()).hasSize(2);
        assertThat(m.metadata("range")).hasValueSatisfying(b -> assertThat(b).containsExactly(1, 2));
        assertThat(m.metadata("roundrobin"))
                .hasValueSatisfying(b -> assertThat(b).isEmpty());
        assertThat(m.assignment()).containsExactly(9);
        assertThat(m.topics()).containsExactly("orders");
        assertThat(m.assigned()).containsExactly(new TopicPartition("orders", 0), new TopicPartition("orders", 1));
        assertThatThrownBy(() -> CoreInstance.await(store.saveClassic(before, after)))
                .isInstanceOf(GroupConflictException.class);
    }

    @Test
    void commitsAreFencedByGenerationAndMemberAndTouchesExtendSessions() {
        GroupId group = new GroupId("classic-commit-" + UUID.randomUUID());
        ClassicGroup g = stable(group, "m1", Long.MAX_VALUE / 2).nextVersion();
        CoreInstance.await(store.saveClassic(ClassicGroup.empty(group), g));
        CommittedOffset offset = new CommittedOffset(new TopicPartition("orders", 0), 42, "", 3, 1);

        CoreInstance.await(store.commitClassic(group, "m1", 3, List.of(offset)));

        assertThatThrownBy(() -> CoreInstance.await(store.commitClassic(group, "m1", 2, List.of(offset))))
                .isInstanceOf(GroupConflictException.class);
        assertThatThrownBy(() -> CoreInstance.await(store.commitClassic(group, "ghost", 3, List.of(offset))))
                .isInstanceOf(GroupConflictException.class);
        assertThat(CoreInstance.await(store.offsets(group))
                        .get(offset.partition())
                        .offset())
                .isEqualTo(42);
        assertThat(CoreInstance.await(store.touchClassic(group, "m1", 3, 123_456)))
                .isTrue();
        assertThat(CoreInstance.await(store.touchClassic(group, "m1", 4, 123_456)))
                .isFalse();
        ClassicGroup touched = CoreInstance.await(store.loadClassic(group));
        assertThat(touched.members().get("m1").expiresAtMs()).isEqualTo(123_456);
        assertThat(touched.version()).isEqualTo(2);
        CoreInstance.await(store.deleteOffsets(group, List.of(offset.partition())));
        assertThat(CoreInstance.await(store.offsets(group))).isEmpty();
    }

    @Test
    void coreDescribesALiveClassicGroupAndRefusesToDeleteIt() {
        GroupId group = new GroupId("classic-describe-" + UUID.randomUUID());
        long now = instance.clock().millis();
        CoreInstance.await(groups.classic()
                .save(
                        ClassicGroup.empty(group),
                        stable(group, "m1", now + 60_000).nextVersion()));

        GroupService.GroupDescription d = CoreInstance.await(groups.describe(group.value()));

        assertThat(d.state()).isEqualTo("stable");
        assertThat(d.group().groupEpoch()).isEqualTo(3);
        assertThat(d.group().assignor()).isEqualTo("range");
        assertThat(d.members()).singleElement().satisfies(m -> {
            assertThat(m.memberId()).isEqualTo("m1");
            assertThat(m.assigned()).hasSize(2);
        });
        assertThat(CoreInstance.await(groups.list())).contains(group);
        assertThatThrownBy(() -> CoreInstance.await(groups.delete(group.value())))
                .hasMessageContaining("live members");
    }

    @Test
    void anAdministrativeCommitIsRefusedOnceTheClassicStateChanged() {
        GroupId group = new GroupId("classic-empty-" + UUID.randomUUID());
        CommittedOffset offset = new CommittedOffset(new TopicPartition("orders", 0), 1, "", -1, 1);
        GroupState eddy = GroupState.empty(group);
        CoreInstance.await(groups.classic().commitEmpty(eddy, ClassicGroup.empty(group), List.of(offset)));
        GroupState created = CoreInstance.await(store.load(group));
        CoreInstance.await(groups.classic()
                .save(
                        ClassicGroup.empty(group),
                        stable(group, "m1", Long.MAX_VALUE / 2).nextVersion()));

        assertThatThrownBy(() ->
                        CoreInstance.await(store.commitEmpty(created, ClassicGroup.empty(group), List.of(offset))))
                .isInstanceOf(GroupConflictException.class);
    }

    private static ClassicGroup stable(GroupId group, String memberId, long expiresAt) {
        ClassicMember member = new ClassicMember(
                memberId,
                Optional.of("host-1"),
                "client",
                "/127.0.0.1",
                10_000,
                30_000,
                List.of(
                        new ClassicProtocol("range", new byte[] {1, 2}),
                        new ClassicProtocol("roundrobin", new byte[0])),
                false,
                new byte[] {9},
                new TreeSet<>(List.of("orders")),
                new TreeSet<>(List.of(new TopicPartition("orders", 0), new TopicPartition("orders", 1))),
                expiresAt);
        return new ClassicGroup(
                group,
                0,
                3,
                ClassicGroup.Phase.STABLE,
                Optional.of("consumer"),
                Optional.of("range"),
                Optional.of(memberId),
                0,
                0,
                new TreeMap<>(Map.of(memberId, member)),
                new TreeMap<>(Map.of("pending-1", 99L)));
    }
}
