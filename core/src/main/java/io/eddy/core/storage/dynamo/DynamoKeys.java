package io.eddy.core.storage.dynamo;

import java.util.UUID;

/**
 * Builds every DynamoDB key Eddy uses, in one place. One table, string partition key {@code pk} and sort key
 * {@code sk}:
 * <pre>
 * T#&lt;topic name&gt;        META                 topic
 * TOPICS                  &lt;topic name&gt;         topic directory row (for listing with one consistent Query)
 * P#&lt;topic id&gt;#&lt;p&gt;      HEAD                 partition head
 * P#&lt;topic id&gt;#&lt;p&gt;      O#&lt;base, 20 digits&gt;  index entry
 * </pre>
 */
final class DynamoKeys {
    static final String PK = "pk";
    static final String SK = "sk";
    static final String META = "META";
    static final String HEAD = "HEAD";
    static final String TOPIC_DIRECTORY = "TOPICS";
    static final String ENTRY_PREFIX = "O#";
    static final String LAST_ENTRY = ENTRY_PREFIX + "99999999999999999999";

    private DynamoKeys() {
    }

    static String topic(String name) {
        return "T#" + name;
    }

    static String partition(UUID topicId, int partition) {
        return "P#" + topicId + "#" + partition;
    }

    static String entry(long baseOffset) {
        return String.format("%s%020d", ENTRY_PREFIX, baseOffset);
    }
}
