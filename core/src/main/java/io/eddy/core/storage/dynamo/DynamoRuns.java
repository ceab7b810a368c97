package io.eddy.core.storage.dynamo;

import io.eddy.core.model.IndexEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs (committed index entries) as they are kept in <i>index pages</i> and in a partition head's <i>tail</i> (issue
 * 17: fewer items per commit). A run is a map with one-letter names: {@code b} base offset, {@code l} last offset,
 * {@code k} object key, {@code p} position, {@code n} length, {@code t} max timestamp, {@code c} CRC32C, {@code u}
 * buckets. A page is an {@code O#<first run's base>} item holding a list {@code r} of up to {@link #PAGE_RUNS}
 * contiguous runs; an {@code O#} item without {@code r} is a one-run page in the format written before pages
 * ({@link DynamoEntries}). A head holds its tail in {@code tl} (oldest first, at most {@link #TAIL_RUNS} runs) and
 * the tail's encoded size, as {@link #size} counts it, in {@code tb}.
 *
 * <p>Sizes: DynamoDB bills a transactional write 2 units per started KB of the item, so every page and head stays
 * under 1 KB: a tail holds at most {@link #TAIL_BYTES} bytes of runs (the rest of a head is under 300 bytes: key,
 * offsets, size, a lease owner of 41 characters), a page at most {@link #PAGE_BYTES} (its key and list under 80).
 * A run of the usual shape (a {@code segments/} key, one bucket) is about 140 bytes; {@code IndexPagesTest} checks
 * the bounds with DynamoDB's own count of a full head and a full page. Not instantiable; pure functions.
 */
final class DynamoRuns {
    /** Runs per page: a commit writes its runs into the head's tail, and every {@code PAGE_RUNS}-th seals a page. */
    static final int PAGE_RUNS = 4;
    /** Runs a head's tail holds at most. */
    static final int TAIL_RUNS = PAGE_RUNS - 1;
    /** Encoded bytes of runs a head's tail holds at most (see the class comment). */
    static final int TAIL_BYTES = 600;
    /** Encoded bytes of runs a page holds at most, unless one run alone is larger. */
    static final int PAGE_BYTES = 900;

    static final String RUNS = "r";
    static final String TAIL = "tl";
    static final String TAIL_SIZE = "tb";

    private DynamoRuns() {}

    static AttributeValue run(IndexEntry e) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("b", DynamoValues.n(e.baseOffset()));
        m.put("l", DynamoValues.n(e.lastOffset()));
        m.put("k", DynamoValues.s(e.objectKey()));
        m.put("p", DynamoValues.n(e.position()));
        m.put("n", DynamoValues.n(e.length()));
        m.put("t", DynamoValues.n(e.maxTimestamp()));
        m.put("c", DynamoValues.n(e.crc32c()));
        m.put(
                "u",
                AttributeValue.fromL(e.buckets().stream().map(DynamoValues::s).toList()));
        return AttributeValue.fromM(m);
    }

    static IndexEntry entry(AttributeValue run) {
        Map<String, AttributeValue> m = run.m();
        return new IndexEntry(
                DynamoValues.n(m, "b"),
                DynamoValues.n(m, "l"),
                m.get("k").s(),
                DynamoValues.n(m, "p"),
                (int) DynamoValues.n(m, "n"),
                DynamoValues.n(m, "t"),
                (int) DynamoValues.n(m, "c"),
                m.get("u").l().stream().map(AttributeValue::s).toList());
    }

    static AttributeValue list(List<IndexEntry> runs) {
        return AttributeValue.fromL(runs.stream().map(DynamoRuns::run).toList());
    }

    static List<IndexEntry> entries(AttributeValue list) {
        return list == null || !list.hasL()
                ? List.of()
                : list.l().stream().map(DynamoRuns::entry).toList();
    }

    /** The runs of an {@code O#} item: a page's list, or the one run of an item written before pages. */
    static List<IndexEntry> ofPage(Map<String, AttributeValue> item) {
        return item.containsKey(RUNS) ? entries(item.get(RUNS)) : List.of(DynamoEntries.entry(item));
    }

    /** The tail of a head item (empty for a head written before tails, or none at all). */
    static List<IndexEntry> ofHead(Map<String, AttributeValue> item) {
        return item == null ? List.of() : entries(item.get(TAIL));
    }

    /**
     * The bytes a run adds to a list in DynamoDB's item size, counted from above: per element 1 byte, a map 3 bytes
     * plus per attribute 1 byte, its name and its value; a string its UTF-8 bytes; a number 1 byte per two digits
     * plus 2.
     */
    static int size(IndexEntry e) {
        int size = 1 + 3 + 8 * 2; // the element, the map, 8 attributes with 1-byte names
        size += number(e.baseOffset())
                + number(e.lastOffset())
                + number(e.position())
                + number(e.length())
                + number(e.maxTimestamp())
                + number(e.crc32c());
        size += e.objectKey().getBytes(StandardCharsets.UTF_8).length;
        size += 3;
        for (String b : e.buckets()) {
            size += 1 + b.getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    static int size(List<IndexEntry> runs) {
        return runs.stream().mapToInt(DynamoRuns::size).sum();
    }

    private static int number(long v) {
        int digits = Long.toString(Math.abs(v)).length();
        return (digits + 1) / 2 + 2;
    }

    /** Whether {@code runs} fit in a head's tail. */
    static boolean fitTail(List<IndexEntry> runs) {
        return runs.size() <= TAIL_RUNS && size(runs) <= TAIL_BYTES;
    }

    /**
     * Contiguous runs cut into pages, in order: each page as many runs as fit ({@link #PAGE_RUNS}, {@link
     * #PAGE_BYTES}), at least one.
     */
    static List<List<IndexEntry>> pages(List<IndexEntry> runs) {
        List<List<IndexEntry>> pages = new ArrayList<>();
        List<IndexEntry> page = new ArrayList<>();
        int bytes = 0;
        for (IndexEntry e : runs) {
            int size = size(e);
            if (!page.isEmpty() && (page.size() == PAGE_RUNS || bytes + size > PAGE_BYTES)) {
                pages.add(page);
                page = new ArrayList<>();
                bytes = 0;
            }
            page.add(e);
            bytes += size;
        }
        if (!page.isEmpty()) {
            pages.add(page);
        }
        return pages;
    }

    /** A page item's attributes, without its key. */
    static Map<String, AttributeValue> pageItem(List<IndexEntry> runs) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(RUNS, list(runs));
        return item;
    }
}
