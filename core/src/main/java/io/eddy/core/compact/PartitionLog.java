package io.eddy.core.compact;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import java.util.List;

/**
 * One partition as the planner sees it: its topic (config), head and every index entry, ascending.
 */
public record PartitionLog(Topic topic, int partition, PartitionHead head, List<IndexEntry> entries) {
    public PartitionLog {
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            if (entries.get(i).baseOffset() <= entries.get(i - 1).baseOffset()) {
                throw new IllegalArgumentException(
                        "entries out of order at " + entries.get(i).baseOffset());
            }
        }
    }
}
