package io.eddy.kafka.consumer;

import java.time.Duration;

/**
 * The broker-side settings of KIP-848's consumer groups, which a ConsumerGroupHeartbeat does not carry.
 *
 * @param sessionTimeout how long a member stays in its group without heartbeating, as Kafka's
 *                       {@code group.consumer.session.timeout.ms}; then its partitions move to the others
 */
public record ConsumerGroupSettings(Duration sessionTimeout) {
    public ConsumerGroupSettings {
        if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
            throw new IllegalArgumentException("sessionTimeout must be positive: " + sessionTimeout);
        }
    }

    /** A Kafka broker's: sessions of 45 s. */
    public static ConsumerGroupSettings defaults() {
        return new ConsumerGroupSettings(Duration.ofSeconds(45));
    }
}
