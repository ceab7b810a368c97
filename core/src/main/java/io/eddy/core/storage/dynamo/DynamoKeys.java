package io.eddy.core.storage.dynamo;

import java.util.UUID;

/**
 * Builds every DynamoDB key Eddy uses, in one place. One table, string partition key {@code pk} and sort key
 * {@code sk}:
 * <pre>
 * T#&lt;topic name&gt;        META                 topic
 * TOPICS                  &lt;topic name&gt;         topic directory row (for listing with one consistent Query)
 * P#&lt;topic id&gt;#&lt;p&gt;      HEAD                 partition head, with its newest runs (its tail, {@link DynamoRuns})
 * P#&lt;topic id&gt;#&lt;p&gt;      O#&lt;base, 20 digits&gt;  index page: up to 4 runs from that base (one run, in the older
 *                                              format of {@link DynamoEntries})
 * P#&lt;topic id&gt;#&lt;p&gt;      PID#&lt;producer id&gt;    producer state on the partition
 * PRODUCER#&lt;id&gt;          META                 producer registry (owner, current epoch, last bump's epoch)
 * I#&lt;n&gt;:&lt;principal&gt;#&lt;key&gt;  REQUEST         a produce request's Idempotency-Key (its principal's, whose
 *                                              name has n characters) and its response
 * I#&lt;n&gt;:&lt;principal&gt;#&lt;key&gt;  PART#&lt;n, 4 digits&gt; a part of a stored response too large for one item
 * G#&lt;group&gt;              META                 consumer group: version, epoch, assignor, target assignment
 * G#&lt;group&gt;              M#&lt;member id&gt;       group member
 * G#&lt;group&gt;              C#&lt;topic&gt;#&lt;p&gt;      committed offset
 * G#&lt;group&gt;              CLASSIC              Kafka classic-protocol state: generation, leader, members
 * GROUPS                  &lt;group&gt;              group directory row (for listing)
 * L#&lt;name&gt;               LEASE                job lease (compactor jobs): owner, epoch, expiry
 * REPLACED                &lt;object key&gt;         an object a compaction stopped referencing, and when
 * CLUSTER                 META                 the deployment's cluster id (Kafka's), written once
 * DELETED                 &lt;topic id&gt;           tombstone of a deleted topic (name, partitions): its partitions' items
 *                                              are purged by garbage collection, then the tombstone goes
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
    static final String REQUEST = "REQUEST";
    static final String RESPONSE_PART_PREFIX = "PART#";
    static final String GROUP_DIRECTORY = "GROUPS";
    static final String MEMBER_PREFIX = "M#";
    static final String COMMITTED_PREFIX = "C#";
    /** A group's Kafka classic-protocol state: outside the member range ("M#".."META") and the offsets ("C#"). */
    static final String CLASSIC = "CLASSIC";

    static final String LEASE = "LEASE";
    static final String REPLACED = "REPLACED";
    static final String DELETED_TOPICS = "DELETED";
    static final String CLUSTER = "CLUSTER";

    private DynamoKeys() {}

    static String topic(String name) {
        return "T#" + name;
    }

    static String deletedTopic(UUID topicId) {
        return topicId.toString();
    }

    static String partition(UUID topicId, int partition) {
        return "P#" + topicId + "#" + partition;
    }

    static String entry(long baseOffset) {
        return String.format("%s%020d", ENTRY_PREFIX, baseOffset);
    }

    static String producerState(long producerId) {
        return "PID#" + producerId;
    }

    static String producer(long producerId) {
        return "PRODUCER#" + producerId;
    }

    /** The principal's name is length-prefixed: keys and names may both hold {@code #}, and no two pairs meet. */
    static String idempotencyKey(String principal, String key) {
        return "I#" + principal.length() + ":" + principal + "#" + key;
    }

    static String group(String name) {
        return "G#" + name;
    }

    static String member(String memberId) {
        return MEMBER_PREFIX + memberId;
    }

    static String committed(String topic, int partition) {
        return COMMITTED_PREFIX + topic + "#" + partition;
    }

    static String lease(String name) {
        return "L#" + name;
    }

    static String responsePart(int n) {
        return String.format("%s%04d", RESPONSE_PART_PREFIX, n);
    }
}
