package io.eddy.core.replica;

import io.eddy.core.format.ChunkLocation;
import io.eddy.core.format.SegmentChunk;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.BucketAllowList;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.CompactionStore.JobLease;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.ReplicatedSegments;
import io.eddy.core.storage.SegmentStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Mends a partition's replica buckets under the compactor's job lease on the partition. A segment object holds the
 * chunks of many partitions, of many topics, so neither operation copies one: each reads the chunks the
 * partition's own index entries reference (verifying their CRC32C), writes a new object holding only those chunks
 * to every bucket that should hold them, and swaps each entry for one pointing at its chunk in the new object
 * (same offsets, same CRC32C) in a conditional transaction under the lease; the old objects are marked replaced,
 * so readers holding old entries keep them for the grace period and garbage collection deletes them once nothing
 * references them. Only buckets of the {@link BucketAllowList} are read or written, whatever a topic names.
 *
 * <ul>
 *   <li>{@link #repair}: entries missing some of the topic's (allowed) replicas, as an acks=1 produce whose primary
 *       bucket failed leaves them;</li>
 *   <li>{@link #scrub}: entries whose chunk is missing or corrupt in some holder, rewritten from an intact copy.</li>
 * </ul>
 * Idempotent: a second run finds nothing to do. A swap whose condition fails (lease lost, entry changed) stops
 * the run; what it wrote and did not swap is an orphan for garbage collection. Thread-safe; one run per partition
 * at a time (the lease sees to it).
 */
public final class ReplicaRepair {
    private static final int PAGE = 100;
    /** A new object holds at most about this many bytes of chunks (a page of entries may reference more). */
    private static final long OBJECT_BYTES = 32L << 20;

    private final MetadataStore metadata;
    private final CompactionStore store;
    private final ReplicatedSegments segments;
    private final ObjectKeys keys;
    private final BucketAllowList buckets;
    private final Clock clock;

    public ReplicaRepair(
            MetadataStore metadata,
            CompactionStore store,
            SegmentStore segments,
            ObjectKeys keys,
            BucketAllowList buckets,
            Clock clock) {
        this.metadata = metadata;
        this.store = store;
        this.segments = new ReplicatedSegments(segments);
        this.keys = keys;
        this.buckets = buckets;
        this.clock = clock;
    }

    /**
     * What a run did.
     *
     * @param entriesRepaired entries now pointing at a new object
     * @param objectsWritten  PUTs of new objects (one per bucket written)
     * @param bytesWritten    bytes of those PUTs
     */
    public record Report(int entriesRepaired, int objectsWritten, long bytesWritten) {}

    private static final class Progress {
        int entries;
        int objects;
        long bytes;

        synchronized Report report() {
            return new Report(entries, objects, bytes);
        }
    }

    /** Repairs every index entry of the partition from {@code fromOffset} on, under {@code lease}. */
    public Uni<Report> repair(Topic topic, int partition, long fromOffset, JobLease lease) {
        Progress progress = new Progress();
        List<String> targets = buckets.filter(topic.config().replicas());
        if (targets.isEmpty()) {
            return Uni.createFrom().item(progress.report()); // no bucket of this deployment to repair into
        }
        return forEachPage(topic, partition, fromOffset, page -> {
                    List<IndexEntry> missing = page.stream()
                            .filter(e -> !e.buckets().containsAll(targets))
                            .toList();
                    return rewrite(topic, partition, missing, targets, lease, progress);
                })
                .map(ignored -> progress.report());
    }

    /**
     * Checks every allowed copy of every entry of the partition from {@code fromOffset}: an entry with a copy whose
     * chunk is missing or fails its CRC32C is rewritten from an intact copy to all of its (allowed) holders. Reads
     * each copy's chunk: run it rarely.
     */
    public Uni<Report> scrub(Topic topic, int partition, long fromOffset, JobLease lease) {
        Progress progress = new Progress();
        return forEachPage(
                        topic,
                        partition,
                        fromOffset,
                        page -> eachWhileOk(page, e -> scrubEntry(topic, partition, e, lease, progress)))
                .map(ignored -> progress.report());
    }

    private Uni<Boolean> scrubEntry(Topic topic, int partition, IndexEntry entry, JobLease lease, Progress progress) {
        List<String> holders = buckets.filter(entry.buckets());
        if (holders.size() < 2) {
            return Uni.createFrom().item(true); // nothing to compare with or copy from
        }
        return Multi.createFrom()
                .iterable(holders)
                .onItem()
                .transformToUniAndConcatenate(bucket -> segments.intact(bucket, entry))
                .collect()
                .asList()
                .flatMap(ok -> {
                    if (!ok.contains(false) || !ok.contains(true)) {
                        return Uni.createFrom().item(true); // all fine, or nothing good to copy from
                    }
                    return rewrite(topic, partition, List.of(entry), holders, lease, progress);
                });
    }

    /**
     * Writes the chunks of {@code entries} (read from their allowed holders) in new objects to every one of
     * {@code targets}, then swaps each entry for one pointing there. False when a swap's condition failed.
     */
    private Uni<Boolean> rewrite(
            Topic topic,
            int partition,
            List<IndexEntry> entries,
            List<String> targets,
            JobLease lease,
            Progress progress) {
        Uni<Boolean> chain = Uni.createFrom().item(true);
        List<IndexEntry> group = new ArrayList<>();
        long bytes = 0;
        for (IndexEntry e : entries) {
            if (!group.isEmpty() && bytes + e.length() > OBJECT_BYTES) {
                List<IndexEntry> full = List.copyOf(group);
                chain = chain.flatMap(ok -> ok
                        ? rewriteGroup(topic, partition, full, targets, lease, progress)
                        : Uni.createFrom().item(false));
                group.clear();
                bytes = 0;
            }
            group.add(e);
            bytes += e.length();
        }
        if (!group.isEmpty()) {
            List<IndexEntry> last = List.copyOf(group);
            chain = chain.flatMap(ok -> ok
                    ? rewriteGroup(topic, partition, last, targets, lease, progress)
                    : Uni.createFrom().item(false));
        }
        return chain;
    }

    private Uni<Boolean> rewriteGroup(
            Topic topic,
            int partition,
            List<IndexEntry> group,
            List<String> targets,
            JobLease lease,
            Progress progress) {
        List<IndexEntry> readable = new ArrayList<>();
        List<SegmentChunk> chunks = new ArrayList<>();
        Uni<Void> reads = Uni.createFrom().voidItem();
        for (IndexEntry e : group) {
            reads = reads.flatMap(ignored -> segments.readChunk(e, buckets.filter(e.buckets()))
                    .onFailure()
                    .recoverWithNull() // no intact allowed copy: left as it is
                    .invoke(chunk -> {
                        if (chunk != null) {
                            readable.add(e);
                            chunks.add(new SegmentChunk(
                                    topic.id(),
                                    partition,
                                    ByteBuffer.wrap(chunk),
                                    (int) Math.min(Integer.MAX_VALUE, e.recordCount()),
                                    e.maxTimestamp()));
                        }
                    })
                    .replaceWithVoid());
        }
        return reads.flatMap(ignored -> {
            if (readable.isEmpty()) {
                return Uni.createFrom().item(true);
            }
            SegmentFormat.Encoded encoded = SegmentFormat.encode(chunks);
            String key = keys.newSegmentKey();
            List<String> replaced =
                    readable.stream().map(IndexEntry::objectKey).distinct().toList();
            return segments.putAll(targets, key, encoded.bytes())
                    .invoke(done -> {
                        synchronized (progress) {
                            progress.objects += targets.size();
                            progress.bytes += (long) encoded.bytes().length * targets.size();
                        }
                    })
                    .flatMap(done -> store.markReplaced(replaced, clock.millis()))
                    .flatMap(done ->
                            swapEach(topic, partition, readable, encoded.chunks(), key, targets, lease, progress, 0));
        });
    }

    private Uni<Boolean> swapEach(
            Topic topic,
            int partition,
            List<IndexEntry> entries,
            List<ChunkLocation> locations,
            String key,
            List<String> targets,
            JobLease lease,
            Progress progress,
            int i) {
        if (i == entries.size()) {
            return Uni.createFrom().item(true);
        }
        if (clock.millis() >= lease.expiresAtMs()) {
            return Uni.createFrom().item(false); // past its term the lease may be someone else's
        }
        IndexEntry old = entries.get(i);
        ChunkLocation c = locations.get(i);
        // the chunk's bytes are copied unchanged, so its CRC32C is the entry's
        IndexEntry moved = new IndexEntry(
                old.baseOffset(),
                old.lastOffset(),
                key,
                c.position(),
                c.length(),
                old.maxTimestamp(),
                c.crc32c(),
                targets);
        return store.swap(topic.id(), partition, List.of(old), List.of(moved), lease)
                .flatMap(ok -> {
                    if (!ok) {
                        return Uni.createFrom().item(false);
                    }
                    synchronized (progress) {
                        progress.entries++;
                    }
                    return swapEach(topic, partition, entries, locations, key, targets, lease, progress, i + 1);
                });
    }

    /** Runs {@code each} on the entries one after another, stopping at the first false. */
    private static Uni<Boolean> eachWhileOk(List<IndexEntry> entries, Function<IndexEntry, Uni<Boolean>> each) {
        Uni<Boolean> chain = Uni.createFrom().item(true);
        for (IndexEntry e : entries) {
            chain = chain.flatMap(ok -> ok ? each.apply(e) : Uni.createFrom().item(false));
        }
        return chain;
    }

    /**
     * Runs {@code each} on every page of the partition's entries from {@code from} (gaps left out: a gap stores
     * nothing to copy or check), until one answers false.
     */
    private Uni<Boolean> forEachPage(
            Topic topic, int partition, long from, Function<List<IndexEntry>, Uni<Boolean>> each) {
        return metadata.entriesFrom(topic.id(), partition, from, PAGE).flatMap(entries -> {
            if (entries.isEmpty()) {
                return Uni.createFrom().item(true);
            }
            long next = entries.get(entries.size() - 1).lastOffset() + 1;
            return each.apply(entries.stream().filter(e -> !e.isGap()).toList())
                    .flatMap(ok -> !ok || entries.size() < PAGE
                            ? Uni.createFrom().item(ok)
                            : forEachPage(topic, partition, next, each));
        });
    }
}
