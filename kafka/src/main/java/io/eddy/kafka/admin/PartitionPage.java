package io.eddy.kafka.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which partitions one DescribeTopicPartitions response holds (KIP-966), as a Kafka broker decides: topics in
 * name order from the cursor's topic (its partitions from the cursor's index), at most {@code limit} partitions
 * in all; where the limit cuts a topic, or falls just before the next one, the next cursor points there. A pure
 * function over values.
 *
 * @param entries what the response holds, in order
 * @param next    where the next request starts, when the limit was reached before the end
 */
record PartitionPage(List<Entry> entries, Optional<Cursor> next) {
    /** A topic asked for: its partition count, or empty when it does not exist. */
    record Candidate(String topic, Optional<Integer> partitions) {}

    /** A place to resume from. */
    record Cursor(String topic, int partition) {}

    /** One topic of the response. */
    sealed interface Entry permits Slice, Missing {
        String topic();
    }

    /** Partitions {@code from} (inclusive) to {@code to} (exclusive) of an existing topic. */
    record Slice(String topic, int from, int to) implements Entry {}

    /** A topic asked for by name that does not exist. */
    record Missing(String topic) implements Entry {}

    PartitionPage {
        entries = List.copyOf(entries);
    }

    /**
     * @param sorted the topics, in name order, none before the cursor's
     * @param cursor where to start
     * @param limit  the most partitions to include (at least 1)
     */
    static PartitionPage plan(List<Candidate> sorted, Optional<Cursor> cursor, int limit) {
        List<Entry> entries = new ArrayList<>();
        int remaining = limit;
        for (Candidate candidate : sorted) {
            if (remaining == 0) {
                return new PartitionPage(entries, Optional.of(new Cursor(candidate.topic(), 0)));
            }
            if (candidate.partitions().isEmpty()) {
                entries.add(new Missing(candidate.topic()));
                continue;
            }
            int count = candidate.partitions().get();
            int from = cursor.filter(c -> c.topic().equals(candidate.topic()))
                    .map(Cursor::partition)
                    .orElse(0);
            int to = Math.min(count, from + remaining);
            entries.add(new Slice(candidate.topic(), from, Math.max(from, to)));
            if (to < count) {
                return new PartitionPage(entries, Optional.of(new Cursor(candidate.topic(), to)));
            }
            remaining -= Math.max(0, to - from);
        }
        return new PartitionPage(entries, Optional.empty());
    }
}
