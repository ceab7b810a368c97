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
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
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
    private final DynamoIndex index;
    private final KnownTails knownTails = new KnownTails();

    public DynamoMetadataStore(DynamoDbAsyncClient dynamo, String table, RetryPolicy retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
        this.reads = new DynamoBatches(dynamo, table, retry);
        this.index = new DynamoIndex(dynamo, table, retry);
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
                    PartitionHead head = toHead(p, item);
                    heads.put(p, head);
                    knownTails.put(pk, head.nextOffset(), new KnownTails.Tail(DynamoRuns.ofHead(item)));
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
    public Uni<Committed> commit(CommitBatch batch) {
        return tails(batch).flatMap(tails -> transact(batch, tails));
    }

    /**
     * The tail of every partition of the batch as of its expected next offset: from what this process's own commits
     * and head reads left ({@link KnownTails}), else read now (one BatchGetItem). A stale tail costs a lost race at
     * most: every write below is conditioned on what it assumes.
     */
    private Uni<Map<String, KnownTails.Tail>> tails(CommitBatch batch) {
        Map<String, KnownTails.Tail> out = new HashMap<>();
        List<Map<String, AttributeValue>> missing = new ArrayList<>();
        for (CommitBatch.PartitionCommit c : batch.partitions()) {
            String pk = DynamoKeys.partition(c.topicId(), c.partition());
            KnownTails.Tail known = c.headExists() ? knownTails.at(pk, c.expectedNextOffset()) : KnownTails.Tail.EMPTY;
            if (known != null) {
                out.put(pk, known);
            } else {
                missing.add(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)));
            }
        }
        if (missing.isEmpty()) {
            return Uni.createFrom().item(out);
        }
        return reads.batchGet(missing).map(found -> {
            for (Map<String, AttributeValue> key : missing) {
                String pk = key.get(PK).s();
                Map<String, AttributeValue> item = found.get(pk + "|" + DynamoKeys.HEAD);
                out.put(pk, new KnownTails.Tail(DynamoRuns.ofHead(item)));
            }
            return out;
        });
    }

    private Uni<Committed> transact(CommitBatch batch, Map<String, KnownTails.Tail> tails) {
        List<TransactWriteItem> items = new ArrayList<>();
        List<Integer> itemPartitions = new ArrayList<>(); // the partition of each item, -1 for producer checks
        Map<String, KnownTails.Tail> after = new HashMap<>();
        for (CommitBatch.PartitionCommit append : batch.partitions()) {
            String pk = DynamoKeys.partition(append.topicId(), append.partition());
            IndexEntry run = append.entry();
            long next = run.lastOffset() + 1;
            KnownTails.Tail tail = tails.get(pk);
            List<IndexEntry> grown = new ArrayList<>(tail.runs());
            grown.add(run);
            boolean seal = !DynamoRuns.fitTail(grown);
            // a seal writes exactly one page (so a partition never takes more than the 2 items CommitBatch counts):
            // the tail and the run; or, when they exceed a page's bytes, the tail alone, the run staying in the tail;
            // or, for a run too large for any tail, one page larger than 1 KB (billed more, never wrong)
            List<IndexEntry> sealed = grown;
            List<IndexEntry> left = List.of();
            if (seal && DynamoRuns.pages(grown).size() > 1 && DynamoRuns.fitTail(List.of(run))) {
                sealed = tail.runs();
                left = List.of(run);
            }
            Update.Builder head = Update.builder().tableName(table).key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)));
            // the size rides on the head update: every commit adds its entry's bytes (see PartitionHead)
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":next", n(next));
            values.put(":len", n(run.length()));
            List<String> set = new ArrayList<>();
            set.add("nextOffset = :next");
            String condition;
            if (append.lease() != null) {
                values.put(":expected", n(append.expectedNextOffset()));
                values.put(":epoch", n(append.lease().epoch()));
                values.put(":until", n(append.lease().renewUntilMs()));
                set.add("leaseExpiresAt = :until");
                set.add(SIZE_FROM + " = if_not_exists(" + SIZE_FROM + ", :expected)");
                condition = "nextOffset = :expected AND leaseEpoch = :epoch";
            } else if (append.headExists()) {
                values.put(":expected", n(append.expectedNextOffset()));
                set.add(SIZE_FROM + " = if_not_exists(" + SIZE_FROM + ", :expected)");
                condition = "nextOffset = :expected";
            } else {
                values.put(":zero", n(0));
                set.add("logStartOffset = :zero");
                set.add(SIZE_FROM + " = :zero");
                condition = "attribute_not_exists(pk)";
            }
            // the run: appended to the head's tail (one item), or sealed with the tail into a page (two)
            if (!seal) {
                int bytes = DynamoRuns.size(run);
                values.put(":run", DynamoRuns.list(List.of(run)));
                values.put(":rb", n(bytes));
                values.put(":none", AttributeValue.fromL(List.of()));
                values.put(":zero", n(0));
                set.add(DynamoRuns.TAIL + " = list_append(if_not_exists(" + DynamoRuns.TAIL + ", :none), :run)");
                set.add(DynamoRuns.TAIL_SIZE + " = if_not_exists(" + DynamoRuns.TAIL_SIZE + ", :zero) + :rb");
                if (append.headExists()) {
                    values.put(":room", n(DynamoRuns.TAIL_BYTES - bytes));
                    values.put(":most", n(DynamoRuns.TAIL_RUNS));
                    condition += " AND (attribute_not_exists(" + DynamoRuns.TAIL + ") OR size(" + DynamoRuns.TAIL
                            + ") < :most) AND (attribute_not_exists(" + DynamoRuns.TAIL_SIZE + ") OR "
                            + DynamoRuns.TAIL_SIZE + " <= :room)";
                }
                after.put(pk, new KnownTails.Tail(grown));
            } else {
                values.put(":left", DynamoRuns.list(left));
                values.put(":leftSize", n(DynamoRuns.size(left)));
                set.add(DynamoRuns.TAIL + " = :left");
                set.add(DynamoRuns.TAIL_SIZE + " = :leftSize");
                if (append.headExists()) {
                    if (tail.runs().isEmpty()) {
                        values.put(":zero", n(0));
                        condition += " AND (attribute_not_exists(" + DynamoRuns.TAIL + ") OR size(" + DynamoRuns.TAIL
                                + ") = :zero)";
                    } else {
                        // the page holds the tail as this commit knows it: it must be the stored one
                        values.put(":tail", DynamoRuns.list(tail.runs()));
                        condition += " AND " + DynamoRuns.TAIL + " = :tail";
                    }
                }
                after.put(pk, new KnownTails.Tail(left));
            }
            String expression = "SET " + String.join(", ", set)
                    + (append.headExists() ? " ADD " + SIZE_BYTES + " :len" : ", " + SIZE_BYTES + " = :len");
            head.updateExpression(expression).conditionExpression(condition).expressionAttributeValues(values);
            items.add(TransactWriteItem.builder().update(head.build()).build());
            if (seal) {
                Map<String, AttributeValue> page = DynamoRuns.pageItem(sealed);
                page.put(PK, s(pk));
                page.put(SK, s(DynamoKeys.entry(sealed.get(0).baseOffset())));
                items.add(TransactWriteItem.builder()
                        .put(Put.builder()
                                .tableName(table)
                                .item(page)
                                .conditionExpression("attribute_not_exists(pk)")
                                .build())
                        .build());
            }
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
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
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
                .map(response -> {
                    for (CommitBatch.PartitionCommit c : batch.partitions()) {
                        String pk = DynamoKeys.partition(c.topicId(), c.partition());
                        knownTails.put(pk, c.entry().lastOffset() + 1, after.get(pk));
                    }
                    double units = response.hasConsumedCapacity()
                                    && !response.consumedCapacity().isEmpty()
                            ? response.consumedCapacity().stream()
                                    .mapToDouble(c -> c.capacityUnits() == null ? 0 : c.capacityUnits())
                                    .sum()
                            : Double.NaN;
                    return new Committed(items.size(), units);
                })
                .onFailure()
                .invoke(failure -> batch.partitions()
                        .forEach(c -> knownTails.forget(DynamoKeys.partition(c.topicId(), c.partition()))));
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
                .map(r -> {
                    PartitionHead head = toHead(partition, r.attributes());
                    knownTails.put(
                            DynamoKeys.partition(topicId, partition),
                            head.nextOffset(),
                            new KnownTails.Tail(DynamoRuns.ofHead(r.attributes())));
                    return Optional.of(head);
                })
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
        String pk = DynamoKeys.partition(topicId, partition);
        // the head first (the run may be in its tail), then the pages: a run sealed in between is then in a page
        return index.head(pk).flatMap(head -> {
            int at = indexOf(head.tail(), baseOffset);
            if (at >= 0) {
                if (!head.tail().get(at).buckets().equals(expected)) {
                    return Uni.createFrom().item(false);
                }
                List<IndexEntry> tail = new ArrayList<>(head.tail());
                tail.set(at, withBuckets(tail.get(at), buckets));
                return conditionalUpdate(
                        pk,
                        DynamoKeys.HEAD,
                        "SET " + DynamoRuns.TAIL + " = :new, " + DynamoRuns.TAIL_SIZE + " = :size",
                        DynamoRuns.TAIL + " = :old",
                        Map.of(
                                ":new",
                                DynamoRuns.list(tail),
                                ":size",
                                n(DynamoRuns.size(tail)),
                                ":old",
                                head.item().get(DynamoRuns.TAIL)));
            }
            return index.pageAtOrBefore(pk, baseOffset).flatMap(found -> {
                if (found.isEmpty()) {
                    return Uni.createFrom().item(false);
                }
                DynamoIndex.Page page = found.get();
                int i = indexOf(page.runs(), baseOffset);
                if (i < 0 || !page.runs().get(i).buckets().equals(expected)) {
                    return Uni.createFrom().item(false);
                }
                if (page.legacy()) {
                    return conditionalUpdate(
                            pk,
                            DynamoKeys.entry(baseOffset),
                            "SET buckets = :new",
                            "attribute_exists(pk) AND buckets = :old",
                            Map.of(":new", strings(buckets), ":old", strings(expected)));
                }
                List<IndexEntry> runs = new ArrayList<>(page.runs());
                runs.set(i, withBuckets(runs.get(i), buckets));
                return conditionalUpdate(
                        pk,
                        DynamoKeys.entry(page.key()),
                        "SET " + DynamoRuns.RUNS + " = :new",
                        DynamoRuns.RUNS + " = :old",
                        Map.of(
                                ":new",
                                DynamoRuns.list(runs),
                                ":old",
                                page.item().get(DynamoRuns.RUNS)));
            });
        });
    }

    private Uni<Boolean> conditionalUpdate(
            String pk, String sk, String expression, String condition, Map<String, AttributeValue> values) {
        return call(
                        () -> dynamo.updateItem(b -> b.tableName(table)
                                .key(Map.of(PK, s(pk), SK, s(sk)))
                                .updateExpression(expression)
                                .conditionExpression(condition)
                                .expressionAttributeValues(values)),
                        t -> t instanceof ConditionalCheckFailedException ? new ConditionFailed() : null)
                .replaceWith(true)
                .onFailure(ConditionFailed.class)
                .recoverWithItem(false);
    }

    private static int indexOf(List<IndexEntry> runs, long baseOffset) {
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).baseOffset() == baseOffset) {
                return i;
            }
        }
        return -1;
    }

    private static IndexEntry withBuckets(IndexEntry e, List<String> buckets) {
        return new IndexEntry(
                e.baseOffset(),
                e.lastOffset(),
                e.objectKey(),
                e.position(),
                e.length(),
                e.maxTimestamp(),
                e.crc32c(),
                buckets);
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
        return index.entryAtOrBefore(DynamoKeys.partition(topicId, partition), offset);
    }

    @Override
    public Uni<List<IndexEntry>> entriesFrom(UUID topicId, int partition, long fromBaseOffset, int limit) {
        return index.entriesFrom(DynamoKeys.partition(topicId, partition), fromBaseOffset, limit);
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
