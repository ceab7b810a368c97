package io.eddy.kafka.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Who owns which partition, as the consumers' rebalance callbacks report it, and every moment a partition was
 * given to a consumer while another still held it. Thread-safe (synchronized): every consumer's thread reports.
 */
final class Ownership {
    private final Map<TopicPartition, String> owners = new HashMap<>();
    private final List<String> violations = new ArrayList<>();

    synchronized void assigned(String consumer, Iterable<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            String previous = owners.put(p, consumer);
            if (previous != null && !previous.equals(consumer)) {
                violations.add(p + " given to " + consumer + " while " + previous + " owned it");
            }
        }
    }

    synchronized void released(String consumer, Iterable<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            owners.remove(p, consumer);
        }
    }

    synchronized Set<TopicPartition> of(String consumer) {
        Set<TopicPartition> out = new TreeSet<>(java.util.Comparator.comparing(TopicPartition::toString));
        owners.forEach((p, c) -> {
            if (c.equals(consumer)) {
                out.add(p);
            }
        });
        return out;
    }

    synchronized int owned() {
        return owners.size();
    }

    synchronized List<String> violations() {
        return List.copyOf(violations);
    }
}
