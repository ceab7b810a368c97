package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;
import static io.eddy.core.storage.dynamo.DynamoValues.n;
import static io.eddy.core.storage.dynamo.DynamoValues.s;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.OffsetConflictException;
import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.ProducerState;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicConfig;
import io.eddy.core.model.TopicName;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SdkCalls;
import io.eddy.core.support.RetryPolicy;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionCheck;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * {@link MetadataStore} on one DynamoDB table (keys in {@link DynamoKeys}). Every read is strongly consistent;
 * every write that decides something is conditional. Thread-safe.
 */
public final class DynamoMetadataStore implements MetadataStore {
    private static final String TOPIC_ID = "topicId";
    private static final String PARTITIONS = "partitions";
    private static final String CONFIG = "config";
    private static final String CREATED_AT = "createdAt";
    private static final String NEXT_OFFSET = "nextOffset";
    private static final String LOG_START = "logStartOffset";
    private static final String RETENTION_MS = "retentionMs";
    private static final String RETENTION_BYTES = "retentionBytes";
    private static final String CLEANUP_POLICY = "cleanupPolicy";
    private static final String MAX_MESSAGE_BYTES = "maxMessageBytes";
    private static final String REPLICAS = "replicas";
    private static final String DELETE_RETENTION_MS = "deleteRetentionMs";
    private static final String LEASE_OWNER = "leaseOwner";
    private static final String LEASE_EPOCH = "leaseEpoch";
    private static final String LEASE_EXPIRY = "leaseExpiresAt";
    /** Head: the bytes of the live entries counted (see {@link PartitionHead}). */
    static final String SIZE_BYTES = "sizeBytes";
    /** Head: the offset from which {@link #SIZE_BYTES} counts every entry; absent on a head that never counted. */
    static final String SIZE_FROM = "sizeFrom";

    private static final String EPOCH = "epoch";
    /** A producer's owner: the name of the principal that registered it. */
    private static final String PRINCIPAL = "principal";
    /** The epoch a producer's last bump started from (a retry presenting it gets the current one). */
    private static final String LAST_EPOCH = "lastEpoch";

    private static final String VERSION = "version";
    private static final String BATCHES = "batches";
    private static final String LAST_WRITE = "lastWriteMs";
    private static final String CLUSTER_ID = "clusterId";

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final RetryPolicy retry;
    private final DynamoBatches reads;

    public DynamoMetadataStore(DynamoDbAsyncClient dynamo, String table, RetryPolicy retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
        this.reads = new DynamoBatches(dynamo, table, retry);
    }

    @Override
    public Uni<Void> createTopic(Topic topic) {
        Map<String, AttributeValue> item = topicItem(topic);
        item.put(PK, s(DynamoKeys.topic(topic.name().value())));
        item.put(SK, s(DynamoKeys.META));
        Map<String, AttributeValue> directory = topicItem(topic);
        directory.put(PK, s(DynamoKeys.TOPIC_DIRECTORY));
        directory.put(SK, s(topic.name().value()));
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .clientRequestToken(UUID.randomUUID().toString())
                .transactItems(
                        TransactWriteItem.builder()
                                .put(Put.builder()
                                        .tableName(table)
                                        .item(item)
                                        .conditionExpression("attribute_not_exists(pk)")
                                        .build())
                                .build(),
                        TransactWriteItem.builder()
                                .put(Put.builder()
                                        .tableName(table)
                                        .item(directory)
                                        .conditionExpression("attribute_not_exists(pk)")
                                        .build())
                                .build())
                .build();
        return call(() -> dynamo.transactWriteItems(request), t -> {
                    if (t instanceof TransactionCanceledException tce && DynamoErrors.anyConditionFailed(tce)) {
                        return new EddyException(
                                ErrorCode.TOPIC_ALREADY_EXISTS,
                                "topic '" + topic.name() + "' already exists",
                                Map.of("topic", topic.name().value()));
                    }
                    return null;
                })
                .replaceWithVoid();
    }

