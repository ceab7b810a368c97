package io.eddy.client;

import java.util.List;

/**
 * A record to send: topic, optional partition (else the key's murmur2 partition, as Kafka's, else sticky),
 * key, value, optional timestamp (else now), headers.
 */
public record ProducerRecord<K, V>(
        String topic, Integer partition, K key, V value, Long timestamp, List<Header> headers) {
    public ProducerRecord {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("a record needs a topic");
        }
        if (partition != null && partition < 0) {
            throw new IllegalArgumentException("partition must be ≥ 0, not " + partition);
        }
        if (timestamp != null && timestamp < 0) {
            throw new IllegalArgumentException("timestamp must be ≥ 0, not " + timestamp);
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
    }

    public ProducerRecord(String topic, K key, V value) {
        this(topic, null, key, value, null, List.of());
    }

    public ProducerRecord(String topic, Integer partition, K key, V value) {
        this(topic, partition, key, value, null, List.of());
    }
}
