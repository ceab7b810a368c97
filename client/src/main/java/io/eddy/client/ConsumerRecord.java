package io.eddy.client;

import java.util.List;

/** A record read from a partition, with its offset and create timestamp. */
public record ConsumerRecord<K, V>(
        String topic, int partition, long offset, long timestamp, K key, V value, List<Header> headers) {
    public TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }
}
