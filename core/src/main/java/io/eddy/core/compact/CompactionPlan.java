package io.eddy.core.compact;

import io.eddy.core.model.IndexEntry;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the compactor will do to one partition, decided by {@link CompactionPlanner} before any I/O; printed by
 * a dry run.
 *
 * @param retention  entries retention drops, if any
 * @param merges     runs of adjacent entries to rewrite into one object each (for topics that delete)
 * @param compaction the key compaction to run, if due (for compacted topics)
 */
public record CompactionPlan(
        UUID topicId,
        String topic,
        int partition,
        Optional<Retention> retention,
        List<Merge> merges,
        Optional<KeyCompaction> compaction) {

    public CompactionPlan {
        merges = List.copyOf(merges);
    }

    public boolean isEmpty() {
        return retention.isEmpty() && merges.isEmpty() && compaction.isEmpty();
    }

    /**
     * Advance the log start offset to {@code logStartOffset} and drop {@code dropped}, the entries wholly below it.
     *
     * @param reason why: {@code retention.ms} or {@code retention.bytes}
     */
    public record Retention(long logStartOffset, List<IndexEntry> dropped, String reason) {
        public Retention {
            dropped = List.copyOf(dropped);
        }
    }

    /** Rewrite adjacent entries of {@code tier} (of at least two objects) into one object of a higher tier. */
    public record Merge(int tier, List<IndexEntry> sources) {
        public Merge {
            sources = List.copyOf(sources);
            if (sources.stream().map(IndexEntry::objectKey).distinct().count() < 2) {
                throw new IllegalArgumentException("a merge reads at least two objects");
            }
        }

        public long bytes() {
            return sources.stream().mapToLong(IndexEntry::length).sum();
        }
    }

    /**
     * Keep only the newest record of each key in {@code cleanable}; {@code active}, the newest part of the log, is
     * read for newer keys but never rewritten. A run of cleanable entries with nothing left becomes a gap entry
     * ({@link IndexEntry#gap}). As in Kafka (KIP-534), a tombstone is kept until its <i>delete horizon</i>: the
     * first compaction that keeps it writes {@code nowMs + deleteRetentionMs} into its batch, and a later one
     * drops it once {@code nowMs} has reached that; its own timestamp plays no part.
     *
     * @param nowMs             the compaction's time, from its clock
     * @param deleteRetentionMs the topic's {@code delete.retention.ms}
     * @param dirtyRatio        the share of cleanable bytes never compacted before
     */
    public record KeyCompaction(
            List<IndexEntry> cleanable,
            List<IndexEntry> active,
            long nowMs,
            long deleteRetentionMs,
            double dirtyRatio) {
        public KeyCompaction {
            cleanable = List.copyOf(cleanable);
            active = List.copyOf(active);
        }
    }
}
