package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.OffsetConflictException;
import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.model.TopicConfig;
import io.eddy.core.model.TopicName;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SdkCalls;
import io.eddy.core.support.Retry;
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
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
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
    private static final String LAST_OFFSET = "lastOffset";
    private static final String OBJECT_KEY = "objectKey";
    private static final String POSITION = "position";
    private static final String LENGTH = "length";
    private static final String MAX_TIMESTAMP = "maxTimestamp";
    private static final String CRC32C = "crc32c";
    private static final String BUCKETS = "buckets";
    private static final String RETENTION_MS = "retentionMs";
    private static final String RETENTION_BYTES = "retentionBytes";
    private static final String CLEANUP_POLICY = "cleanupPolicy";
    private static final String MAX_MESSAGE_BYTES = "maxMessageBytes";
    private static final String REPLICAS = "replicas";
    private static final int BATCH_GET_LIMIT = 100;

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final Retry retry;

    public DynamoMetadataStore(DynamoDbAsyncClient dynamo, String table, Retry retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
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
                        TransactWriteItem.builder().put(Put.builder().tableName(table).item(item)
                                .conditionExpression("attribute_not_exists(pk)").build()).build(),
                        TransactWriteItem.builder().put(Put.builder().tableName(table).item(directory)
                                .conditionExpression("attribute_not_exists(pk)").build()).build())
                .build();
        return call(() -> dynamo.transactWriteItems(request), t -> {
            if (t instanceof TransactionCanceledException tce && anyConditionFailed(tce)) {
                return new EddyException(ErrorCode.TOPIC_ALREADY_EXISTS,
                        "topic '" + topic.name() + "' already exists", Map.of("topic", topic.name().value()));
            }
            return null;
        }).replaceWithVoid();
    }

    @Override
    public Uni<Optional<Topic>> topic(String name) {
        return call(() -> dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(PK, s(DynamoKeys.topic(name)), SK, s(DynamoKeys.META)))), t -> null)
                .map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(toTopic(name, r.item())) : Optional.<Topic>empty());
    }

    @Override
    public Uni<List<Topic>> topics() {
        return queryAll(QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", s(DynamoKeys.TOPIC_DIRECTORY))).build(), new ArrayList<>())
                .map(items -> items.stream().map(i -> toTopic(i.get(SK).s(), i))
                        .sorted(Comparator.comparing(t -> t.name().value())).toList());
    }

    private Uni<List<Map<String, AttributeValue>>> queryAll(QueryRequest request, List<Map<String, AttributeValue>> acc) {
        return call(() -> dynamo.query(request), t -> null).flatMap(r -> {
            acc.addAll(r.items());
            if (r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()) {
                return queryAll(request.toBuilder().exclusiveStartKey(r.lastEvaluatedKey()).build(), acc);
            }
            return Uni.createFrom().item(acc);
        });
    }

    @Override
    public Uni<Void> deleteTopic(Topic topic) {
        Map<String, AttributeValue> idIs = Map.of(":id", s(topic.id().toString()));
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .clientRequestToken(UUID.randomUUID().toString())
                .transactItems(
                        TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                                .key(Map.of(PK, s(DynamoKeys.topic(topic.name().value())), SK, s(DynamoKeys.META)))
                                .conditionExpression("topicId = :id").expressionAttributeValues(idIs).build()).build(),
                        TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                                .key(Map.of(PK, s(DynamoKeys.TOPIC_DIRECTORY), SK, s(topic.name().value())))
                                .conditionExpression("topicId = :id").expressionAttributeValues(idIs).build()).build())
                .build();
        return call(() -> dynamo.transactWriteItems(request), t -> {
            if (t instanceof TransactionCanceledException tce && anyConditionFailed(tce)) {
                return unknownTopic(topic.name().value());
            }
            return null;
        }).replaceWithVoid();
    }

    @Override
    public Uni<Map<Integer, PartitionHead>> heads(UUID topicId, Collection<Integer> partitions) {
        List<Integer> all = List.copyOf(new LinkedHashSet<>(partitions));
        List<Uni<Map<Integer, PartitionHead>>> parts = new ArrayList<>();
        for (int i = 0; i < all.size(); i += BATCH_GET_LIMIT) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (int p : all.subList(i, Math.min(all.size(), i + BATCH_GET_LIMIT))) {
                keys.add(Map.of(PK, s(DynamoKeys.partition(topicId, p)), SK, s(DynamoKeys.HEAD)));
            }
            parts.add(batchGet(keys, new HashMap<>()).map(items -> {
                Map<Integer, PartitionHead> heads = new HashMap<>();
                for (Map<String, AttributeValue> item : items.values()) {
                    String pk = item.get(PK).s();
                    int p = Integer.parseInt(pk.substring(pk.lastIndexOf('#') + 1));
                    heads.put(p, new PartitionHead(p, n(item, NEXT_OFFSET), n(item, LOG_START), true));
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

    private Uni<Map<String, Map<String, AttributeValue>>> batchGet(List<Map<String, AttributeValue>> keys,
                                                                  Map<String, Map<String, AttributeValue>> acc) {
        BatchGetItemRequest request = BatchGetItemRequest.builder()
                .requestItems(Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build())).build();
        return call(() -> dynamo.batchGetItem(request), t -> null).flatMap((BatchGetItemResponse r) -> {
            for (Map<String, AttributeValue> item : r.responses().getOrDefault(table, List.of())) {
                acc.put(item.get(PK).s(), item);
            }
            KeysAndAttributes unprocessed = r.unprocessedKeys().get(table);
            if (unprocessed != null && unprocessed.hasKeys() && !unprocessed.keys().isEmpty()) {
                return batchGet(unprocessed.keys(), acc);
            }
            return Uni.createFrom().item(acc);
        });
    }

    @Override
    public Uni<Void> commit(CommitBatch batch) {
        List<TransactWriteItem> items = new ArrayList<>();
        List<Integer> itemPartitions = new ArrayList<>();
        for (CommitBatch.PartitionAppend append : batch.appends()) {
            String pk = DynamoKeys.partition(batch.topicId(), append.partition());
            long next = append.entry().lastOffset() + 1;
            Update.Builder head = Update.builder().tableName(table).key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)));
            if (append.headExists()) {
                head.updateExpression("SET nextOffset = :next").conditionExpression("nextOffset = :expected")
                        .expressionAttributeValues(Map.of(":next", n(next), ":expected", n(append.expectedNextOffset())));
            } else {
                head.updateExpression("SET nextOffset = :next, logStartOffset = :zero")
                        .conditionExpression("attribute_not_exists(pk)")
                        .expressionAttributeValues(Map.of(":next", n(next), ":zero", n(0)));
            }
            items.add(TransactWriteItem.builder().update(head.build()).build());
            itemPartitions.add(append.partition());
            Map<String, AttributeValue> entry = entryItem(append.entry());
            entry.put(PK, s(pk));
            entry.put(SK, s(DynamoKeys.entry(append.entry().baseOffset())));
            items.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(entry)
                    .conditionExpression("attribute_not_exists(pk)").build()).build());
            itemPartitions.add(append.partition());
        }
        TransactWriteItemsRequest request = TransactWriteItemsRequest.builder()
                .clientRequestToken(UUID.randomUUID().toString()).transactItems(items).build();
        // Not retried here: a conflict needs fresh heads, which is the produce path's decision.
        return SdkCalls.call(() -> dynamo.transactWriteItems(request), t -> {
            if (t instanceof TransactionCanceledException tce && tce.hasCancellationReasons()) {
                Set<Integer> conflicted = new LinkedHashSet<>();
                List<CancellationReason> reasons = tce.cancellationReasons();
                for (int i = 0; i < reasons.size() && i < itemPartitions.size(); i++) {
                    String code = reasons.get(i).code();
                    if ("ConditionalCheckFailed".equals(code) || "TransactionConflict".equals(code)) {
                        conflicted.add(itemPartitions.get(i));
                    }
                }
                if (!conflicted.isEmpty()) {
                    return new OffsetConflictException(conflicted, tce);
                }
            }
            return translate(t);
        }).replaceWithVoid();
    }

    @Override
    public Uni<Optional<IndexEntry>> entryAtOrBefore(UUID topicId, int partition, long offset) {
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                .expressionAttributeValues(Map.of(":pk", s(DynamoKeys.partition(topicId, partition)),
                        ":lo", s(DynamoKeys.ENTRY_PREFIX), ":hi", s(DynamoKeys.entry(offset))))
                .scanIndexForward(false).limit(1).build();
        return call(() -> dynamo.query(request), t -> null)
                .map((QueryResponse r) -> r.items().stream().findFirst().map(DynamoMetadataStore::toEntry));
    }

    @Override
    public Uni<List<IndexEntry>> entriesFrom(UUID topicId, int partition, long fromBaseOffset, int limit) {
        QueryRequest request = QueryRequest.builder().tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                .expressionAttributeValues(Map.of(":pk", s(DynamoKeys.partition(topicId, partition)),
                        ":lo", s(DynamoKeys.entry(fromBaseOffset)), ":hi", s(DynamoKeys.LAST_ENTRY)))
                .scanIndexForward(true).limit(limit).build();
        return call(() -> dynamo.query(request), t -> null)
                .map((QueryResponse r) -> r.items().stream().map(DynamoMetadataStore::toEntry).toList());
    }

    /**
     * A retried SDK call. {@code special} may turn a failure into a specific EddyException (returning null
     * leaves it to the generic translation).
     */
    private <T> Uni<T> call(Supplier<CompletionStage<T>> call, java.util.function.Function<Throwable, Throwable> special) {
        return retry.apply(SdkCalls.call(call, t -> {
            Throwable mapped = special.apply(t);
            return mapped != null ? mapped : translate(t);
        }));
    }

    private static Throwable translate(Throwable t) {
        if (t instanceof EddyException) {
            return t;
        }
        if (t instanceof TransactionCanceledException tce && tce.hasCancellationReasons()
                && tce.cancellationReasons().stream().anyMatch(r -> "TransactionConflict".equals(r.code())
                || "ThrottlingError".equals(r.code()))) {
            return new EddyException(ErrorCode.METADATA_UNAVAILABLE, "DynamoDB transaction conflict", t);
        }
        if (t instanceof DynamoDbException e && (e.isThrottlingException() || e.statusCode() >= 500)) {
            return new EddyException(ErrorCode.METADATA_UNAVAILABLE, "DynamoDB is unavailable: " + e.getMessage(), t);
        }
        if (t instanceof SdkClientException) {
            return new EddyException(ErrorCode.METADATA_UNAVAILABLE, "DynamoDB could not be reached: " + t.getMessage(), t);
        }
        return new EddyException(ErrorCode.INTERNAL_ERROR, "DynamoDB call failed: " + t.getMessage(), t);
    }

    private static boolean anyConditionFailed(TransactionCanceledException tce) {
        return tce.hasCancellationReasons()
                && tce.cancellationReasons().stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
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
        config.put(REPLICAS, AttributeValue.fromL(c.replicas().stream().map(DynamoMetadataStore::s).toList()));
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(TOPIC_ID, s(topic.id().toString()));
        item.put(PARTITIONS, n(topic.partitions()));
        item.put(CONFIG, AttributeValue.fromM(config));
        item.put(CREATED_AT, n(topic.createdAt().toEpochMilli()));
        return item;
    }

    private static Topic toTopic(String name, Map<String, AttributeValue> item) {
        Map<String, AttributeValue> c = item.get(CONFIG).m();
        TopicConfig config = new TopicConfig(n(c, RETENTION_MS), n(c, RETENTION_BYTES),
                CleanupPolicy.fromWire(c.get(CLEANUP_POLICY).s()), (int) n(c, MAX_MESSAGE_BYTES),
                c.get(REPLICAS).l().stream().map(AttributeValue::s).toList());
        return new Topic(new TopicName(name), UUID.fromString(item.get(TOPIC_ID).s()), (int) n(item, PARTITIONS), config,
                Instant.ofEpochMilli(n(item, CREATED_AT)));
    }

    private static Map<String, AttributeValue> entryItem(IndexEntry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(LAST_OFFSET, n(e.lastOffset()));
        item.put(OBJECT_KEY, s(e.objectKey()));
        item.put(POSITION, n(e.position()));
        item.put(LENGTH, n(e.length()));
        item.put(MAX_TIMESTAMP, n(e.maxTimestamp()));
        item.put(CRC32C, n(e.crc32c()));
        item.put(BUCKETS, AttributeValue.fromL(e.buckets().stream().map(DynamoMetadataStore::s).toList()));
        return item;
    }

    private static IndexEntry toEntry(Map<String, AttributeValue> item) {
        long base = Long.parseLong(item.get(SK).s().substring(DynamoKeys.ENTRY_PREFIX.length()));
        return new IndexEntry(base, n(item, LAST_OFFSET), item.get(OBJECT_KEY).s(), n(item, POSITION),
                (int) n(item, LENGTH), n(item, MAX_TIMESTAMP), (int) n(item, CRC32C),
                item.get(BUCKETS).l().stream().map(AttributeValue::s).toList());
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static long n(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }
}
