package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;
import static io.eddy.core.storage.dynamo.DynamoValues.n;
import static io.eddy.core.storage.dynamo.DynamoValues.s;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.storage.SdkCalls;
import io.eddy.core.support.RetryPolicy;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads a partition's runs wherever they are: in index pages ({@code O#} items) and in its head's tail (see {@link
 * DynamoRuns}). The one rule that keeps a reader from missing a run that a commit seals (moves from the tail into a
 * new page) while it reads: <b>whatever combines the tail with pages reads the head first, then the pages it needs
 * after that head read</b>. A page read before the head is only trusted where it covers the offset asked for (pages
 * are immutable but for compaction, which keeps them covering the same offsets), or where its end meets the tail the
 * head read shows; otherwise the pages are read again, after the head. Runs seen twice (in a tail, then in the page
 * that sealed them) are de-duplicated by base offset. Thread-safe.
 */
final class DynamoIndex {
    private final DynamoDbAsyncClient dynamo;
    private final String table;
    private final RetryPolicy retry;
    private final DynamoBatches batches;

    DynamoIndex(DynamoDbAsyncClient dynamo, String table, RetryPolicy retry) {
        this.dynamo = dynamo;
        this.table = table;
        this.retry = retry;
        this.batches = new DynamoBatches(dynamo, table, retry);
    }

    /** An index item as read: its key offset, its runs and the item (for a write conditioned on it being as read). */
    record Page(long key, List<IndexEntry> runs, Map<String, AttributeValue> item) {
        static Page of(Map<String, AttributeValue> item) {
            return new Page(DynamoEntries.base(item), DynamoRuns.ofPage(item), item);
        }

        long end() {
            return runs.get(runs.size() - 1).lastOffset();
        }

        /** Whether this item is in the format written before pages (one run, no list). */
        boolean legacy() {
            return !item.containsKey(DynamoRuns.RUNS);
        }
    }

    /** A head as read: its next offset (0 when none) and its tail. */
    record Head(long nextOffset, List<IndexEntry> tail, Map<String, AttributeValue> item) {
        static Head of(Map<String, AttributeValue> item) {
            if (item == null || item.isEmpty()) {
                return new Head(0, List.of(), Map.of());
            }
            return new Head(item.containsKey("nextOffset") ? n(item, "nextOffset") : 0, DynamoRuns.ofHead(item), item);
        }

        /** Where the tail starts: its first run's base, or the next offset when it is empty. */
        long tailStart() {
            return tail.isEmpty() ? nextOffset : tail.get(0).baseOffset();
        }
    }

    Uni<Head> head(String pk) {
        return call(() -> dynamo.getItem(
                        b -> b.tableName(table).consistentRead(true).key(Map.of(PK, s(pk), SK, s(DynamoKeys.HEAD)))))
                .map(r -> Head.of(r.hasItem() ? r.item() : null));
    }

    /** The index item with the greatest key at or below {@code offset}. */
    Uni<Optional<Page>> pageAtOrBefore(String pk, long offset) {
        QueryRequest request = QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                .expressionAttributeValues(
                        Map.of(":pk", s(pk), ":lo", s(DynamoKeys.ENTRY_PREFIX), ":hi", s(DynamoKeys.entry(offset))))
                .scanIndexForward(false)
                .limit(1)
                .build();
        return call(() -> dynamo.query(request))
                .map(r -> r.items().stream().findFirst().map(Page::of));
    }

    /** Up to {@code limit} index items with keys at or above {@code from}, ascending. */
    Uni<List<Page>> pagesFrom(String pk, long from, int limit) {
        QueryRequest request = QueryRequest.builder()
                .tableName(table)
                .consistentRead(true)
                .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                .expressionAttributeValues(
                        Map.of(":pk", s(pk), ":lo", s(DynamoKeys.entry(from)), ":hi", s(DynamoKeys.LAST_ENTRY)))
                .scanIndexForward(true)
                .limit(limit)
                .build();
        return call(() -> dynamo.query(request))
                .map(r -> r.items().stream().map(Page::of).toList());
    }

    /** Every index item holding a run with a base offset in {@code [lo, hi]}, ascending. */
    Uni<List<Page>> pagesHolding(String pk, long lo, long hi) {
        Uni<List<Map<String, AttributeValue>>> after = lo >= hi
                ? Uni.createFrom().item(List.of())
                : batches.queryAll(QueryRequest.builder()
                        .tableName(table)
                        .consistentRead(true)
                        .keyConditionExpression("pk = :pk AND sk BETWEEN :lo AND :hi")
                        .expressionAttributeValues(Map.of(
                                ":pk", s(pk), ":lo", s(DynamoKeys.entry(lo + 1)), ":hi", s(DynamoKeys.entry(hi))))
                        .build());
        return pageAtOrBefore(pk, lo)
                .flatMap(first -> after.map(rest -> {
                    List<Page> out = new ArrayList<>();
                    first.ifPresent(out::add);
                    rest.forEach(i -> out.add(Page.of(i)));
                    return out;
                }));
    }

