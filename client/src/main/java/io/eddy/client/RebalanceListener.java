package io.eddy.client;

import java.util.Collection;

/**
 * Called on the thread that calls {@link EddyConsumer#poll}, as Kafka's {@code ConsumerRebalanceListener}:
 * revoked partitions are still owned during {@link #onPartitionsRevoked} (a commit there succeeds); lost ones
 * are not (the group already gave them away; a commit would be refused).
 */
public interface RebalanceListener {
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /** The member was removed from the group (session ran out, fenced): default, as Kafka, treat as revoked. */
    default void onPartitionsLost(Collection<TopicPartition> partitions) {
        onPartitionsRevoked(partitions);
    }

    RebalanceListener NONE = new RebalanceListener() {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {}
    };
}
