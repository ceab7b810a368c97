package io.eddy.kafka.produce;

import io.eddy.core.produce.Acks;
import java.util.Optional;

/**
 * Kafka's {@code acks} of a Produce request as Eddy's {@link Acks}: {@code 0} is {@link Acks#NONE} (answered
 * once the batches are queued for the next group commit; Kafka's client reads no response), {@code 1} is
 * {@link Acks#LEADER} (after the segment is in one bucket and its offsets are committed), {@code -1} is
 * {@link Acks#ALL} (after every replica bucket of the topic holds the segment and the commit). Any other value
 * is empty: Kafka answers it {@code INVALID_REQUIRED_ACKS}. Stateless and thread-safe.
 */
final class RequiredAcks {
    private RequiredAcks() {}

    static Optional<Acks> of(short acks) {
        return switch (acks) {
            case 0 -> Optional.of(Acks.NONE);
            case 1 -> Optional.of(Acks.LEADER);
            case -1 -> Optional.of(Acks.ALL);
            default -> Optional.empty();
        };
    }
}