    /** See {@link io.eddy.core.storage.MetadataStore#entryAtOrBefore}; the rule in the class comment. */
    Uni<Optional<IndexEntry>> entryAtOrBefore(String pk, long offset) {
        return pageAtOrBefore(pk, offset).flatMap(page -> {
            if (page.isPresent() && page.get().end() >= offset) {
                return Uni.createFrom().item(atOrBefore(page.get().runs(), offset));
            }
            return head(pk).flatMap(head -> {
                Optional<IndexEntry> inTail = atOrBefore(head.tail(), offset);
                if (inTail.isPresent()) {
                    return Uni.createFrom().item(inTail);
                }
                long pagesEnd = page.map(Page::end).orElse(-1L);
                if (page.isPresent() && pagesEnd + 1 >= head.tailStart()) {
                    return Uni.createFrom().item(atOrBefore(page.get().runs(), offset));
                }
                // something may have been sealed between the page read and the head read: read pages again
                return pageAtOrBefore(pk, offset).map(again -> {
                    List<IndexEntry> runs = new ArrayList<>();
                    page.ifPresent(p -> runs.addAll(p.runs()));
                    again.ifPresent(p -> runs.addAll(p.runs()));
                    return atOrBefore(runs, offset);
                });
            });
        });
    }

    /** See {@link io.eddy.core.storage.MetadataStore#entriesFrom}; the rule in the class comment. */
    Uni<List<IndexEntry>> entriesFrom(String pk, long from, int limit) {
        return pages(pk, from, limit).flatMap(first -> {
            if (first.items() >= limit) {
                return Uni.createFrom().item(first.from(from, limit));
            }
            return head(pk).flatMap(head -> {
                Runs all = first.with(head.tail());
                long pagesEnd = first.pagesEnd();
                if (pagesEnd + 1 >= head.tailStart() || head.tailStart() <= from) {
                    return Uni.createFrom().item(all.from(from, limit));
                }
                return pages(pk, from, limit).map(again -> all.with(again).from(from, limit));
            });
        });
    }

    /** The items from {@code from} (with the one covering it), as runs by base offset. */
    private Uni<Runs> pages(String pk, long from, int limit) {
        return pagesFrom(pk, from, limit).flatMap(found -> {
            Runs runs = new Runs(new TreeMap<>(), found.size(), -1);
            found.forEach(runs::add);
            if (!found.isEmpty() && found.get(0).key() == from) {
                return Uni.createFrom().item(runs);
            }
            return pageAtOrBefore(pk, from).map(before -> {
                before.ifPresent(runs::add);
                return runs;
            });
        });
    }

    /** Runs collected by base offset (a later read of one base replaces an earlier one). */
    private static final class Runs {
        private final TreeMap<Long, IndexEntry> byBase;
        private final int items;
        private long pagesEnd;

        Runs(TreeMap<Long, IndexEntry> byBase, int items, long pagesEnd) {
            this.byBase = byBase;
            this.items = items;
            this.pagesEnd = pagesEnd;
        }

        void add(Page page) {
            page.runs().forEach(e -> byBase.put(e.baseOffset(), e));
            pagesEnd = Math.max(pagesEnd, page.end());
        }

        int items() {
            return items;
        }

        long pagesEnd() {
            return pagesEnd;
        }

        Runs with(List<IndexEntry> runs) {
            TreeMap<Long, IndexEntry> all = new TreeMap<>(byBase);
            runs.forEach(e -> all.put(e.baseOffset(), e));
            return new Runs(all, items, pagesEnd);
        }

        Runs with(Runs other) {
            TreeMap<Long, IndexEntry> all = new TreeMap<>(byBase);
            all.putAll(other.byBase);
            return new Runs(all, items, Math.max(pagesEnd, other.pagesEnd));
        }

        List<IndexEntry> from(long from, int limit) {
            return byBase.tailMap(from, true).values().stream().limit(limit).toList();
        }
    }

    /** The run with the greatest base offset at or below {@code offset}. */
    static Optional<IndexEntry> atOrBefore(List<IndexEntry> runs, long offset) {
        IndexEntry best = null;
        for (IndexEntry e : runs) {
            if (e.baseOffset() <= offset && (best == null || e.baseOffset() > best.baseOffset())) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The condition that an index item is still as {@code page} was read: its run list, or for an item written
     * before pages its object and position (what a swap conditioned it on before).
     */
    static Condition asRead(Page page, String prefix) {
        Map<String, AttributeValue> values = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        if (page.legacy()) {
            IndexEntry e = page.runs().get(0);
            names.put("#p", DynamoEntries.POSITION);
            values.put(prefix + "k", s(e.objectKey()));
            values.put(prefix + "pos", n(e.position()));
            return new Condition("objectKey = " + prefix + "k AND #p = " + prefix + "pos", names, values);
        }
        values.put(prefix + "r", page.item().get(DynamoRuns.RUNS));
        return new Condition(DynamoRuns.RUNS + " = " + prefix + "r", names, values);
    }

    /** A condition expression with its names and values. */
    record Condition(String expression, Map<String, String> names, Map<String, AttributeValue> values) {}

    private <T> Uni<T> call(Supplier<CompletionStage<T>> call) {
        return retry.apply(SdkCalls.call(call, DynamoErrors::translate));
    }
}
