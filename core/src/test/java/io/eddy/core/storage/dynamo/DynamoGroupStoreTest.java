package io.eddy.core.storage.dynamo;

import static io.eddy.core.fixtures.CoreInstance.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.eddy.core.fixtures.CoreInstance;
import io.eddy.core.group.Assignment;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupState;
import io.eddy.core.group.MemberState;
import io.eddy.core.group.OffsetReset;
import io.eddy.core.group.Subscription;
import io.eddy.core.group.TopicPartition;
import io.eddy.core.support.RetryPolicy;
import io.eddy.testkit.EddyStack;
import io.eddy.testkit.EddyStackExtension;
import io.smallrye.mutiny.Uni;
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
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Members' items on DynamoDB Local: each state of a member's lifecycle is stored in the one layout and read back. */
@ExtendWith(EddyStackExtension.class)
class DynamoGroupStoreTest {
    private static final long NOW = 1_764_000_000_000L;
    private static CoreInstance instance;
    private static DynamoGroupStore store;

    @BeforeAll
    static void start(EddyStack stack) {
        instance = CoreInstance.on(stack).start().ensureResources();
        store = new DynamoGroupStore(instance.dynamo(), instance.table(), RetryPolicy.defaults());
    }

    @AfterAll
    static void stop() {
        instance.close();
    }

    @Test
    void everyMemberStateKeepsTheItemLayoutAndReadsBackAsItWas() {
        // given: a group with a member in each state
        GroupId group = new GroupId("layout-" + UUID.randomUUID());
        MemberState.Profile dynamic = new MemberState.Profile(
                "joining", Optional.empty(), Subscription.ofPattern("orders.*"), 45_000, 60_000, OffsetReset.LATEST);
        MemberState.Profile named = new MemberState.Profile(
                "stable",
                Optional.of("host-1"),
                Subscription.ofTopics(List.of("orders")),
                30_000,
                50_000,
                OffsetReset.EARLIEST);
        MemberState.Profile other = new MemberState.Profile(
                "revoking",
                Optional.empty(),
                Subscription.ofTopics(List.of("orders")),
                30_000,
                50_000,
                OffsetReset.NONE);
        MemberState joining = MemberState.join(dynamic).expiringAt(NOW + 45_000);
        MemberState stable =
                new MemberState.Stable(named, 4, new TreeSet<>(List.of(new TopicPartition("orders", 0))), NOW + 30_000);
        MemberState revoking = new MemberState.Revoking(
                other,
                3,
                new TreeSet<>(List.of(new TopicPartition("orders", 1), new TopicPartition("orders", 2))),
                NOW + 30_000,
                NOW + 50_000);
        TreeMap<String, MemberState> members =
                new TreeMap<>(Map.of("joining", joining, "stable", stable, "revoking", revoking));
        GroupState before = GroupState.empty(group);
        GroupState after = new GroupState(group, 1, 4, before.assignor(), Assignment.empty(), new TreeMap<>(), members);

        // when
        await(store.save(before, after));

        // then: the items are as they have always been written
        assertThat(item(group, "joining"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "memberEpoch",
                        n(0),
                        "pattern",
                        AttributeValue.fromS("orders.*"),
                        "sessionExpiresAt",
                        n(NOW + 45_000),
                        "revokeDeadline",
                        n(0),
                        "sessionTimeoutMs",
                        n(45_000),
                        "rebalanceTimeoutMs",
                        n(60_000),
                        "offsetReset",
                        AttributeValue.fromS("latest")));
        assertThat(item(group, "stable"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "instanceId",
                        AttributeValue.fromS("host-1"),
                        "memberEpoch",
                        n(4),
                        "topics",
                        AttributeValue.fromSs(List.of("orders")),
                        "assigned",
                        AttributeValue.fromSs(List.of("orders#0")),
                        "sessionExpiresAt",
                        n(NOW + 30_000),
                        "revokeDeadline",
                        n(0),
                        "sessionTimeoutMs",
                        n(30_000),
                        "rebalanceTimeoutMs",
                        n(50_000),
                        "offsetReset",
                        AttributeValue.fromS("earliest")));
        assertThat(item(group, "revoking"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "memberEpoch",
                        n(3),
                        "topics",
                        AttributeValue.fromSs(List.of("orders")),
                        "assigned",
                        AttributeValue.fromSs(List.of("orders#1", "orders#2")),
                        "sessionExpiresAt",
                        n(NOW + 30_000),
                        "revokeDeadline",
                        n(NOW + 50_000),
                        "sessionTimeoutMs",
                        n(30_000),
                        "rebalanceTimeoutMs",
                        n(50_000),
                        "offsetReset",
                        AttributeValue.fromS("none")));
        assertThat(await(store.load(group)).members()).isEqualTo(members);
    }

    private static Map<String, AttributeValue> item(GroupId group, String memberId) {
        Map<String, AttributeValue> item = new TreeMap<>(await(getItem(group, memberId)));
        item.remove(DynamoKeys.PK);
        item.remove(DynamoKeys.SK);
        return item;
    }

    private static Uni<Map<String, AttributeValue>> getItem(GroupId group, String memberId) {
        return Uni.createFrom()
                .completionStage(() -> instance.dynamo()
                        .getItem(b -> b.tableName(instance.table())
                                .consistentRead(true)
                                .key(Map.of(
                                        DynamoKeys.PK, AttributeValue.fromS(DynamoKeys.group(group.value())),
                                        DynamoKeys.SK, AttributeValue.fromS(DynamoKeys.member(memberId))))))
                .map(r -> r.item());
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
