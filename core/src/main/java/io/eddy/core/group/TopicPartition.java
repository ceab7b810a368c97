package io.eddy.core.group;

import java.util.Comparator;

/**
 * One partition of one topic; ordered by topic name, then partition number.
 *
 * @param topic     the topic's name, not blank
 * @param partition the partition number, from 0
 */
public record TopicPartition(String topic, int partition) implements Comparable<TopicPartition> {
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    public TopicPartition {
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("a topic partition needs a topic");
        }
        if (partition < 0) {
            throw new IllegalArgumentException("bad partition " + partition + " of " + topic);
        }
    }

    @Override
    public int compareTo(TopicPartition other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
