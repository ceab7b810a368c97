package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.SK;
import static io.eddy.core.storage.dynamo.DynamoValues.n;

import io.eddy.core.model.IndexEntry;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The item form of an index entry ({@code P#<topic id>#<p>} / {@code O#<base>}), for every adapter that writes or reads one. */
final class DynamoEntries {
    static final String LAST_OFFSET = "lastOffset";
    static final String OBJECT_KEY = "objectKey";
    static final String POSITION = "position";
    static final String LENGTH = "length";
    static final String MAX_TIMESTAMP = "maxTimestamp";
    static final String CRC32C = "crc32c";
    static final String BUCKETS = "buckets";

    private DynamoEntries() {}

    /** The entry's attributes, without its key. */
    static Map<String, AttributeValue> item(IndexEntry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(LAST_OFFSET, n(e.lastOffset()));
        item.put(OBJECT_KEY, AttributeValue.fromS(e.objectKey()));
        item.put(POSITION, n(e.position()));
        item.put(LENGTH, n(e.length()));
        item.put(MAX_TIMESTAMP, n(e.maxTimestamp()));
        item.put(CRC32C, n(e.crc32c()));
        item.put(
                BUCKETS,
                AttributeValue.fromL(
                        e.buckets().stream().map(AttributeValue::fromS).toList()));
        return item;
    }

    /** The base offset an {@code O#} item's key names (its run's, or its first run's for a page). */
    static long base(Map<String, AttributeValue> item) {
        return Long.parseLong(item.get(SK).s().substring(DynamoKeys.ENTRY_PREFIX.length()));
    }

    static IndexEntry entry(Map<String, AttributeValue> item) {
        return new IndexEntry(
                base(item),
                n(item, LAST_OFFSET),
                item.get(OBJECT_KEY).s(),
                n(item, POSITION),
                (int) n(item, LENGTH),
                n(item, MAX_TIMESTAMP),
                (int) n(item, CRC32C),
                item.get(BUCKETS).l().stream().map(AttributeValue::s).toList());
    }
}
