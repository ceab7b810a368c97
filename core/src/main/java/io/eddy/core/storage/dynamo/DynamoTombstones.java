package io.eddy.core.storage.dynamo;

import static io.eddy.core.storage.dynamo.DynamoKeys.PK;
import static io.eddy.core.storage.dynamo.DynamoKeys.SK;
import static io.eddy.core.storage.dynamo.DynamoValues.n;
import static io.eddy.core.storage.dynamo.DynamoValues.s;

import io.eddy.core.model.Topic;
import io.eddy.core.storage.CompactionStore.DeletedTopic;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The item form of a deleted topic's tombstone ({@code DELETED} / {@code <topic id>}): written by the topic's delete
 * in the same transaction, read and removed by garbage collection once the topic's partitions are purged.
 */
final class DynamoTombstones {
    private static final String NAME = "name";
    private static final String PARTITIONS = "partitions";

    private DynamoTombstones() {}

    static Map<String, AttributeValue> key(UUID topicId) {
        return Map.of(PK, s(DynamoKeys.DELETED_TOPICS), SK, s(DynamoKeys.deletedTopic(topicId)));
    }

    static Map<String, AttributeValue> item(Topic topic) {
        return Map.of(
                PK,
                s(DynamoKeys.DELETED_TOPICS),
                SK,
                s(DynamoKeys.deletedTopic(topic.id())),
                NAME,
                s(topic.name().value()),
                PARTITIONS,
                n(topic.partitions()));
    }

    static DeletedTopic deleted(Map<String, AttributeValue> item) {
        return new DeletedTopic(
                UUID.fromString(item.get(SK).s()), item.get(NAME).s(), (int) n(item, PARTITIONS));
    }
}
