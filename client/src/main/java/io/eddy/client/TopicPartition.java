package io.eddy.client;

/** A partition of a topic. */
public record TopicPartition(String topic, int partition) implements Comparable<TopicPartition> {
    public TopicPartition {
        if (topic == null || topic.isEmpty() || partition < 0) {
            throw new IllegalArgumentException("a topic name and a partition ≥ 0, not " + topic + "/" + partition);
        }
    }

    @Override
    public int compareTo(TopicPartition o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(partition, o.partition);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
