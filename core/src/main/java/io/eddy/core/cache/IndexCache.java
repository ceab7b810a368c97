package io.eddy.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eddy.core.model.IndexEntry;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Committed index entries, by partition and offset. An entry is immutable once committed (its bucket list aside,
 * which replica repair only extends: a cached list still names buckets that hold the object), and the entries of
 * a partition tile its offsets without gaps, so the cached entry covering an offset is the entry covering it.
 *
 * <p>Not cached here, and always read from the partition head: the high watermark and the log start offset.
 * A reader checks its offset against the head before it looks an entry up, so an entry below the log start
 * offset (removed by retention) or above the high watermark is never served. Compaction, which will replace
 * entries, must {@link #invalidate} the partition it rewrites (see docs/architecture.md).
 *
 * <p>Bounded: at most {@code maxPartitions} partitions (least recently used dropped first) and
 * {@code entriesPerPartition} entries each: the lowest offsets are dropped first (readers mostly read the tail),
 * but never the entries just added, so a reader catching up far below the tail keeps the page it just loaded.
 * Thread-safe.
 */
public final class IndexCache {
    private record PartitionKey(UUID topicId, int partition) {}

    private final Cache<PartitionKey, ConcurrentSkipListMap<Long, IndexEntry>> partitions;
    /** Well under the compactor's default 10 minutes of grace for replaced objects. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(2);

    private final int entriesPerPartition;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    public IndexCache(long maxPartitions, int entriesPerPartition) {
        this(maxPartitions, entriesPerPartition, DEFAULT_TTL);
    }

    /**
     * @param ttl how long a partition's entries are trusted: shorter than the compactor's grace for replaced
     *            objects, so an entry a compaction replaced in another process is forgotten before its object
     *            can be deleted
     */
    public IndexCache(long maxPartitions, int entriesPerPartition, Duration ttl) {
        if (maxPartitions < 0 || entriesPerPartition < 1 || ttl.isNegative()) {
            throw new IllegalArgumentException("bad index cache bounds " + maxPartitions + " x " + entriesPerPartition);
        }
        this.partitions = Caffeine.newBuilder()
                .maximumSize(maxPartitions)
                .expireAfterWrite(ttl)
                .executor(Runnable::run)
                .build();
        this.entriesPerPartition = entriesPerPartition;
    }

    /** The cached entry covering {@code offset}, if any. */
    public Optional<IndexEntry> covering(UUID topicId, int partition, long offset) {
        ConcurrentSkipListMap<Long, IndexEntry> entries = partitions.getIfPresent(new PartitionKey(topicId, partition));
        Map.Entry<Long, IndexEntry> floor = entries == null ? null : entries.floorEntry(offset);
        if (floor != null && floor.getValue().covers(offset)) {
            hits.increment();
            return Optional.of(floor.getValue());
        }
        misses.increment();
        return Optional.empty();
    }

    /** Remembers committed entries of one partition. */
    public void addAll(UUID topicId, int partition, Collection<IndexEntry> committed) {
        if (committed.isEmpty()) {
            return;
        }
        ConcurrentSkipListMap<Long, IndexEntry> entries =
                partitions.get(new PartitionKey(topicId, partition), k -> new ConcurrentSkipListMap<>());
        for (IndexEntry e : committed) {
            entries.put(e.baseOffset(), e);
        }
        if (entries.size() <= entriesPerPartition) {
            return;
        }
        java.util.Set<Long> added = new java.util.HashSet<>();
        committed.forEach(e -> added.add(e.baseOffset()));
        java.util.Iterator<Long> lowest = entries.keySet().iterator();
        while (entries.size() > entriesPerPartition && lowest.hasNext()) {
            if (!added.contains(lowest.next())) {
                lowest.remove();
            }
        }
        while (entries.size() > entriesPerPartition) {
            entries.pollFirstEntry(); // a page larger than the bound itself: keep its highest entries
        }
    }

    /** Forgets a partition's entries: for whoever rewrites them (compaction). */
    public void invalidate(UUID topicId, int partition) {
        partitions.invalidate(new PartitionKey(topicId, partition));
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