    @Override
    public Uni<Optional<Topic>> topic(String name) {
        return call(
                        () -> dynamo.getItem(b -> b.tableName(table)
                                .consistentRead(true)
                                .key(Map.of(PK, s(DynamoKeys.topic(name)), SK, s(DynamoKeys.META)))),
                        t -> null)
                .map(r -> r.hasItem() && !r.item().isEmpty()
                        ? Optional.of(toTopic(name, r.item()))
                        : Optional.<Topic>empty());
    }

    @Override
    public Uni<List<Topic>> topics() {
        return reads.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(DynamoKeys.TOPIC_DIRECTORY)))
                        .build())
                .map(items -> items.stream()
                        .map(i -> toTopic(i.get(SK).s(), i))
                        .sorted(Comparator.comparing(t -> t.name().value()))
                        .toList());
    }

    @Override
    public Uni<Boolean> updateTopic(Topic before, Topic after) {
        if (!before.id().equals(after.id()) || !before.name().equals(after.name())) {
            throw new IllegalArgumentException("an update keeps the topic's name and id");
        }
        Map<String, AttributeValue> item = topicItem(after);
        item.put(PK, s(DynamoKeys.topic(after.name().value())));
        item.put(SK, s(DynamoKeys.META));
        Map<String, AttributeValue> directory = topicItem(after);
        directory.put(PK, s(DynamoKeys.TOPIC_DIRECTORY));
        directory.put(SK, s(after.name().value()));
        Map<String, AttributeValue> was = Map.of(":id", s(before.id().toString()), ":p", n(before.partitions()));
        String condition = "topicId = :id AND #partitions = :p"; // "partitions" is a reserved word
        Map<String, String> names = Map.of("#partitions", PARTITIONS);
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .clientRequestToken(UUID.randomUUID().toString())
                .transactItems(
                        TransactWriteItem.builder()
                                .put(Put.builder()
                                        .tableName(table)
                                        .item(item)
                                        .conditionExpression(condition)
                                        .expressionAttributeNames(names)
                                        .expressionAttributeValues(was)
                                        .build())
                                .build(),
                        TransactWriteItem.builder()
                                .put(Put.builder()
                                        .tableName(table)
                                        .item(directory)
                                        .conditionExpression(condition)
                                        .expressionAttributeNames(names)
                                        .expressionAttributeValues(was)
                                        .build())
                                .build())
                .build();
        return call(() -> dynamo.transactWriteItems(request), t -> {
                    if (t instanceof TransactionCanceledException tce && DynamoErrors.anyConditionFailed(tce)) {
                        return new ChangedMeanwhile();
                    }
                    return null;
                })
                .replaceWith(true)
                .onFailure(ChangedMeanwhile.class)
                .recoverWithItem(false);
    }

    /** A topic update's condition failed: answered as {@code false}, never seen outside. */
    private static final class ChangedMeanwhile extends RuntimeException {
        ChangedMeanwhile() {
            super(null, null, false, false);
        }
    }

    @Override
    public Uni<Void> deleteTopic(Topic topic) {
        Map<String, AttributeValue> idIs = Map.of(":id", s(topic.id().toString()));
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .clientRequestToken(UUID.randomUUID().toString())
                .transactItems(
                        TransactWriteItem.builder()
                                .delete(Delete.builder()
                                        .tableName(table)
                                        .key(Map.of(
                                                PK,
                                                s(DynamoKeys.topic(topic.name().value())),
                                                SK,
                                                s(DynamoKeys.META)))
                                        .conditionExpression("topicId = :id")
                                        .expressionAttributeValues(idIs)
                                        .build())
                                .build(),
                        TransactWriteItem.builder()
                                .delete(Delete.builder()
                                        .tableName(table)
                                        .key(Map.of(
                                                PK,
                                                s(DynamoKeys.TOPIC_DIRECTORY),
                                                SK,
                                                s(topic.name().value())))
                                        .conditionExpression("topicId = :id")
                                        .expressionAttributeValues(idIs)
                                        .build())
                                .build(),
                        // what tells garbage collection, for certain, that this id's partitions may be purged
                        TransactWriteItem.builder()
                                .put(Put.builder()
                                        .tableName(table)
                                        .item(DynamoTombstones.item(topic))
                                        .build())
                                .build())
                .build();
        return call(() -> dynamo.transactWriteItems(request), t -> {
                    if (t instanceof TransactionCanceledException tce && DynamoErrors.anyConditionFailed(tce)) {
                        return unknownTopic(topic.name().value());
                    }
                    return null;
                })
                .replaceWithVoid();
    }

    @Override
    public Uni<Map<Integer, PartitionHead>> heads(UUID topicId, Collection<Integer> partitions) {
        List<Integer> all = List.copyOf(new LinkedHashSet<>(partitions));
        List<Uni<Map<Integer, PartitionHead>>> parts = new ArrayList<>();
        for (int i = 0; i < all.size(); i += DynamoBatches.BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int p : all.subList(i, Math.min(all.size(), i + DynamoBatches.BATCH_GET_LIMIT))) {
                keys.add(Map.of(PK, s(DynamoKeys.partition(topicId, p)), SK, s(DynamoKeys.HEAD)));
            }
            parts.add(reads.batchGet(keys).map(items -> {
                Map<Integer, PartitionHead> heads = new HashMap<>();
                for (Map<String, AttributeValue> item : items.values()) {
                    String pk = item.get(PK).s();
                    int p = Integer.parseInt(pk.substring(pk.lastIndexOf('#') + 1));
                    heads.put(p, toHead(p, item));
                }
                return heads;
            }));
        }
        return Uni.join().all(parts).andFailFast().map(list -> {
            Map<Integer, PartitionHead> heads = new HashMap<>();
            list.forEach(heads::putAll);
            for (int p : all) {
                heads.putIfAbsent(p, PartitionHead.empty(p));
            }
            return heads;
        });
    }

    @Override
    public Uni<Void> commit(CommitBatch batch) {
        List<TransactWriteItem> items = new ArrayList<>();
        List<Integer> itemPartitions = new ArrayList<>(); // the partition of each item, -1 for producer checks
        for (CommitBatch.PartitionCommit append : batch.partitions()) {
            String pk = DynamoKeys.partition(append.topicId(), append.partition());
            long next = append.entry().lastOffset() + 1;
            Update.Builder head = Update.builder().tableName(table).key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)));
            // the size rides on the head update: every commit adds its entry's bytes (see PartitionHead)
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":next", n(next));
            values.put(":len", n(append.entry().length()));
            String counting =
                    ", " + SIZE_FROM + " = if_not_exists(" + SIZE_FROM + ", :expected) ADD " + SIZE_BYTES + " :len";
            if (append.lease() != null) {
                values.put(":expected", n(append.expectedNextOffset()));
                values.put(":epoch", n(append.lease().epoch()));
                values.put(":until", n(append.lease().renewUntilMs()));
                head.updateExpression("SET nextOffset = :next, leaseExpiresAt = :until" + counting)
                        .conditionExpression("nextOffset = :expected AND leaseEpoch = :epoch");
            } else if (append.headExists()) {
                values.put(":expected", n(append.expectedNextOffset()));
                head.updateExpression("SET nextOffset = :next" + counting)
                        .conditionExpression("nextOffset = :expected");
            } else {
                values.put(":zero", n(0));
                head.updateExpression("SET nextOffset = :next, logStartOffset = :zero, " + SIZE_FROM + " = :zero, "
                                + SIZE_BYTES + " = :len")
                        .conditionExpression("attribute_not_exists(pk)");
            }
            head.expressionAttributeValues(values);
            items.add(TransactWriteItem.builder().update(head.build()).build());
            Map<String, AttributeValue> entry = DynamoEntries.item(append.entry());
            entry.put(PK, s(pk));
            entry.put(SK, s(DynamoKeys.entry(append.entry().baseOffset())));
            items.add(TransactWriteItem.builder()
                    .put(Put.builder()
                            .tableName(table)
                            .item(entry)
                            .conditionExpression("attribute_not_exists(pk)")
                            .build())
                    .build());
            for (ProducerState state : append.producers()) {
                items.add(TransactWriteItem.builder()
                        .put(producerStatePut(pk, state))
                        .build());
            }
            while (itemPartitions.size() < items.size()) {
                itemPartitions.add(append.partition());
            }
        }
        batch.producerEpochs()
                .forEach((id, epoch) -> items.add(TransactWriteItem.builder()
                        .conditionCheck(ConditionCheck.builder()
                                .tableName(table)
                                .key(Map.of(PK, s(DynamoKeys.producer(id)), SK, s(DynamoKeys.META)))
                                .conditionExpression("epoch = :epoch")
                                .expressionAttributeValues(Map.of(":epoch", n(epoch)))
                                .build())
                        .build()));
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .clientRequestToken(UUID.randomUUID().toString())
                .transactItems(items)
                .build();
        // Not retried here: a failed condition needs fresh reads and a new decision, which is the produce path's.
        return SdkCalls.call(() -> dynamo.transactWriteItems(request), t -> {
                    if (t instanceof TransactionCanceledException tce && tce.hasCancellationReasons()) {
                        Set<Integer> partitions = new LinkedHashSet<>();
                        boolean producerFenced = false;
                        List<CancellationReason> reasons = tce.cancellationReasons();
                        for (int i = 0; i < reasons.size() && i < items.size(); i++) {
                            String code = reasons.get(i).code();
                            if ("ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code)) {
                                if (i < itemPartitions.size()) {
                                    partitions.add(itemPartitions.get(i));
                                } else {
                                    producerFenced = true;
                                }
                            }
                        }
                        if (producerFenced) {
                            batch.partitions().forEach(p -> partitions.add(p.partition()));
                        }
                        if (!partitions.isEmpty()) {
                            return new OffsetConflictException(partitions, tce);
                        }
                    }
                    return DynamoErrors.translate(t);
                })
                .replaceWithVoid();
    }

    private Put producerStatePut(String partitionPk, ProducerState state) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(partitionPk));
        item.put(SK, s(DynamoKeys.producerState(state.producerId())));
        item.put(EPOCH, n(state.epoch()));
        item.put(VERSION, n(state.version()));
        item.put(LAST_WRITE, n(state.lastWriteMs()));
        item.put(
                BATCHES,
                AttributeValue.fromL(state.batches().stream()
                        .map(b -> AttributeValue.fromL(
                                List.of(n(b.firstSequence()), n(b.lastSequence()), n(b.baseOffset()))))
                        .toList()));
        Put.Builder put = Put.builder().tableName(table).item(item);
        long previous = state.version() - 1;
        if (previous == 0) {
            put.conditionExpression("attribute_not_exists(pk)");
        } else {
            put.conditionExpression("version = :v").expressionAttributeValues(Map.of(":v", n(previous)));
        }
        return put.build();
    }

    @Override
    public Uni<Map<ProducerKey, ProducerState>> producerStates(Collection<ProducerKey> keys) {
        List<ProducerKey> all = List.copyOf(new LinkedHashSet<>(keys));
        List<Uni<Map<String, Map<String, AttributeValue>>>> parts = new ArrayList<>();
        for (int i = 0; i < all.size(); i += DynamoBatches.BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> itemKeys = new ArrayList<>();
            for (ProducerKey k : all.subList(i, Math.min(all.size(), i + DynamoBatches.BATCH_GET_LIMIT))) {
                itemKeys.add(Map.of(
                        PK,
                        s(DynamoKeys.partition(k.topicId(), k.partition())),
                        SK,
                        s(DynamoKeys.producerState(k.producerId()))));
            }
            parts.add(reads.batchGet(itemKeys));
        }
        if (parts.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Uni.join().all(parts).andFailFast().map(list -> {
            Map<String, Map<String, AttributeValue>> found = new HashMap<>();
            list.forEach(found::putAll);
            Map<ProducerKey, ProducerState> out = new HashMap<>();
            for (ProducerKey k : all) {
                Map<String, AttributeValue> item = found.get(DynamoKeys.partition(k.topicId(), k.partition()) + "|"
                        + DynamoKeys.producerState(k.producerId()));
                out.put(k, item == null ? ProducerState.fresh(k.producerId(), (short) 0, 0) : toProducerState(k, item));
            }
            return out;
        });
    }

    private static ProducerState toProducerState(ProducerKey k, Map<String, AttributeValue> item) {
        List<ProducerState.BatchMetadata> batches = item.get(BATCHES).l().stream()
                .map(AttributeValue::l)
                .map(l -> new ProducerState.BatchMetadata(
                        Integer.parseInt(l.get(0).n()),
                        Integer.parseInt(l.get(1).n()),
                        Long.parseLong(l.get(2).n())))
                .toList();
        return new ProducerState(
                k.producerId(), (short) n(item, EPOCH), batches, n(item, LAST_WRITE), n(item, VERSION));
    }

    @Override
    public Uni<Map<Long, Short>> producerEpochs(Collection<Long> producerIds) {
        List<Long> all = List.copyOf(new LinkedHashSet<>(producerIds));
        if (all.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<Uni<Map<String, Map<String, AttributeValue>>>> parts = new ArrayList<>();
        for (int i = 0; i < all.size(); i += DynamoBatches.BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> itemKeys = new ArrayList<>();
            for (long id : all.subList(i, Math.min(all.size(), i + DynamoBatches.BATCH_GET_LIMIT))) {
                itemKeys.add(Map.of(PK, s(DynamoKeys.producer(id)), SK, s(DynamoKeys.META)));
            }
            parts.add(reads.batchGet(itemKeys));
        }
        return Uni.join().all(parts).andFailFast().map(list -> {
            Map<Long, Short> out = new HashMap<>();
            for (Map<String, Map<String, AttributeValue>> found : list) {
                for (Map<String, AttributeValue> item : found.values()) {
                    String pk = item.get(PK).s();
                    out.put(Long.parseLong(pk.substring(pk.indexOf('#') + 1)), (short) n(item, EPOCH));
                }
            }
            return out;
        });
    }

    @Override
    public Uni<Boolean> registerProducer(long producerId, String principal, long nowMs) {
        return call(
                        () -> dynamo.putItem(b -> b.tableName(table)
                                .item(Map.of(
                                        PK,
                                        s(DynamoKeys.producer(producerId)),
                                        SK,
                                        s(DynamoKeys.META),
                                        EPOCH,
                                        n(0),
                                        LAST_EPOCH,
                                        n(-1),
                                        PRINCIPAL,
                                        s(principal),
                                        CREATED_AT,
                                        n(nowMs)))
                                .conditionExpression("attribute_not_exists(pk)")),
                        t -> t instanceof ConditionalCheckFailedException ? new ConditionFailed() : null)
                .replaceWith(true)
                .onFailure(ConditionFailed.class)
                .recoverWithItem(false);
    }

    @Override
    public Uni<Optional<RegisteredProducer>> producer(long producerId) {
        return call(
                        () -> dynamo.getItem(b -> b.tableName(table)
                                .consistentRead(true)
                                .key(Map.of(PK, s(DynamoKeys.producer(producerId)), SK, s(DynamoKeys.META)))),
                        t -> null)
                .map(r -> r.hasItem() && !r.item().isEmpty()
                        ? Optional.of(new RegisteredProducer(
                                producerId,
                                r.item().containsKey(PRINCIPAL)
                                        ? r.item().get(PRINCIPAL).s()
                                        : null,
                                (short) n(r.item(), EPOCH),
                                r.item().containsKey(LAST_EPOCH) ? (short) n(r.item(), LAST_EPOCH) : -1))
                        : Optional.empty());
    }

    @Override
    public Uni<Boolean> bumpProducerEpoch(long producerId, short expected) {
        return call(
                        () -> dynamo.updateItem(b -> b.tableName(table)
                                .key(Map.of(PK, s(DynamoKeys.producer(producerId)), SK, s(DynamoKeys.META)))
                                .updateExpression("SET epoch = epoch + :one, " + LAST_EPOCH + " = :expected")
                                .conditionExpression("attribute_exists(pk) AND epoch = :expected AND epoch < :max")
                                .expressionAttributeValues(
                                        Map.of(":one", n(1), ":expected", n(expected), ":max", n(Short.MAX_VALUE)))),
                        t -> t instanceof ConditionalCheckFailedException ? new ConditionFailed() : null)
                .replaceWith(true)
                .onFailure(ConditionFailed.class)
                .recoverWithItem(false);
    }

    @Override
    public Uni<Optional<PartitionHead>> acquireLease(
            UUID topicId, int partition, String owner, long nowMs, long expiresAtMs) {
        return call(
                        () -> dynamo.updateItem(b -> b.tableName(table)
                                .key(Map.of(PK, s(DynamoKeys.partition(topicId, partition)), SK, s(DynamoKeys.HEAD)))
                                .updateExpression(
                                        "SET nextOffset = if_not_exists(nextOffset, :zero), "
                                                + "logStartOffset = if_not_exists(logStartOffset, :zero), leaseOwner = :owner, "
                                                + "leaseEpoch = if_not_exists(leaseEpoch, :zero) + :one, leaseExpiresAt = :until")
                                .conditionExpression(
                                        "attribute_not_exists(leaseOwner) OR leaseExpiresAt < :now OR leaseOwner = :owner")
                                .expressionAttributeValues(Map.of(
                                        ":zero",
                                        n(0),
                                        ":one",
                                        n(1),
                                        ":owner",
                                        s(owner),
                                        ":until",
                                        n(expiresAtMs),
                                        ":now",
                                        n(nowMs)))
                                .returnValues(ReturnValue.ALL_NEW)),
                        t -> t instanceof ConditionalCheckFailedException ? new ConditionFailed() : null)
                .map(r -> Optional.of(toHead(partition, r.attributes())))
                .onFailure(ConditionFailed.class)
                .recoverWithItem(Optional.empty());
    }

    /** Internal signal: a conditional write's condition did not hold (another lease owner, changed buckets). */
    private static final class ConditionFailed extends RuntimeException {
        ConditionFailed() {
            super(null, null, false, false);
        }
    }

    @Override
    public Uni<Boolean> replaceEntryBuckets(
            UUID topicId, int partition, long baseOffset, List<String> expected, List<String> buckets) {
        return call(
                        () -> dynamo.updateItem(b -> b.tableName(table)
                                .key(Map.of(
                                        PK,
                                        s(DynamoKeys.partition(topicId, partition)),
                                        SK,
                                        s(DynamoKeys.entry(baseOffset))))
                                .updateExpression("SET buckets = :new")
                                .conditionExpression("attribute_exists(pk) AND buckets = :old")
                                .expressionAttributeValues(
                                        Map.of(":new", strings(buckets), ":old", strings(expected)))),
                        t -> t instanceof ConditionalCheckFailedException ? new ConditionFailed() : null)
                .replaceWith(true)
                .onFailure(ConditionFailed.class)
                .recoverWithItem(false);
    }

    private static AttributeValue strings(List<String> values) {
        return AttributeValue.fromL(values.stream().map(DynamoValues::s).toList());
    }

    private static PartitionHead toHead(int partition, Map<String, AttributeValue> item) {
        PartitionHead.Lease lease = item.containsKey(LEASE_EPOCH)
                ? new PartitionHead.Lease(item.get(LEASE_OWNER).s(), n(item, LEASE_EPOCH), n(item, LEASE_EXPIRY))
                : null;
        long next = n(item, NEXT_OFFSET);
        return new PartitionHead(
                partition,
                next,
                n(item, LOG_START),
                true,
                lease,
                item.containsKey(SIZE_BYTES) ? n(item, SIZE_BYTES) : 0,
                item.containsKey(SIZE_FROM) ? n(item, SIZE_FROM) : next);
    }

    @Override
    public Uni<Optional<IndexEntry>> entryAtOrBefore(UUID topicId, int partition, long offset) {
        QueryRequest request = QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                .expressionAttributeValues(Map.of(
                        ":pk",
                        s(DynamoKeys.partition(topicId, partition)),
                        ":lo",
                        s(DynamoKeys.ENTRY_PREFIX),
                        ":hi",
                        s(DynamoKeys.entry(offset))))
                .scanIndexForward(false)
                .limit(1)
                .build();
        return call(() -> dynamo.query(request), t -> null)
                .map((QueryResponse r) -> r.items().stream().findFirst().map(DynamoEntries::entry));
    }

    @Override
    public Uni<List<IndexEntry>> entriesFrom(UUID topicId, int partition, long fromBaseOffset, int limit) {
        QueryRequest request = QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                .expressionAttributeValues(Map.of(
                        ":pk",
                        s(DynamoKeys.partition(topicId, partition)),
                        ":lo",
                        s(DynamoKeys.entry(fromBaseOffset)),
                        ":hi",
                        s(DynamoKeys.LAST_ENTRY)))
                .scanIndexForward(true)
                .limit(limit)
                .build();
        return call(() -> dynamo.query(request), t -> null)
                .map((QueryResponse r) ->
                        r.items().stream().map(DynamoEntries::entry).toList());
    }

    @Override
    public Uni<String> clusterId(String candidate) {
        return storedClusterId()
                .flatMap(stored -> stored.map(id -> Uni.createFrom().item(id))
                        .orElseGet(() -> call(
                                        () -> dynamo.putItem(b -> b.tableName(table)
                                                .item(Map.of(
                                                        PK,
                                                        s(DynamoKeys.CLUSTER),
                                                        SK,
                                                        s(DynamoKeys.META),
                                                        CLUSTER_ID,
                                                        s(candidate)))
                                                .conditionExpression("attribute_not_exists(pk)")),
                                        t -> t instanceof ConditionalCheckFailedException
                                                ? new ConditionFailed()
                                                : null)
                                .replaceWith(candidate)
                                .onFailure(ConditionFailed.class)
                                .recoverWithUni(() -> storedClusterId().map(Optional::orElseThrow))));
    }

    private Uni<Optional<String>> storedClusterId() {
        return call(
                        () -> dynamo.getItem(b -> b.tableName(table)
                                .consistentRead(true)
                                .key(Map.of(PK, s(DynamoKeys.CLUSTER), SK, s(DynamoKeys.META)))),
                        t -> null)
                .map(r -> r.hasItem() && r.item().containsKey(CLUSTER_ID)
                        ? Optional.of(r.item().get(CLUSTER_ID).s())
                        : Optional.<String>empty());
    }

    /**
     * A retried SDK call. {@code special} may turn a failure into a specific EddyException (returning null
     * leaves it to the generic translation).
     */
    private <T> Uni<T> call(
            Supplier<CompletionStage<T>> call, java.util.function.Function<Throwable, Throwable> special) {
        return retry.apply(SdkCalls.call(call, t -> {
            Throwable mapped = special.apply(t);
            return mapped != null ? mapped : DynamoErrors.translate(t);
        }));
    }

    static EddyException unknownTopic(String name) {
        return new EddyException(ErrorCode.UNKNOWN_TOPIC, "topic '" + name + "' does not exist", Map.of("topic", name));
    }

    private static Map<String, AttributeValue> topicItem(Topic topic) {
        TopicConfig c = topic.config();
        Map<String, AttributeValue> config = new HashMap<>();
        config.put(RETENTION_MS, n(c.retentionMs()));
        config.put(RETENTION_BYTES, n(c.retentionBytes()));
        config.put(CLEANUP_POLICY, s(c.cleanupPolicy().wire()));
        config.put(MAX_MESSAGE_BYTES, n(c.maxMessageBytes()));
        config.put(
                REPLICAS,
                AttributeValue.fromL(c.replicas().stream().map(DynamoValues::s).toList()));
        config.put(DELETE_RETENTION_MS, n(c.deleteRetentionMs()));
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TOPIC_ID, s(topic.id().toString()));
        item.put(PARTITIONS, n(topic.partitions()));
        item.put(CONFIG, AttributeValue.fromM(config));
        item.put(CREATED_AT, n(topic.createdAt().toEpochMilli()));
        return item;
    }

    private static Topic toTopic(String name, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> c = item.get(CONFIG).m();
        TopicConfig config = new TopicConfig(
                n(c, RETENTION_MS),
                n(c, RETENTION_BYTES),
                CleanupPolicy.fromWire(c.get(CLEANUP_POLICY).s()),
                (int) n(c, MAX_MESSAGE_BYTES),
                c.get(REPLICAS).l().stream().map(AttributeValue::s).toList(),
                c.containsKey(DELETE_RETENTION_MS)
                        ? n(c, DELETE_RETENTION_MS)
                        : TopicConfig.DEFAULT_DELETE_RETENTION_MS);
        return new Topic(
                new TopicName(name),
                UUID.fromString(item.get(TOPIC_ID).s()),
                (int) n(item, PARTITIONS),
                config,
                Instant.ofEpochMilli(n(item, CREATED_AT)));
    }
}
