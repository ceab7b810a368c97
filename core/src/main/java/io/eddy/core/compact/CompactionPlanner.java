package io.eddy.core.compact;

import io.eddy.core.model.CleanupPolicy;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.TopicConfig;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what to do to a partition, as a pure function of its log, the policy and the time (AutoMQ's
 * analyzer → plan → executor pattern): nothing here does I/O.
 *
 * <ul>
 *   <li><b>Retention</b> (topics that delete): the longest prefix of entries whose newest record is older than
 *       {@code retention.ms}, or whose removal still leaves at least {@code retention.bytes}, goes; the log start
 *       offset moves past it. As in Kafka, whole entries go, never part of one.</li>
 *   <li><b>Merge</b> (topics that delete): adjacent entries pointing into one object form a <i>unit</i>; units
 *       are tiered by size ({@link CompactionPolicy#tierOf}); runs of {@code fanout} adjacent units of one tier
 *       are merged into one object of the next tier, never past {@code maxObjectBytes}.</li>
 *   <li><b>Key compaction</b> (compacted topics): when the share of never-compacted bytes in the cleanable part
 *       (everything but the newest object's entries, the log's "active segment") reaches
 *       {@code minCleanableDirtyRatio}, the cleanable part is rewritten keeping the newest record per key; runs
 *       with nothing left become gap entries (no bytes, so they count neither as clean nor as dirty).</li>
 * </ul>
 * Thread-safe: stateless.
 */
public final class CompactionPlanner {
    /** Objects written by a merge or a key compaction live under this prefix; segments from producers do not. */
    public static final String COMPACTED_PREFIX = "partitions/";

    public CompactionPlan plan(PartitionLog log, CompactionPolicy policy, Instant now) {
        TopicConfig config = log.topic().config();
        List<IndexEntry> entries = log.entries();
        Optional<CompactionPlan.Retention> retention = Optional.empty();
        List<CompactionPlan.Merge> merges = List.of();
        Optional<CompactionPlan.KeyCompaction> compaction = Optional.empty();
        if (config.cleanupPolicy() == CleanupPolicy.DELETE) {
            retention = retention(log, config, now.toEpochMilli());
            int kept = retention.map(r -> r.dropped().size()).orElse(0);
            merges = mergesBetweenGaps(entries.subList(kept, entries.size()), policy);
        } else {
            compaction = keyCompaction(entries, config, policy, now.toEpochMilli());
        }
        return new CompactionPlan(
                log.topic().id(), log.topic().name().value(), log.partition(), retention, merges, compaction);
    }

    private static Optional<CompactionPlan.Retention> retention(PartitionLog log, TopicConfig config, long nowMs) {
        List<IndexEntry> entries = log.entries();
        int byTime = 0;
        if (config.retentionMs() >= 0) {
            long horizon = nowMs - config.retentionMs();
            while (byTime < entries.size() && entries.get(byTime).maxTimestamp() < horizon) {
                byTime++;
            }
        }
        int bySize = 0;
        if (config.retentionBytes() >= 0) {
            long total = entries.stream().mapToLong(IndexEntry::length).sum();
            while (bySize < entries.size() && total - entries.get(bySize).length() >= config.retentionBytes()) {
                total -= entries.get(bySize).length();
                bySize++;
            }
        }
        int belowStart = 0; // left behind by an earlier run that stopped half way
        while (belowStart < entries.size()
                && entries.get(belowStart).lastOffset() < log.head().logStartOffset()) {
            belowStart++;
        }
        int drop = Math.max(belowStart, Math.max(byTime, bySize));
        if (drop == 0) {
            return Optional.empty();
        }
        String reason = byTime >= bySize && byTime >= belowStart
                ? TopicConfig.RETENTION_MS
                : bySize >= belowStart ? TopicConfig.RETENTION_BYTES : "log start offset";
        long start = Math.max(log.head().logStartOffset(), entries.get(drop - 1).lastOffset() + 1);
        return Optional.of(new CompactionPlan.Retention(start, entries.subList(0, drop), reason));
    }

    /**
     * The merges of each run of entries between gaps: a gap (left by key compaction before the topic's policy
     * became delete) has no bytes to merge and is never part of a merge.
     */
    private static List<CompactionPlan.Merge> mergesBetweenGaps(List<IndexEntry> entries, CompactionPolicy policy) {
        List<CompactionPlan.Merge> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= entries.size(); i++) {
            if (i == entries.size() || entries.get(i).isGap()) {
                out.addAll(merges(entries.subList(from, i), policy));
                from = i + 1;
            }
        }
        return out;
    }

    /** Adjacent entries of one object. */
    private record Unit(List<IndexEntry> entries, long bytes) {}

    static List<CompactionPlan.Merge> merges(List<IndexEntry> entries, CompactionPolicy policy) {
        List<Unit> units = units(entries);
        List<CompactionPlan.Merge> out = new ArrayList<>();
        int i = 0;
        while (i < units.size()) {
            int tier = policy.tierOf(units.get(i).bytes());
            List<Unit> run = new ArrayList<>();
            long bytes = 0;
            int j = i;
            while (j < units.size()
                    && run.size() < policy.fanout()
                    && tier >= 0
                    && policy.tierOf(units.get(j).bytes()) == tier
                    && bytes + units.get(j).bytes() < policy.maxObjectBytes()) {
                run.add(units.get(j));
                bytes += units.get(j).bytes();
                j++;
            }
            boolean capped = j < units.size()
                    && tier >= 0
                    && policy.tierOf(units.get(j).bytes()) == tier
                    && run.size() < policy.fanout();
            if (run.size() == policy.fanout() || (capped && run.size() >= 2)) {
                List<IndexEntry> sources = new ArrayList<>();
                run.forEach(u -> sources.addAll(u.entries()));
                out.add(new CompactionPlan.Merge(tier, sources));
                i = j;
            } else {
                i++;
            }
        }
        return out;
    }

    private static List<Unit> units(List<IndexEntry> entries) {
        List<Unit> units = new ArrayList<>();
        List<IndexEntry> current = new ArrayList<>();
        long bytes = 0;
        for (IndexEntry e : entries) {
            if (!current.isEmpty() && !current.get(0).objectKey().equals(e.objectKey())) {
                units.add(new Unit(current, bytes));
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(e);
            bytes += e.length();
        }
        if (!current.isEmpty()) {
            units.add(new Unit(current, bytes));
        }
        return units;
    }

    private static Optional<CompactionPlan.KeyCompaction> keyCompaction(
            List<IndexEntry> entries, TopicConfig config, CompactionPolicy policy, long nowMs) {
        if (entries.isEmpty()) {
            return Optional.empty();
        }
        String newest = entries.get(entries.size() - 1).objectKey();
        int activeFrom = entries.size();
        while (activeFrom > 0 && entries.get(activeFrom - 1).objectKey().equals(newest)) {
            activeFrom--;
        }
        List<IndexEntry> cleanable = entries.subList(0, activeFrom);
        long total = cleanable.stream().mapToLong(IndexEntry::length).sum();
        long dirty = cleanable.stream()
                .filter(e -> !e.objectKey().startsWith(COMPACTED_PREFIX))
                .mapToLong(IndexEntry::length)
                .sum();
        if (cleanable.isEmpty() || dirty == 0 || (double) dirty / total < policy.minCleanableDirtyRatio()) {
            return Optional.empty();
        }
        return Optional.of(new CompactionPlan.KeyCompaction(
                cleanable,
                entries.subList(activeFrom, entries.size()),
                nowMs,
                config.deleteRetentionMs(),
                (double) dirty / total));
    }
}
