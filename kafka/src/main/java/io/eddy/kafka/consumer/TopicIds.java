package io.eddy.kafka.consumer;

import java.util.UUID;
import org.apache.kafka.common.Uuid;

/** Eddy's topic ids as Kafka's {@link Uuid}s and back, bit for bit, as Metadata answers them. Stateless. */
final class TopicIds {
    private TopicIds() {}

    static Uuid toKafka(UUID id) {
        return new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }

    static UUID toEddy(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
    }
}
