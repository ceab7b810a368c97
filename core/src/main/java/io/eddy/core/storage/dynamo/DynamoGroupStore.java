package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;
import static io.eddy.core.storage.dynamo.DynamoValues.n;
import static io.eddy.core.storage.dynamo.DynamoValues.s;

import io.eddy.core.error.GroupConflictException;
import io.eddy.core.group.Assignment;
import io.eddy.core.group.ClassicGroup;
import io.eddy.core.group.CommittedOffset;
import io.eddy.core.group.GroupId;
import io.eddy.core.group.GroupState;
import io.eddy.core.group.GroupStore;
import io.eddy.core.group.MemberState;
import io.eddy.core.group.OffsetReset;
import io.eddy.core.group.Subscription;
import io.eddy.core.group.TopicPartition;
import io.eddy.core.storage.SdkCalls;
import io.eddy.core.support.RetryPolicy;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link GroupStore} on the Eddy table (keys in {@link DynamoKeys}): {@code G#<group>/META} holds the version,
 * epoch, assignor, target assignment and subscribed partition counts; {@code M#<member>} each member;
 * {@code C#<topic>#<p>} each committed offset; a {@code GROUPS/<group>} row lists the group. Partitions are
 * stored as string sets of {@code <topic>#<p>} (topic names cannot hold '#'), so a commit can check
 * {@code contains(assigned, …)} in its condition. Thread-safe.
 */
public final class DynamoGroupStore implements GroupStore {
    private static final String VERSION = "version";
    private static final String GROUP_EPOCH = "groupEpoch";
    private static final String ASSIGNOR = "assignor";
    private static final String TARGET = "target";
    private static final String COUNTS = "partitionCounts";
    private static final String INSTANCE_ID = "instanceId";
    private static final String MEMBER_EPOCH = "memberEpoch";
    private static final String TOPICS = "topics";
    private static final String PATTERN = "pattern";
    private static final String ASSIGNED = "assigned";
    /** Milliseconds, and not the table's TTL attribute ({@code expiresAt}, seconds): TTL must never remove a live member. */
    private static final String SESSION_EXPIRES_AT = "sessionExpiresAt";
    /** Milliseconds while the member is revoking, else {@link #NO_REVOKE_DEADLINE} (so conditions can test it). */
    private static final String REVOKE_DEADLINE = "revokeDeadline";

    private static final long NO_REVOKE_DEADLINE = 0;
    private static final String SESSION_TIMEOUT = "sessionTimeoutMs";
    private static final String REBALANCE_TIMEOUT = "rebalanceTimeoutMs";
    private static final String OFFSET_RESET = "offsetReset";
    private static final String OFFSET = "offset";
    private static final String METADATA = "metadata";
    private static final String COMMITTED_AT = "committedAt";
    private static final int MAX_TRANSACTION_ITEMS = 100;

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final RetryPolicy retry;
    private final DynamoBatches reads;

    public DynamoGroupStore(DynamoDbAsyncClient dynamo, String table, RetryPolicy retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
        this.reads = new DynamoBatches(dynamo, table, retry);
    }

    @Override
    public Uni<GroupState> load(GroupId group) {
        // "M#…" sorts before "META": one query returns the group item and every member
        return reads.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                        .expressionAttributeValues(Map.of(
                                ":pk",
                                s(DynamoKeys.group(group.value())),
                                ":lo",
                                s(DynamoKeys.MEMBER_PREFIX),
                                ":hi",
                                s(DynamoKeys.META)))
                        .build())
                .map(items -> toState(group, items));
    }

    @Override
    public Uni<Void> save(GroupState before, GroupState after) {
        if (after.version() != before.version() + 1) {
            throw new IllegalArgumentException(
                    "a save writes the next version: " + before.version() + " → " + after.version());
        }
        List<TransactWriteItem> items = new ArrayList<>();
        Put.Builder meta = Put.builder().tableName(table).item(metaItem(after));
        if (before.exists()) {
            meta.conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(before.version())));
        } else {
            meta.conditionExpression("attribute_not_exists(pk)");
            items.add(TransactWriteItem.builder()
                    .put(Put.builder()
                            .tableName(table)
                            .item(Map.of(
                                    PK,
                                    s(DynamoKeys.GROUP_DIRECTORY),
                                    SK,
                                    s(after.groupId().value())))
                            .build())
                    .build());
        }
        items.add(TransactWriteItem.builder().put(meta.build()).build());
        after.members().forEach((id, m) -> {
            if (!m.equals(before.members().get(id))) {
                items.add(TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(memberItem(after.groupId(), m))
                                .build())
                        .build());
            }
        });
        before.members().forEach((id, m) -> {
            if (!after.members().containsKey(id)) {
                // only as read: a member that extended its session meanwhile is not removed
                items.add(TransactWriteItem.builder()
                        .delete(Delete.builder()
                                .tableName(table)
                                .key(key(DynamoKeys.group(before.groupId().value()), DynamoKeys.member(id)))
                                .conditionExpression("sessionExpiresAt = :e")
                                .expressionAttributeValues(Map.of(":e", n(m.expiresAtMs())))
                                .build())
                        .build());
            }
        });
        if (items.size() > MAX_TRANSACTION_ITEMS) {
            throw new IllegalStateException(
                    "a group change of " + items.size() + " items does not fit one transaction");
        }
        return transact(items, "group " + after.groupId() + " changed since it was read");
    }

    @Override
    public Uni<Boolean> refresh(GroupId group, MemberState member, long nowMs) {
        return call(() -> dynamo.updateItem(b -> b.tableName(table)
                        .key(key(DynamoKeys.group(group.value()), DynamoKeys.member(member.memberId())))
                        .updateExpression("SET sessionExpiresAt = :exp")
                        .conditionExpression(
                                "memberEpoch = :e AND sessionExpiresAt >= :now AND (revokeDeadline = :zero OR "
                                        + "revokeDeadline >= :now)")
                        .expressionAttributeValues(Map.of(
                                ":exp",
                                n(member.expiresAtMs()),
                                ":e",
                                n(member.memberEpoch()),
                                ":now",
                                n(nowMs),
                                ":zero",
                                n(NO_REVOKE_DEADLINE)))))
                .replaceWith(true)
                .onFailure(ConditionalCheckFailedException.class)
                .recoverWithItem(false);
    }

    @Override
    public Uni<Void> commit(
            GroupId group, String memberId, long memberEpoch, long nowMs, List<CommittedOffset> offsets) {
        Map<TopicPartition, CommittedOffset> unique = new LinkedHashMap<>();
        offsets.forEach(o -> unique.put(o.partition(), o));
        List<CommittedOffset> all = List.copyOf(unique.values());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < all.size(); i += MAX_OFFSETS_PER_WRITE) {
            List<CommittedOffset> chunk = all.subList(i, Math.min(all.size(), i + MAX_OFFSETS_PER_WRITE));
            chain = chain.flatMap(ignored -> commitChunk(group, memberId, memberEpoch, nowMs, chunk));
        }
        return chain;
    }

    private Uni<Void> commitChunk(
            GroupId group, String memberId, long memberEpoch, long nowMs, List<CommittedOffset> chunk) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":e", n(memberEpoch));
        values.put(":now", n(nowMs));
        values.put(":zero", n(NO_REVOKE_DEADLINE));
        StringBuilder condition = new StringBuilder(
                "memberEpoch = :e AND sessionExpiresAt >= :now AND (revokeDeadline = :zero OR revokeDeadline >= :now)");
        for (int i = 0; i < chunk.size(); i++) {
            condition.append(" AND contains(assigned, :p").append(i).append(')');
            values.put(":p" + i, s(partitionString(chunk.get(i).partition())));
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(TransactWriteItem.builder()
                .conditionCheck(ConditionCheck.builder()
                        .tableName(table)
                        .key(key(DynamoKeys.group(group.value()), DynamoKeys.member(memberId)))
                        .conditionExpression(condition.toString())
                        .expressionAttributeValues(values)
                        .build())
                .build());
        chunk.forEach(o -> items.add(offsetPut(group, o)));
        return transact(items, "member " + memberId + " of group " + group + " is not as the commit expects");
    }

    @Override
    public Uni<Void> reset(GroupState expected, List<CommittedOffset> offsets) {
        if (!expected.exists()) {
            throw new IllegalArgumentException("create the group before resetting its offsets");
        }
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < offsets.size(); i += MAX_OFFSETS_PER_WRITE) {
            List<CommittedOffset> chunk = offsets.subList(i, Math.min(offsets.size(), i + MAX_OFFSETS_PER_WRITE));
            List<TransactWriteItem> items = new ArrayList<>();
            items.add(TransactWriteItem.builder()
                    .conditionCheck(ConditionCheck.builder()
                            .tableName(table)
                            .key(key(DynamoKeys.group(expected.groupId().value()), DynamoKeys.META))
                            .conditionExpression("version = :v")
                            .expressionAttributeValues(Map.of(":v", n(expected.version())))
                            .build())
                    .build());
            chunk.forEach(o -> items.add(offsetPut(expected.groupId(), o)));
            chain = chain.flatMap(
                    ignored -> transact(items, "group " + expected.groupId() + " changed during the reset"));
        }
        return chain;
    }

    @Override
    public Uni<Map<TopicPartition, CommittedOffset>> offsets(GroupId group, Collection<TopicPartition> partitions) {
        List<TopicPartition> all = List.copyOf(new TreeSet<>(partitions));
        List<Uni<Map<String, Map<String, AttributeValue>>>> parts = new ArrayList<>();
        for (int i = 0; i < all.size(); i += DynamoBatches.BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (TopicPartition tp : all.subList(i, Math.min(all.size(), i + DynamoBatches.BATCH_GET_LIMIT))) {
                keys.add(key(DynamoKeys.group(group.value()), DynamoKeys.committed(tp.topic(), tp.partition())));
            }
            parts.add(reads.batchGet(keys));
        }
        if (parts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Uni.join().all(parts).andFailFast().map(list -> {
            Map<TopicPartition, CommittedOffset> out = new TreeMap<>();
            list.forEach(items -> items.values().forEach(item -> {
                CommittedOffset o = toOffset(item);
                out.put(o.partition(), o);
            }));
            return out;
        });
    }

    @Override
    public Uni<Map<TopicPartition, CommittedOffset>> offsets(GroupId group) {
        return reads.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :c)")
                        .expressionAttributeValues(
                                Map.of(":pk", s(DynamoKeys.group(group.value())), ":c", s(DynamoKeys.COMMITTED_PREFIX)))
                        .build())
                .map(items -> {
                    Map<TopicPartition, CommittedOffset> out = new TreeMap<>();
                    items.forEach(item -> {
                        CommittedOffset o = toOffset(item);
                        out.put(o.partition(), o);
                    });
                    return out;
                });
    }

    @Override
    public Uni<List<GroupId>> groups() {
        return reads.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(DynamoKeys.GROUP_DIRECTORY)))
                        .build())
                .map(items -> items.stream()
                        .map(i -> new GroupId(i.get(SK).s()))
                        .sorted(java.util.Comparator.comparing(GroupId::value))
                        .toList());
    }

    @Override
    public Uni<Void> delete(GroupState expected) {
        String pk = DynamoKeys.group(expected.groupId().value());
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder()
                        .delete(Delete.builder()
                                .tableName(table)
                                .key(key(pk, DynamoKeys.META))
                                .conditionExpression("version = :v")
                                .expressionAttributeValues(Map.of(":v", n(expected.version())))
                                .build())
                        .build(),
                TransactWriteItem.builder()
                        .delete(Delete.builder()
                                .tableName(table)
                                .key(key(
                                        DynamoKeys.GROUP_DIRECTORY,
                                        expected.groupId().value()))
                                .build())
                        .build());
        // the group item goes first (conditionally); its members and offsets are then unreachable and removed
        return transact(items, "group " + expected.groupId() + " changed since it was read")
                .flatMap(ignored -> reads.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .projectionExpression("pk, sk")
                        .expressionAttributeValues(Map.of(":pk", s(pk)))
                        .build()))
                .flatMap(rest -> reads.batchWrite(rest.stream()
                        .map(item -> WriteRequest.builder()
                                .deleteRequest(DeleteRequest.builder()
                                        .key(key(item.get(PK).s(), item.get(SK).s()))
                                        .build())
                                .build())
                        .toList()));
    }

    // ---- Kafka's classic protocol ---------------------------------------------------------------------------

    @Override
    public Uni<ClassicGroup> loadClassic(GroupId group) {
        return call(() -> dynamo.getItem(b ->
                        b.tableName(table).key(DynamoClassicItems.key(group)).consistentRead(true)))
                .map(r -> r.hasItem() && !r.item().isEmpty()
                        ? DynamoClassicItems.group(group, r.item())
                        : ClassicGroup.empty(group));
    }

    @Override
    public Uni<Void> saveClassic(ClassicGroup before, ClassicGroup after) {
        if (after.version() != before.version() + 1 || !after.groupId().equals(before.groupId())) {
            throw new IllegalArgumentException(
                    "a save writes the next version: " + before.version() + " → " + after.version());
        }
        Put.Builder put = Put.builder().tableName(table).item(DynamoClassicItems.item(after));
        if (before.exists()) {
            put.conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(before.version())));
        } else {
            put.conditionExpression("attribute_not_exists(pk)");
        }
        return transact(
                List.of(TransactWriteItem.builder().put(put.build()).build()),
                "the classic state of group " + after.groupId() + " changed since it was read");
    }

    @Override
    public Uni<Boolean> touchClassic(GroupId group, String memberId, int generation, long expiresAtMs) {
        return call(() -> dynamo.updateItem(b -> b.tableName(table)
                        .key(DynamoClassicItems.key(group))
                        .updateExpression("SET #members.#m.#exp = :exp, version = version + :one")
                        .conditionExpression("generation = :g AND attribute_exists(#members.#m)")
                        .expressionAttributeNames(Map.of(
                                "#members",
                                DynamoClassicItems.MEMBERS,
                                "#m",
                                memberId,
                                "#exp",
                                DynamoClassicItems.EXPIRES_AT))
                        .expressionAttributeValues(Map.of(":exp", n(expiresAtMs), ":g", n(generation), ":one", n(1)))))
                .replaceWith(true)
                .onFailure(ConditionalCheckFailedException.class)
                .recoverWithItem(false);
    }

    @Override
    public Uni<Void> commitClassic(GroupId group, String memberId, int generation, List<CommittedOffset> offsets) {
        ConditionCheck fence = ConditionCheck.builder()
                .tableName(table)
                .key(DynamoClassicItems.key(group))
                .conditionExpression("generation = :g AND attribute_exists(#members.#m)")
                .expressionAttributeNames(Map.of("#members", DynamoClassicItems.MEMBERS, "#m", memberId))
                .expressionAttributeValues(Map.of(":g", n(generation)))
                .build();
        return writeOffsets(
                List.of(fence),
                offsets,
                group,
                "member " + memberId + " of group " + group + " is not in generation " + generation);
    }

    @Override
    public Uni<Void> commitEmpty(GroupState expected, ClassicGroup classic, List<CommittedOffset> offsets) {
        if (!expected.exists()) {
            throw new IllegalArgumentException("create the group before committing offsets to it");
        }
        ConditionCheck eddy = ConditionCheck.builder()
                .tableName(table)
                .key(key(DynamoKeys.group(expected.groupId().value()), DynamoKeys.META))
                .conditionExpression("version = :v")
                .expressionAttributeValues(Map.of(":v", n(expected.version())))
                .build();
        ConditionCheck.Builder kafka =
                ConditionCheck.builder().tableName(table).key(DynamoClassicItems.key(classic.groupId()));
        if (classic.exists()) {
            kafka.conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(classic.version())));
        } else {
            kafka.conditionExpression("attribute_not_exists(pk)");
        }
        return writeOffsets(
                List.of(eddy, kafka.build()),
                offsets,
                expected.groupId(),
                "group " + expected.groupId() + " changed since it was read");
    }

    private Uni<Void> writeOffsets(
            List<ConditionCheck> checks, List<CommittedOffset> offsets, GroupId group, String conflict) {
        Map<TopicPartition, CommittedOffset> unique = new LinkedHashMap<>();
        offsets.forEach(o -> unique.put(o.partition(), o));
        List<CommittedOffset> all = List.copyOf(unique.values());
        int perWrite = MAX_TRANSACTION_ITEMS - checks.size();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < all.size(); i += perWrite) {
            List<TransactWriteItem> items = new ArrayList<>();
            checks.forEach(
                    c -> items.add(TransactWriteItem.builder().conditionCheck(c).build()));
            all.subList(i, Math.min(all.size(), i + perWrite)).forEach(o -> items.add(offsetPut(group, o)));
            chain = chain.flatMap(ignored -> transact(items, conflict));
        }
        return chain;
    }

    @Override
    public Uni<Void> deleteOffsets(GroupId group, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return reads.batchWrite(new TreeSet<>(partitions)
                .stream()
                        .map(tp -> WriteRequest.builder()
                                .deleteRequest(DeleteRequest.builder()
                                        .key(key(
                                                DynamoKeys.group(group.value()),
                                                DynamoKeys.committed(tp.topic(), tp.partition())))
                                        .build())
                                .build())
                        .toList());
    }

    // ---- writes and their failures -----------------------------------------------------------------------

    private Uni<Void> transact(List<TransactWriteItem> items, String conflict) {
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .clientRequestToken(UUID.randomUUID().toString())
                .transactItems(items)
                .build();
        return retry.apply(
                        SdkCalls.call(() -> dynamo.transactWriteItems(request), t -> {
                            if (t instanceof TransactionCanceledException tce
                                    && (DynamoErrors.anyConditionFailed(tce)
                                            || tce.hasCancellationReasons()
                                                    && tce.cancellationReasons().stream()
                                                            .anyMatch(r -> "TransactionConflict".equals(r.code())))) {
                                return new GroupConflictException(conflict, t);
                            }
                            return DynamoErrors.translate(t);
                        }),
                        t -> !(t instanceof GroupConflictException) && RetryPolicy.retryable(t))
                .replaceWithVoid();
    }

    private <T> Uni<T> call(Supplier<CompletionStage<T>> call) {
        return retry.apply(SdkCalls.call(call, DynamoErrors::translate));
    }

    // ---- items -------------------------------------------------------------------------------------------

    private TransactWriteItem offsetPut(GroupId group, CommittedOffset o) {
        Map<String, AttributeValue> item = new HashMap<>(key(
                DynamoKeys.group(group.value()),
                DynamoKeys.committed(o.partition().topic(), o.partition().partition())));
        item.put(OFFSET, n(o.offset()));
        item.put(METADATA, s(o.metadata()));
        item.put(MEMBER_EPOCH, n(o.memberEpoch()));
        item.put(COMMITTED_AT, n(o.committedAtMs()));
        return TransactWriteItem.builder()
                .put(Put.builder().tableName(table).item(item).build())
                .build();
    }

    private static Map<String, AttributeValue> metaItem(GroupState g) {
        Map<String, AttributeValue> item =
                new HashMap<>(key(DynamoKeys.group(g.groupId().value()), DynamoKeys.META));
        item.put(VERSION, n(g.version()));
        item.put(GROUP_EPOCH, n(g.groupEpoch()));
        item.put(ASSIGNOR, s(g.assignor()));
        Map<String, AttributeValue> target = new HashMap<>();
        g.target().byMember().forEach((member, partitions) -> {
            if (!partitions.isEmpty()) {
                target.put(member, partitionSet(partitions));
            }
        });
        item.put(TARGET, AttributeValue.fromM(target));
        Map<String, AttributeValue> counts = new HashMap<>();
        g.partitionCounts().forEach((topic, count) -> counts.put(topic, n(count)));
        item.put(COUNTS, AttributeValue.fromM(counts));
        return item;
    }

    private static Map<String, AttributeValue> memberItem(GroupId group, MemberState m) {
        Map<String, AttributeValue> item =
                new HashMap<>(key(DynamoKeys.group(group.value()), DynamoKeys.member(m.memberId())));
        m.instanceId().ifPresent(i -> item.put(INSTANCE_ID, s(i)));
        item.put(MEMBER_EPOCH, n(m.memberEpoch()));
        if (!m.subscription().topics().isEmpty()) {
            item.put(TOPICS, AttributeValue.fromSs(List.copyOf(m.subscription().topics())));
        }
        m.subscription().pattern().ifPresent(p -> item.put(PATTERN, s(p)));
        if (!m.assigned().isEmpty()) {
            item.put(ASSIGNED, partitionSet(m.assigned()));
        }
        item.put(SESSION_EXPIRES_AT, n(m.expiresAtMs()));
        item.put(REVOKE_DEADLINE, n(m instanceof MemberState.Revoking r ? r.revokeDeadlineMs() : NO_REVOKE_DEADLINE));
        item.put(SESSION_TIMEOUT, n(m.sessionTimeoutMs()));
        item.put(REBALANCE_TIMEOUT, n(m.rebalanceTimeoutMs()));
        item.put(OFFSET_RESET, s(m.offsetReset().wire()));
        return item;
    }

    private static GroupState toState(GroupId group, List<Map<String, AttributeValue>> items) {
        Map<String, AttributeValue> meta = null;
        SortedMap<String, MemberState> members = new TreeMap<>();
        for (Map<String, AttributeValue> item : items) {
            String sk = item.get(SK).s();
            if (sk.equals(DynamoKeys.META)) {
                meta = item;
            } else {
                MemberState m = toMember(sk.substring(DynamoKeys.MEMBER_PREFIX.length()), item);
                members.put(m.memberId(), m);
            }
        }
        if (meta == null) {
            // members without a group item are the remains of a deleted group
            return GroupState.empty(group);
        }
        SortedMap<String, SortedSet<TopicPartition>> target = new TreeMap<>();
        meta.get(TARGET).m().forEach((member, set) -> target.put(member, partitions(set)));
        SortedMap<String, Integer> counts = new TreeMap<>();
        meta.get(COUNTS).m().forEach((topic, count) -> counts.put(topic, Integer.parseInt(count.n())));
        return new GroupState(
                group,
                n(meta, VERSION),
                n(meta, GROUP_EPOCH),
                meta.get(ASSIGNOR).s(),
                new Assignment(target),
                counts,
                members);
    }

    private static MemberState toMember(String memberId, Map<String, AttributeValue> item) {
        Subscription subscription = item.containsKey(PATTERN)
                ? Subscription.ofPattern(item.get(PATTERN).s())
                : Subscription.ofTopics(item.get(TOPICS).ss());
        MemberState.Profile profile = new MemberState.Profile(
                memberId,
                Optional.ofNullable(item.get(INSTANCE_ID)).map(AttributeValue::s),
                subscription,
                n(item, SESSION_TIMEOUT),
                n(item, REBALANCE_TIMEOUT),
                OffsetReset.fromWire(item.get(OFFSET_RESET).s()));
        long epoch = n(item, MEMBER_EPOCH);
        long expiresAt = n(item, SESSION_EXPIRES_AT);
        long revokeDeadline = n(item, REVOKE_DEADLINE);
        if (revokeDeadline != NO_REVOKE_DEADLINE) {
            return new MemberState.Revoking(profile, epoch, partitions(item.get(ASSIGNED)), expiresAt, revokeDeadline);
        }
        if (epoch == 0) {
            return new MemberState.Joining(profile, expiresAt);
        }
        return new MemberState.Stable(profile, epoch, partitions(item.get(ASSIGNED)), expiresAt);
    }

    private static CommittedOffset toOffset(Map<String, AttributeValue> item) {
        String rest = item.get(SK).s().substring(DynamoKeys.COMMITTED_PREFIX.length());
        return new CommittedOffset(
                parsePartition(rest),
                n(item, OFFSET),
                item.get(METADATA).s(),
                n(item, MEMBER_EPOCH),
                n(item, COMMITTED_AT));
    }

    private static AttributeValue partitionSet(SortedSet<TopicPartition> partitions) {
        return AttributeValue.fromSs(
                partitions.stream().map(DynamoGroupStore::partitionString).toList());
    }

    private static SortedSet<TopicPartition> partitions(AttributeValue set) {
        SortedSet<TopicPartition> out = new TreeSet<>();
        if (set != null && set.hasSs()) {
            set.ss().forEach(p -> out.add(parsePartition(p)));
        }
        return out;
    }

    private static String partitionString(TopicPartition tp) {
        return tp.topic() + "#" + tp.partition();
    }

    private static TopicPartition parsePartition(String s) {
        int hash = s.lastIndexOf('#');
        return new TopicPartition(s.substring(0, hash), Integer.parseInt(s.substring(hash + 1)));
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }
}
