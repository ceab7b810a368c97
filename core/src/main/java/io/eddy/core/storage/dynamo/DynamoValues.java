package io.eddy.core.storage.dynamo;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Attribute values both ways, for this package's adapters (static imports). */
final class DynamoValues {
    private DynamoValues() {}

    static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    /** The number attribute {@code name} of an item. */
    static long n(Map<String, AttributeValue> item, String name) {
        return Long.parseLong(item.get(name).n());
    }
}
