package io.eddy.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Committed index entries, by partition and offset. An entry is immutable once committed (its bucket list aside,
 * which replica repair only extends: a cached list still names buckets that hold the object), and the entries of
 * a partition tile its offsets without gaps, so the cached entry covering an offset is the entry covering it.
 *
 * <p>Beside the entries, each partition's <em>known head</em>: the head as this process last read it, advanced by
 * the commits this process made ({@link #sawCommit}). Everything below its high watermark is committed, so a read
 * below it needs no head read; a read at or past it reads the head (see docs/architecture.md, "issue 17"). A reader
 * checks its offset against the head before it looks an entry up, so an entry below the log start offset (removed
 * by retention) or above the high watermark is never served. Compaction and retention, which replace or drop
 * entries and move the log start, must {@link #invalidate} the partition they rewrite, which forgets its known
 * head too.
 *
 * <p>Each entry is trusted for the time to live from when it was read (or committed), then looked up anew.
 *
 * <p>Bounded: at most {@code maxEntries} entries of all partitions together (a partition's entries go as one, least
 * recently used first, as Caffeine's size-based eviction picks them) and {@code entriesPerPartition} of one
 * partition; known heads of at most {@code maxPartitions} partitions. What goes first when a page is added to a
 * full partition: its expired entries; then those below the page (the past of the reader that loaded it), lowest
 * first; then those above it, from the page's end upward, so the tail stays; then the page's own highest entries.
 * So each reader keeps the window it is reading, a catch-up reader far below the tail and a tail reader alike, and
 * a reader reading a partition again (another group, or a consumer re-reading) finds what a page of the bound
 * holds. Thread-safe.
 */
public final class IndexCache {
    private record PartitionKey(UUID topicId, int partition) {}

    /** An entry and when it was read from the store (or committed by this process). */
    private record Cached(IndexEntry entry, long readNanos) {}

    /** A partition's entries by base offset; changed only inside the cache's compute, so its weight follows. */
    private final Cache<PartitionKey, ConcurrentSkipListMap<Long, Cached>> partitions;
    /**
     * A known head; {@code read}: it came from a head read (which restarts its time to live; a commit does not);
     * {@code confirmedNanos}: when its high watermark was last shown to be the stored one, by a head read or by a
     * commit of this process (conditioned on the head's next offset, so it proves the head as it landed).
     */
    private record Known(PartitionHead head, boolean read, long confirmedNanos) {}

    private final Cache<PartitionKey, Known> heads;
    /** Well under the compactor's default 10 minutes of grace for replaced objects. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(2);

    private final int entriesPerPartition;
    private final long ttlNanos;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongSupplier nanoTime;

    public IndexCache(long maxPartitions, int entriesPerPartition) {
        this(maxPartitions, entriesPerPartition, DEFAULT_TTL);
    }

    /** With the system's clock for the confirmation times of known heads. */
    public IndexCache(long maxPartitions, int entriesPerPartition, Duration ttl) {
        this(maxPartitions, entriesPerPartition, ttl, System::nanoTime);
    }

    /** At most {@code entriesPerPartition} entries for each of {@code maxPartitions} partitions. */
    public IndexCache(long maxPartitions, int entriesPerPartition, Duration ttl, LongSupplier nanoTime) {
        this(
                maxPartitions,
                entriesPerPartition,
                entriesPerPartition > 0 && maxPartitions > Long.MAX_VALUE / entriesPerPartition
                        ? Long.MAX_VALUE
                        : maxPartitions * entriesPerPartition,
                ttl,
                nanoTime);
    }

    /**
     * @param maxPartitions partitions whose known heads are kept
     * @param entriesPerPartition entries kept of one partition
     * @param maxEntries entries kept of all partitions together (each takes a few hundred bytes)
     * @param ttl how long an entry is trusted from when it was read: shorter than the compactor's grace for replaced
     *            objects, so an entry a compaction replaced in another process is forgotten before its object
     *            can be deleted
     * @param nanoTime the clock entries and known heads are timed by ({@link System#nanoTime()}; tests move it)
     */
    public IndexCache(
            long maxPartitions, int entriesPerPartition, long maxEntries, Duration ttl, LongSupplier nanoTime) {
        if (maxPartitions < 0 || entriesPerPartition < 1 || maxEntries < 0 || ttl.isNegative()) {
            throw new IllegalArgumentException("bad index cache bounds " + maxPartitions + " x " + entriesPerPartition
                    + ", " + maxEntries + " in all");
        }
        this.partitions = Caffeine.newBuilder()
                .maximumWeight(maxEntries)
                .<PartitionKey, ConcurrentSkipListMap<Long, Cached>>weigher((k, entries) -> entries.size())
                .expireAfterAccess(ttl) // a partition nobody reads: every entry of it has expired
                .executor(Runnable::run)
                .build();
        this.ttlNanos = ttl.toNanos();
        long ttlNanos = this.ttlNanos;
        this.heads = Caffeine.newBuilder()
                .maximumSize(maxPartitions)
                .expireAfter(new Expiry<PartitionKey, Known>() {
                    @Override
                    public long expireAfterCreate(PartitionKey key, Known value, long now) {
                        return ttlNanos;
                    }

                    @Override
                    public long expireAfterUpdate(PartitionKey key, Known value, long now, long left) {
                        return value.read() ? ttlNanos : left; // the log start offset is as old as the last read
                    }

                    @Override
                    public long expireAfterRead(PartitionKey key, Known value, long now, long left) {
                        return left;
                    }
                })
                .executor(Runnable::run)
                .build();
        this.entriesPerPartition = entriesPerPartition;
        this.nanoTime = nanoTime;
    }

    /** The partition's head as this process knows it, if it does: a lower bound of its high watermark. */
    public Optional<PartitionHead> knownHead(UUID topicId, int partition) {
        return Optional.ofNullable(heads.getIfPresent(new PartitionKey(topicId, partition)))
                .map(Known::head);
    }

    /**
     * Whether the partition's known high watermark was shown to be the stored one (by a head read or a commit of
     * this process) within {@code age}: a read that reaches an older one reports a head read anew, so that what
     * other processes acknowledged shows in a fetch's high watermark within that time.
     */
    public boolean confirmedWithin(UUID topicId, int partition, Duration age) {
        return confirmedAgo(topicId, partition)
                .filter(ago -> ago.compareTo(age) <= 0)
                .isPresent();
    }

    /** How long ago the partition's known high watermark was last confirmed; empty when no head is known. */
    public Optional<Duration> confirmedAgo(UUID topicId, int partition) {
        Known known = heads.getIfPresent(new PartitionKey(topicId, partition));
        return known == null
                ? Optional.empty()
                : Optional.of(Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - known.confirmedNanos())));
    }

    /** Remembers a head just read from the store, unless a higher high watermark is known already. */
    public void sawHead(UUID topicId, PartitionHead head) {
        long now = nanoTime.getAsLong();
        heads.asMap().merge(new PartitionKey(topicId, head.partition()), new Known(head, true, now), (known, read) -> {
            PartitionHead k = known.head();
            if (k.nextOffset() > head.nextOffset()) {
                return new Known(
                        head.withOffsets(k.nextOffset(), Math.max(k.logStartOffset(), head.logStartOffset())),
                        true,
                        known.confirmedNanos()); // the higher one known was confirmed no earlier than this read
            }
            return read;
        });
    }

    /**
     * Takes an entry this process just committed at a partition's end: remembers it and advances the partition's
     * known head past it. A partition whose head this process never read is left alone (nobody reads it here, and
     * its log start offset is not known).
     */
    public void sawCommit(UUID topicId, int partition, IndexEntry entry) {
        if (knownHead(topicId, partition).isEmpty()) {
            return;
        }
        addAll(topicId, partition, List.of(entry));
        long nextOffset = entry.lastOffset() + 1;
        long now = nanoTime.getAsLong();
        heads.asMap().computeIfPresent(new PartitionKey(topicId, partition), (k, known) -> {
            PartitionHead h = known.head();
            return h.nextOffset() >= nextOffset
                    ? known
                    : new Known(h.withOffsets(nextOffset, h.logStartOffset()), false, now);
        });
    }

    /** The cached entry covering {@code offset}, if any, read less than the time to live ago. */
    public Optional<IndexEntry> covering(UUID topicId, int partition, long offset) {
        ConcurrentSkipListMap<Long, Cached> entries = partitions.getIfPresent(new PartitionKey(topicId, partition));
        Map.Entry<Long, Cached> floor = entries == null ? null : entries.floorEntry(offset);
        if (floor != null
                && floor.getValue().entry().covers(offset)
                && !expired(floor.getValue(), nanoTime.getAsLong())) {
            hits.increment();
            return Optional.of(floor.getValue().entry());
        }
        misses.increment();
        return Optional.empty();
    }

    private boolean expired(Cached cached, long now) {
        return now - cached.readNanos() > ttlNanos;
    }

    /** Remembers committed entries of one partition, just read (or committed). */
    public void addAll(UUID topicId, int partition, Collection<IndexEntry> committed) {
        if (committed.isEmpty()) {
            return;
        }
        long now = nanoTime.getAsLong();
        partitions.asMap().compute(new PartitionKey(topicId, partition), (key, known) -> {
            ConcurrentSkipListMap<Long, Cached> entries = known != null ? known : new ConcurrentSkipListMap<>();
            for (IndexEntry e : committed) {
                entries.put(e.baseOffset(), new Cached(e, now));
            }
            if (entries.size() > entriesPerPartition) {
                trim(entries, committed, now);
            }
            return entries; // weighed again: its size changed
        });
    }

    /** Entries cached now, of all partitions. */
    public long entries() {
        partitions.cleanUp();
        return partitions.asMap().values().stream().mapToLong(Map::size).sum();
    }

    /** Drops entries until the bound holds, keeping the page just added and the tail (see the class javadoc). */
    private void trim(ConcurrentSkipListMap<Long, Cached> entries, Collection<IndexEntry> page, long now) {
        entries.values().removeIf(c -> expired(c, now));
        long pageFirst = Long.MAX_VALUE;
        long pageLast = Long.MIN_VALUE;
        for (IndexEntry e : page) {
            pageFirst = Math.min(pageFirst, e.baseOffset());
            pageLast = Math.max(pageLast, e.baseOffset());
        }
        Iterator<Long> below = entries.headMap(pageFirst).keySet().iterator();
        while (entries.size() > entriesPerPartition && below.hasNext()) {
            below.next();
            below.remove();
        }
        Iterator<Long> above = entries.tailMap(pageLast, false).keySet().iterator();
        while (entries.size() > entriesPerPartition && above.hasNext()) {
            above.next();
            above.remove();
        }
        while (entries.size() > entriesPerPartition) {
            entries.pollLastEntry(); // a page larger than the bound itself: keep its lowest, read first
        }
    }

    /**
     * Forgets a partition's entries and its known head: for whoever rewrites them or moves its log start
     * (compaction, retention).
     */
    public void invalidate(UUID topicId, int partition) {
        PartitionKey key = new PartitionKey(topicId, partition);
        partitions.invalidate(key);
        heads.invalidate(key);
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
