package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;
import static io.eddy.core.storage.dynamo.DynamoValues.n;
import static io.eddy.core.storage.dynamo.DynamoValues.s;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.SdkCalls;
import io.eddy.core.support.RetryPolicy;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@link CompactionStore} on the Eddy table: job leases are {@code L#<name>/LEASE} items (owner, epoch, expiry);
 * replaced-object markers are {@code REPLACED/<object key>} items; deleted topics' tombstones are
 * {@code DELETED/<topic id>} items ({@link DynamoTombstones}); index entries and heads are the ones commits
 * write ({@link DynamoEntries}). Thread-safe.
 */
public final class DynamoCompactionStore implements CompactionStore {
    private static final String OWNER = "owner";
    private static final String EPOCH = "epoch";
    private static final String EXPIRES_AT = "expiresAt";
    private static final String REPLACED_AT = "replacedAt";
    /** DynamoDB's limit of items per transaction. */
    private static final int TRANSACTION_ITEMS = 100;

    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final RetryPolicy retry;
    private final DynamoBatches reads;

    public DynamoCompactionStore(DynamoDbAsyncClient dynamo, String table, RetryPolicy retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
        this.reads = new DynamoBatches(dynamo, table, retry);
    }

    @Override
    public Uni<Optional<JobLease>> acquire(String name, String owner, long nowMs, long expiresAtMs) {
        return call(() -> dynamo.updateItem(b -> b.tableName(table)
                        .key(leaseKey(name))
                        .updateExpression("SET #o = :owner, #x = :until, #e = if_not_exists(#e, :zero) + :one")
                        .conditionExpression("attribute_not_exists(pk) OR #x < :now OR #o = :owner")
                        .expressionAttributeNames(Map.of("#o", OWNER, "#x", EXPIRES_AT, "#e", EPOCH))
                        .expressionAttributeValues(Map.of(
                                ":owner",
                                s(owner),
                                ":until",
                                n(expiresAtMs),
                                ":zero",
                                n(0),
                                ":one",
                                n(1),
                                ":now",
                                n(nowMs)))
                        .returnValues(ReturnValue.ALL_NEW)))
                .map(r -> Optional.of(new JobLease(
                        name, owner, Long.parseLong(r.attributes().get(EPOCH).n()), expiresAtMs)))
                .onFailure(ConditionalCheckFailedException.class)
                .recoverWithItem(Optional.empty());
    }

    @Override
    public Uni<Void> release(JobLease lease) {
        return call(() -> dynamo.updateItem(b -> b.tableName(table)
                        .key(leaseKey(lease.name()))
                        .updateExpression("SET #x = :zero")
                        .conditionExpression("#o = :owner AND #e = :epoch")
                        .expressionAttributeNames(Map.of("#o", OWNER, "#x", EXPIRES_AT, "#e", EPOCH))
                        .expressionAttributeValues(
                                Map.of(":zero", n(0), ":owner", s(lease.owner()), ":epoch", n(lease.epoch())))))
                .replaceWithVoid()
                .onFailure(ConditionalCheckFailedException.class)
                .recoverWithNull();
    }

    @Override
    public Uni<Boolean> swap(
            UUID topicId, int partition, List<IndexEntry> removed, List<IndexEntry> added, JobLease lease) {
        if (removed.isEmpty()
                || added.isEmpty()
                || removed.size() > MAX_ENTRIES_PER_SWAP
                || added.size() > MAX_ENTRIES_PER_SWAP) {
            throw new IllegalArgumentException("a swap replaces 1 to " + MAX_ENTRIES_PER_SWAP + " entries");
        }
        String pk = DynamoKeys.partition(topicId, partition);
        return counted(pk).flatMap(counted -> transact(swapItems(pk, removed, added, lease, counted)));
    }

    private List<TransactWriteItem> swapItems(
            String pk, List<IndexEntry> removed, List<IndexEntry> added, JobLease lease, Counted counted) {
        Map<Long, IndexEntry> old = new HashMap<>();
        removed.forEach(e -> old.put(e.baseOffset(), e));
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(leaseCheck(lease));
        Set<Long> overwritten = new HashSet<>();
        for (IndexEntry e : added) {
            Map<String, AttributeValue> item = new HashMap<>(DynamoEntries.item(e));
            item.put(PK, s(pk));
            item.put(SK, s(DynamoKeys.entry(e.baseOffset())));
            IndexEntry replaced = old.get(e.baseOffset());
            Put.Builder put = Put.builder().tableName(table).item(item);
            if (replaced != null) {
                overwritten.add(e.baseOffset());
                put.conditionExpression("objectKey = :k AND #p = :pos")
                        .expressionAttributeNames(Map.of("#p", DynamoEntries.POSITION))
                        .expressionAttributeValues(
                                Map.of(":k", s(replaced.objectKey()), ":pos", n(replaced.position())));
            } else {
                put.conditionExpression("attribute_not_exists(pk)");
            }
            items.add(TransactWriteItem.builder().put(put.build()).build());
        }
        for (IndexEntry e : removed) {
            if (!overwritten.contains(e.baseOffset())) {
                items.add(TransactWriteItem.builder().delete(entryDelete(pk, e)).build());
            }
        }
        items.add(counted.afterSwap(pk, removed, added));
        if (items.size() > TRANSACTION_ITEMS) { // the callers' swaps (n entries into one) take at most 100
            throw new IllegalArgumentException("a swap of " + removed.size() + " entries into " + added.size()
                    + " needs " + items.size() + " items; a transaction holds " + TRANSACTION_ITEMS);
        }
        return items;
    }

    @Override
    public Uni<Boolean> truncate(
            UUID topicId, int partition, long logStartOffset, List<IndexEntry> dropped, JobLease lease) {
        String pk = DynamoKeys.partition(topicId, partition);
        // the head moves first: readers then get 416 below it, whatever entries are still there
        Uni<Boolean> chain = counted(pk)
                .flatMap(counted ->
                        transact(List.of(leaseCheck(lease), counted.afterTruncate(pk, logStartOffset, dropped))));
        for (int i = 0; i < dropped.size(); i += MAX_ENTRIES_PER_SWAP) {
            List<IndexEntry> chunk = dropped.subList(i, Math.min(dropped.size(), i + MAX_ENTRIES_PER_SWAP));
            chain = chain.flatMap(ok -> {
                if (!ok) {
                    return Uni.createFrom().item(false);
                }
                List<TransactWriteItem> items = new ArrayList<>();
                items.add(leaseCheck(lease));
                chunk.forEach(e -> items.add(
                        TransactWriteItem.builder().delete(entryDelete(pk, e)).build()));
                return transact(items);
            });
        }
        return chain;
    }

    @Override
    public Uni<Void> markReplaced(List<String> objectKeys, long atMs) {
        List<WriteRequest> puts = objectKeys.stream()
                .distinct()
                .map(k -> WriteRequest.builder()
                        .putRequest(PutRequest.builder()
                                .item(Map.of(PK, s(DynamoKeys.REPLACED), SK, s(k), REPLACED_AT, n(atMs)))
                                .build())
                        .build())
                .toList();
        return reads.batchWrite(puts);
    }

    @Override
    public Uni<Map<String, Long>> replaced() {
        return reads.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(DynamoKeys.REPLACED)))
                        .build())
                .map(items -> {
                    Map<String, Long> out = new HashMap<>();
                    items.forEach(i -> out.put(
                            i.get(SK).s(), Long.parseLong(i.get(REPLACED_AT).n())));
                    return out;
                });
    }

    @Override
    public Uni<Void> forgetReplaced(List<String> objectKeys) {
        return reads.batchWrite(objectKeys.stream()
                .distinct()
                .map(k -> WriteRequest.builder()
                        .deleteRequest(DeleteRequest.builder()
                                .key(Map.of(PK, s(DynamoKeys.REPLACED), SK, s(k)))
                                .build())
                        .build())
                .toList());
    }

    @Override
    public Uni<List<ScannedEntry>> scanEntries() {
        return scan(
                ScanRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .filterExpression("begins_with(pk, :p) AND begins_with(sk, :o)")
                        .expressionAttributeValues(Map.of(":p", s("P#"), ":o", s(DynamoKeys.ENTRY_PREFIX)))
                        .build(),
                new ArrayList<>());
    }

    private Uni<List<ScannedEntry>> scan(ScanRequest request, List<ScannedEntry> acc) {
        return call(() -> dynamo.scan(request)).flatMap(r -> {
            for (Map<String, AttributeValue> item : r.items()) {
                String pk = item.get(PK).s();
                int hash = pk.lastIndexOf('#');
                acc.add(new ScannedEntry(
                        UUID.fromString(pk.substring(2, hash)),
                        Integer.parseInt(pk.substring(hash + 1)),
                        DynamoEntries.entry(item)));
            }
            if (r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty()) {
                return scan(
                        request.toBuilder()
                                .exclusiveStartKey(r.lastEvaluatedKey())
                                .build(),
                        acc);
            }
            return Uni.createFrom().item(acc);
        });
    }

    @Override
    public Uni<Integer> purgePartition(UUID topicId, int partition) {
        return reads.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .projectionExpression("pk, sk")
                        .expressionAttributeValues(Map.of(":pk", s(DynamoKeys.partition(topicId, partition))))
                        .build())
                .flatMap(items -> reads.batchWrite(items.stream()
                                .map(i -> WriteRequest.builder()
                                        .deleteRequest(DeleteRequest.builder()
                                                .key(Map.of(PK, i.get(PK), SK, i.get(SK)))
                                                .build())
                                        .build())
                                .toList())
                        .replaceWith(items.size()));
    }

    @Override
    public Uni<List<DeletedTopic>> deletedTopics() {
        return reads.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(DynamoKeys.DELETED_TOPICS)))
                        .build())
                .map(items -> items.stream().map(DynamoTombstones::deleted).toList());
    }

    @Override
    public Uni<Void> forgetDeletedTopic(UUID topicId) {
        return call(() -> dynamo.deleteItem(b -> b.tableName(table).key(DynamoTombstones.key(topicId))))
                .replaceWithVoid();
    }

    // ---- partition sizes -----------------------------------------------------------------------------------

    /** Reads what a partition head's size counts (see {@link PartitionHead}): its log start and size start. */
    private Uni<Counted> counted(String pk) {
        return call(() -> dynamo.getItem(b -> b.tableName(table)
                        .consistentRead(true)
                        .key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)))
                        .projectionExpression("logStartOffset, " + DynamoMetadataStore.SIZE_FROM)))
                .map(r -> {
                    Map<String, AttributeValue> item = r.hasItem() ? r.item() : Map.of();
                    return new Counted(
                            item.containsKey("logStartOffset") ? n(item, "logStartOffset") : 0,
                            item.containsKey(DynamoMetadataStore.SIZE_FROM)
                                    ? n(item, DynamoMetadataStore.SIZE_FROM)
                                    : null);
                });
    }

    /**
     * A head's size bookkeeping as read: it counts the entries whose base offset is at or above {@code sizeFrom}
     * and that are still live (last offset at or above {@code logStart}); a null {@code sizeFrom} counts nothing
     * yet. Each change below is conditioned on both still being as read, in the transaction that moves entries.
     */
    private final class Counted {
        private final long logStart;
        private final Long sizeFrom;

        Counted(long logStart, Long sizeFrom) {
            this.logStart = logStart;
            this.sizeFrom = sizeFrom;
        }

        private boolean counts(IndexEntry e) {
            return sizeFrom != null && e.baseOffset() >= sizeFrom && e.lastOffset() >= logStart;
        }

        private long bytes(List<IndexEntry> entries) {
            return entries.stream()
                    .filter(this::counts)
                    .mapToLong(IndexEntry::length)
                    .sum();
        }

        /**
         * The head after {@code removed} became {@code added}: the size moves by what was rewritten. An added entry
         * reaching from below {@code sizeFrom} to above it (a merge across where counting began) is counted whole,
         * and the count then starts at its base: nothing else is live between the two.
         */
        TransactWriteItem afterSwap(String pk, List<IndexEntry> removed, List<IndexEntry> added) {
            if (sizeFrom == null) {
                return TransactWriteItem.builder()
                        .conditionCheck(ConditionCheck.builder()
                                .tableName(table)
                                .key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)))
                                .conditionExpression("attribute_not_exists(#from)")
                                .expressionAttributeNames(Map.of("#from", DynamoMetadataStore.SIZE_FROM))
                                .build())
                        .build();
            }
            long from = sizeFrom;
            long addedBytes = 0;
            for (IndexEntry e : added) {
                if (e.lastOffset() >= sizeFrom && e.lastOffset() >= logStart) {
                    from = Math.min(from, e.baseOffset());
                    addedBytes += e.length();
                }
            }
            return headUpdate(
                    pk,
                    "SET #from = :from ADD #size :delta",
                    "",
                    Map.of(":from", n(from), ":delta", n(addedBytes - bytes(removed))));
        }

        /** The head with its log start moved to {@code start} and the dropped entries' counted bytes taken off. */
        TransactWriteItem afterTruncate(String pk, long start, List<IndexEntry> dropped) {
            String move = "SET logStartOffset = :start";
            String bounds = "attribute_exists(pk) AND logStartOffset <= :start AND nextOffset >= :start";
            if (sizeFrom == null) {
                return TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(table)
                                .key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)))
                                .updateExpression(move)
                                .conditionExpression(bounds + " AND attribute_not_exists(#from)")
                                .expressionAttributeNames(Map.of("#from", DynamoMetadataStore.SIZE_FROM))
                                .expressionAttributeValues(Map.of(":start", n(start)))
                                .build())
                        .build();
            }
            return headUpdate(
                    pk,
                    move + " ADD #size :delta",
                    " AND " + bounds,
                    Map.of(":start", n(start), ":delta", n(-bytes(dropped))));
        }

        /** An update of the head conditioned on its size bookkeeping being as read (and on {@code condition}). */
        private TransactWriteItem headUpdate(
                String pk, String expression, String condition, Map<String, AttributeValue> values) {
            Map<String, AttributeValue> all = new HashMap<>(values);
            all.put(":wasFrom", n(sizeFrom));
            all.put(":wasStart", n(logStart));
            return TransactWriteItem.builder()
                    .update(Update.builder()
                            .tableName(table)
                            .key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)))
                            .updateExpression(expression)
                            .conditionExpression("#from = :wasFrom AND logStartOffset = :wasStart" + condition)
                            .expressionAttributeNames(Map.of(
                                    "#from", DynamoMetadataStore.SIZE_FROM, "#size", DynamoMetadataStore.SIZE_BYTES))
                            .expressionAttributeValues(all)
                            .build())
                    .build();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private TransactWriteItem leaseCheck(JobLease lease) {
        return TransactWriteItem.builder()
                .conditionCheck(ConditionCheck.builder()
                        .tableName(table)
                        .key(leaseKey(lease.name()))
                        .conditionExpression("#o = :owner AND #e = :epoch")
                        .expressionAttributeNames(Map.of("#o", OWNER, "#e", EPOCH))
                        .expressionAttributeValues(Map.of(":owner", s(lease.owner()), ":epoch", n(lease.epoch())))
                        .build())
                .build();
    }

    private Delete entryDelete(String pk, IndexEntry e) {
        return Delete.builder()
                .tableName(table)
                .key(Map.of(PK, s(pk), SK, s(DynamoKeys.entry(e.baseOffset()))))
                .conditionExpression("objectKey = :k AND #p = :pos")
                .expressionAttributeNames(Map.of("#p", DynamoEntries.POSITION))
                .expressionAttributeValues(Map.of(":k", s(e.objectKey()), ":pos", n(e.position())))
                .build();
    }

    /** True when committed; false when a condition failed (entries changed, lease lost). */
    private Uni<Boolean> transact(List<TransactWriteItem> items) {
        return call(() -> dynamo.transactWriteItems(
                        b -> b.clientRequestToken(UUID.randomUUID().toString()).transactItems(items)))
                .replaceWith(true)
                .onFailure(t -> t instanceof TransactionCanceledException tce && DynamoErrors.anyConditionFailed(tce)
                        || t.getCause() instanceof TransactionCanceledException c && DynamoErrors.anyConditionFailed(c))
                .recoverWithItem(false);
    }

    private Map<String, AttributeValue> leaseKey(String name) {
        return Map.of(PK, s(DynamoKeys.lease(name)), SK, s(DynamoKeys.LEASE));
    }

    private <T> Uni<T> call(Supplier<CompletionStage<T>> call) {
        return retry.apply(SdkCalls.call(call, DynamoErrors::translate));
    }
}
