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
    private final DynamoIndex index;

    public DynamoCompactionStore(DynamoDbAsyncClient dynamo, String table, RetryPolicy retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
        this.reads = new DynamoBatches(dynamo, table, retry);
        this.index = new DynamoIndex(dynamo, table, retry);
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
        // the head first (with its tail), then the pages: a run sealed in between is then in a page
        return counted(pk).flatMap(counted -> {
            Set<Long> inTail = new HashSet<>();
            counted.tail.forEach(e -> inTail.add(e.baseOffset()));
            List<IndexEntry> inPages = removed.stream()
                    .filter(e -> !inTail.contains(e.baseOffset()))
                    .toList();
            Uni<List<DynamoIndex.Page>> pages = inPages.isEmpty()
                    ? Uni.createFrom().item(List.of())
                    : index.pagesHolding(
                            pk,
                            inPages.get(0).baseOffset(),
                            inPages.get(inPages.size() - 1).baseOffset());
            return pages.flatMap(read -> {
                List<TransactWriteItem> items = swapItems(pk, removed, added, lease, counted, read);
                return items == null ? Uni.createFrom().item(false) : transact(items);
            });
        });
    }

    /**
     * The items of a swap, or null when a removed run is no longer where and as it was read (nothing to do but
     * report the swap lost). The pages holding removed runs are rewritten (runs replaced, cut into pages again,
     * each conditioned on being as read); removed runs in the head's tail are replaced there, conditioned on the
     * tail being as read (a commit in between makes the swap lose, not the commit).
     */
    private List<TransactWriteItem> swapItems(
            String pk,
            List<IndexEntry> removed,
            List<IndexEntry> added,
            JobLease lease,
            Counted counted,
            List<DynamoIndex.Page> read) {
        Map<Long, IndexEntry> gone = new HashMap<>();
        removed.forEach(e -> gone.put(e.baseOffset(), e));
        Map<Long, IndexEntry> found = new HashMap<>();
        List<DynamoIndex.Page> affected = new ArrayList<>();
        for (DynamoIndex.Page page : read) {
            boolean holds = false;
            for (IndexEntry e : page.runs()) {
                if (gone.containsKey(e.baseOffset())) {
                    found.put(e.baseOffset(), e);
                    holds = true;
                }
            }
            if (holds) {
                affected.add(page);
            }
        }
        boolean tailAffected = false;
        for (IndexEntry e : counted.tail) {
            if (gone.containsKey(e.baseOffset())) {
                found.put(e.baseOffset(), e);
                tailAffected = true;
            }
        }
        for (IndexEntry e : removed) {
            IndexEntry now = found.get(e.baseOffset());
            if (now == null || !now.objectKey().equals(e.objectKey()) || now.position() != e.position()) {
                return null;
            }
        }
        List<IndexEntry> region = new ArrayList<>();
        affected.forEach(p -> region.addAll(p.runs()));
        List<IndexEntry> newTail = counted.tail;
        if (tailAffected) {
            region.addAll(counted.tail);
        }
        region.removeIf(e -> gone.containsKey(e.baseOffset()));
        region.addAll(added);
        region.sort(java.util.Comparator.comparingLong(IndexEntry::baseOffset));
        List<IndexEntry> toPages = region;
        if (tailAffected) {
            long tailStart = counted.tail.get(0).baseOffset();
            List<IndexEntry> tailPart =
                    region.stream().filter(e -> e.baseOffset() >= tailStart).toList();
            if (DynamoRuns.fitTail(tailPart)) {
                newTail = tailPart;
                toPages =
                        region.stream().filter(e -> e.baseOffset() < tailStart).toList();
            } else {
                newTail = List.of();
            }
        }
        List<TransactWriteItem> items = new ArrayList<>();
        items.add(leaseCheck(lease));
        items.addAll(rewrite(pk, affected, toPages));
        items.add(counted.afterSwap(pk, removed, added, tailAffected ? newTail : null));
        if (items.size() > TRANSACTION_ITEMS) { // the callers' swaps (n entries into one) take at most 100
            throw new IllegalArgumentException("a swap of " + removed.size() + " entries into " + added.size()
                    + " needs " + items.size() + " items; a transaction holds " + TRANSACTION_ITEMS);
        }
        return items;
    }

    /**
     * The writes that turn the index items {@code old} (as read) into pages of {@code runs}: an item whose key stays
     * is overwritten, one whose key goes is deleted, a new one is put where none is; each old one conditioned on
     * being as read.
     */
    private List<TransactWriteItem> rewrite(String pk, List<DynamoIndex.Page> old, List<IndexEntry> runs) {
        Map<Long, DynamoIndex.Page> byKey = new HashMap<>();
        old.forEach(p -> byKey.put(p.key(), p));
        List<TransactWriteItem> items = new ArrayList<>();
        Set<Long> kept = new HashSet<>();
        for (List<IndexEntry> page : runs.isEmpty() ? List.<List<IndexEntry>>of() : DynamoRuns.pages(runs)) {
            long key = page.get(0).baseOffset();
            Map<String, AttributeValue> item = DynamoRuns.pageItem(page);
            item.put(PK, s(pk));
            item.put(SK, s(DynamoKeys.entry(key)));
            Put.Builder put = Put.builder().tableName(table).item(item);
            DynamoIndex.Page was = byKey.get(key);
            if (was != null) {
                kept.add(key);
                DynamoIndex.Condition c = DynamoIndex.asRead(was, ":w");
                put.conditionExpression(c.expression()).expressionAttributeValues(c.values());
                if (!c.names().isEmpty()) {
                    put.expressionAttributeNames(c.names());
                }
            } else {
                put.conditionExpression("attribute_not_exists(pk)");
            }
            items.add(TransactWriteItem.builder().put(put.build()).build());
        }
        for (DynamoIndex.Page was : old) {
            if (!kept.contains(was.key())) {
                DynamoIndex.Condition c = DynamoIndex.asRead(was, ":w");
                Delete.Builder delete = Delete.builder()
                        .tableName(table)
                        .key(Map.of(PK, s(pk), SK, s(DynamoKeys.entry(was.key()))))
                        .conditionExpression(c.expression())
                        .expressionAttributeValues(c.values());
                if (!c.names().isEmpty()) {
                    delete.expressionAttributeNames(c.names());
                }
                items.add(TransactWriteItem.builder().delete(delete.build()).build());
            }
        }
        return items;
    }

    @Override
    public Uni<Boolean> truncate(
            UUID topicId, int partition, long logStartOffset, List<IndexEntry> dropped, JobLease lease) {
        String pk = DynamoKeys.partition(topicId, partition);
        Set<Long> drop = new HashSet<>();
        dropped.forEach(e -> drop.add(e.baseOffset()));
        // the head moves first (taking dropped runs out of its tail): readers then get 416 below it, whatever
        // pages are still there
        Uni<Boolean> chain = counted(pk).flatMap(counted -> {
            List<IndexEntry> tail = counted.tail.stream()
                    .filter(e -> !drop.contains(e.baseOffset()))
                    .toList();
            return transact(List.of(
                    leaseCheck(lease),
                    counted.afterTruncate(
                            pk, logStartOffset, dropped, tail.size() == counted.tail.size() ? null : tail)));
        });
        if (dropped.isEmpty()) {
            return chain;
        }
        long lo = dropped.stream().mapToLong(IndexEntry::baseOffset).min().orElseThrow();
        long hi = dropped.stream().mapToLong(IndexEntry::baseOffset).max().orElseThrow();
        return chain.flatMap(ok -> {
            if (!ok) {
                return Uni.createFrom().item(false);
            }
            return index.pagesHolding(pk, lo, hi).flatMap(pages -> {
                // per page holding dropped runs, the writes that take them out (1 or 2 items, kept together)
                List<List<TransactWriteItem>> changes = new ArrayList<>();
                for (DynamoIndex.Page page : pages) {
                    List<IndexEntry> left = page.runs().stream()
                            .filter(e -> !drop.contains(e.baseOffset()))
                            .toList();
                    if (left.size() < page.runs().size()) {
                        changes.add(rewrite(pk, List.of(page), left));
                    }
                }
                Uni<Boolean> deletes = Uni.createFrom().item(true);
                List<TransactWriteItem> batch = new ArrayList<>();
                List<List<TransactWriteItem>> batches = new ArrayList<>();
                for (List<TransactWriteItem> change : changes) {
                    if (batch.size() + change.size() > MAX_ENTRIES_PER_SWAP) {
                        batches.add(batch);
                        batch = new ArrayList<>();
                    }
                    batch.addAll(change);
                }
                if (!batch.isEmpty()) {
                    batches.add(batch);
                }
                for (List<TransactWriteItem> b : batches) {
                    deletes = deletes.flatMap(still -> {
                        if (!still) {
                            return Uni.createFrom().item(false);
                        }
                        List<TransactWriteItem> items = new ArrayList<>();
                        items.add(leaseCheck(lease));
                        items.addAll(b);
                        return transact(items);
                    });
                }
                return deletes;
            });
        });
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
                                .filterExpression("begins_with(pk, :p) AND (begins_with(sk, :o) OR sk = :h)")
                                .expressionAttributeValues(Map.of(
                                        ":p", s("P#"), ":o", s(DynamoKeys.ENTRY_PREFIX), ":h", s(DynamoKeys.HEAD)))
                                .build(),
                        new HashMap<>())
                .flatMap(this::completed);
    }

    /** What a scan saw of one partition: its head (if seen) and its runs by base offset (pages, then the tail). */
    private static final class Scanned {
        DynamoIndex.Head head;
        long lastPageKey = -1;
        long pagesEnd = -1;
        final java.util.TreeMap<Long, IndexEntry> runs = new java.util.TreeMap<>();
    }

    private Uni<Map<String, Scanned>> scan(ScanRequest request, Map<String, Scanned> acc) {
        return call(() -> dynamo.scan(request)).flatMap(r -> {
            for (Map<String, AttributeValue> item : r.items()) {
                Scanned p = acc.computeIfAbsent(item.get(PK).s(), k -> new Scanned());
                if (DynamoKeys.HEAD.equals(item.get(SK).s())) {
                    p.head = DynamoIndex.Head.of(item);
                    p.head.tail().forEach(e -> p.runs.put(e.baseOffset(), e));
                } else {
                    DynamoIndex.Page page = DynamoIndex.Page.of(item);
                    page.runs().forEach(e -> p.runs.putIfAbsent(e.baseOffset(), e));
                    p.lastPageKey = Math.max(p.lastPageKey, page.key());
                    p.pagesEnd = Math.max(p.pagesEnd, page.end());
                }
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

    /**
     * The scan's runs, made complete: a scan reads a partition's head and pages at different moments, so a run a
     * commit sealed in between (out of the tail, into a new page) may be in neither. That shows as a hole between
     * the pages' end and where the head's tail starts; such a partition's pages from its last page seen on are read
     * again, after the head was (garbage collection must never miss a run: its object would be deleted).
     */
    private Uni<List<ScannedEntry>> completed(Map<String, Scanned> scanned) {
        List<Uni<Void>> rereads = new ArrayList<>();
        scanned.forEach((pk, p) -> {
            boolean hole = p.head == null || p.head.tailStart() > Math.max(p.pagesEnd + 1, logStart(p.head));
            if (hole) {
                rereads.add(reads.queryAll(QueryRequest.builder()
                                .tableName(table)
                                .consistentRead(true)
                                .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                                .expressionAttributeValues(Map.of(
                                        ":pk",
                                        s(pk),
                                        ":lo",
                                        s(DynamoKeys.entry(Math.max(0, p.lastPageKey))),
                                        ":hi",
                                        s(DynamoKeys.LAST_ENTRY)))
                                .build())
                        .invoke(items -> items.forEach(
                                i -> DynamoIndex.Page.of(i).runs().forEach(e -> p.runs.putIfAbsent(e.baseOffset(), e))))
                        .replaceWithVoid());
            }
        });
        Uni<Void> all = rereads.isEmpty()
                ? Uni.createFrom().voidItem()
                : Uni.join().all(rereads).andFailFast().replaceWithVoid();
        return all.map(ignored -> {
            List<ScannedEntry> out = new ArrayList<>();
            scanned.forEach((pk, p) -> {
                int hash = pk.lastIndexOf('#');
                UUID topicId = UUID.fromString(pk.substring(2, hash));
                int partition = Integer.parseInt(pk.substring(hash + 1));
                p.runs.values().forEach(e -> out.add(new ScannedEntry(topicId, partition, e)));
            });
            return out;
        });
    }

    private static long logStart(DynamoIndex.Head head) {
        return head.item().containsKey("logStartOffset") ? n(head.item(), "logStartOffset") : 0;
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
                        .projectionExpression(
                                "logStartOffset, " + DynamoMetadataStore.SIZE_FROM + ", " + DynamoRuns.TAIL)))
                .map(r -> {
                    Map<String, AttributeValue> item = r.hasItem() ? r.item() : Map.of();
                    return new Counted(
                            item.containsKey("logStartOffset") ? n(item, "logStartOffset") : 0,
                            item.containsKey(DynamoMetadataStore.SIZE_FROM)
                                    ? n(item, DynamoMetadataStore.SIZE_FROM)
                                    : null,
                            item.get(DynamoRuns.TAIL));
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
        /** The head's tail as read (null when it has none), and its runs. */
        private final AttributeValue rawTail;

        private final List<IndexEntry> tail;

        Counted(long logStart, Long sizeFrom, AttributeValue rawTail) {
            this.logStart = logStart;
            this.sizeFrom = sizeFrom;
            this.rawTail = rawTail;
            this.tail = DynamoRuns.entries(rawTail);
        }

        /**
         * The head's tail replaced by {@code newTail} (null: left alone) on condition it is still as read: the SET
         * clauses (leading comma), the condition (leading AND) and their values, into {@code values}.
         */
        private String[] tailChange(List<IndexEntry> newTail, Map<String, AttributeValue> values) {
            if (newTail == null) {
                return new String[] {"", ""};
            }
            values.put(":newTail", DynamoRuns.list(newTail));
            values.put(":newTailSize", n(DynamoRuns.size(newTail)));
            values.put(":wasTail", rawTail);
            return new String[] {
                ", " + DynamoRuns.TAIL + " = :newTail, " + DynamoRuns.TAIL_SIZE + " = :newTailSize",
                " AND " + DynamoRuns.TAIL + " = :wasTail"
            };
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
        TransactWriteItem afterSwap(
                String pk, List<IndexEntry> removed, List<IndexEntry> added, List<IndexEntry> newTail) {
            Map<String, AttributeValue> tailValues = new HashMap<>();
            String[] tailChange = tailChange(newTail, tailValues);
            if (sizeFrom == null && newTail != null) {
                return TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(table)
                                .key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)))
                                .updateExpression("SET " + tailChange[0].substring(2))
                                .conditionExpression("attribute_not_exists(#from)" + tailChange[1])
                                .expressionAttributeNames(Map.of("#from", DynamoMetadataStore.SIZE_FROM))
                                .expressionAttributeValues(tailValues)
                                .build())
                        .build();
            }
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
            Map<String, AttributeValue> values = new HashMap<>(tailValues);
            values.put(":from", n(from));
            values.put(":delta", n(addedBytes - bytes(removed)));
            return headUpdate(pk, "SET #from = :from" + tailChange[0] + " ADD #size :delta", tailChange[1], values);
        }

        /** The head with its log start moved to {@code start} and the dropped entries' counted bytes taken off. */
        TransactWriteItem afterTruncate(String pk, long start, List<IndexEntry> dropped, List<IndexEntry> newTail) {
            Map<String, AttributeValue> tailValues = new HashMap<>();
            String[] tailChange = tailChange(newTail, tailValues);
            String move = "SET logStartOffset = :start" + tailChange[0];
            String bounds =
                    "attribute_exists(pk) AND logStartOffset <= :start AND nextOffset >= :start" + tailChange[1];
            if (sizeFrom == null) {
                Map<String, AttributeValue> values = new HashMap<>(tailValues);
                values.put(":start", n(start));
                return TransactWriteItem.builder()
                        .update(Update.builder()
                                .tableName(table)
                                .key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)))
                                .updateExpression(move)
                                .conditionExpression(bounds + " AND attribute_not_exists(#from)")
                                .expressionAttributeNames(Map.of("#from", DynamoMetadataStore.SIZE_FROM))
                                .expressionAttributeValues(values)
                                .build())
                        .build();
            }
            Map<String, AttributeValue> values = new HashMap<>(tailValues);
            values.put(":start", n(start));
            values.put(":delta", n(-bytes(dropped)));
            return headUpdate(pk, move + " ADD #size :delta", " AND " + bounds, values);
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
