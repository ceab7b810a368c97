package io.eddy.core.compact;

import io.eddy.core.format.BatchCompression;
import io.eddy.core.format.ChunkBuilder;
import io.eddy.core.format.ChunkLocation;
import io.eddy.core.format.RecordBatches;
import io.eddy.core.format.SegmentChunk;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.CompactionStore.JobLease;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.ReplicatedSegments;
import io.eddy.core.storage.SegmentStore;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Carries out a {@link CompactionPlan} for one partition under its job lease: retention first, then merges or
 * the key compaction. New objects are written whole (to every replica bucket) before any index swap; each swap
 * replaces at most {@link CompactionStore#MAX_ENTRIES_PER_SWAP} entries with one, covering the same offsets, in
 * one conditional transaction, so a reader sees either the old entries or the new one, never a gap or a
 * duplicate; the replaced objects are marked so garbage collection keeps them for the grace period, for readers
 * holding old entries. A swap whose condition fails (lease lost, entries changed) stops the job: what was
 * written and not swapped is an orphan for garbage collection. Thread-safe: one job per call.
 */
public final class CompactionExecutor {
    /** Key compaction closes a new entry once it holds this many bytes of records. */
    private static final long COMPACTED_ENTRY_BYTES = 8L << 20;

    /**
     * A merge closes an index entry once it holds this many bytes: a read loads, checks and decodes a whole entry's
     * chunk, so this, not the merged object's size, is what a fetch of one record costs.
     */
    public static final long MERGED_ENTRY_BYTES = 8L << 20;

    /** Told after every index swap of a partition, so an in-process index cache forgets it. */
    public interface SwapListener {
        void swapped(UUID topicId, int partition);
    }

    private final CompactionStore store;
    private final ReplicatedSegments segments;
    private final ObjectKeys keys;
    private final Clock clock;
    private final SwapListener listener;

    public CompactionExecutor(
            CompactionStore store, SegmentStore segments, ObjectKeys keys, Clock clock, SwapListener listener) {
        this.store = store;
        this.segments = new ReplicatedSegments(segments);
        this.keys = keys;
        this.clock = clock;
        this.listener = listener;
    }

    /** Runs the plan; the item says whether it ran to the end (false: a condition failed and it stopped). */
    public Uni<Boolean> execute(CompactionPlan plan, Topic topic, JobLease lease, CompactionReport report) {
        Uni<Boolean> chain = Uni.createFrom().item(true);
        if (plan.retention().isPresent()) {
            CompactionPlan.Retention r = plan.retention().get();
            chain = chain.flatMap(ok -> !ok ? Uni.createFrom().item(false) : retention(plan, r, lease, report));
        }
        for (CompactionPlan.Merge m : plan.merges()) {
            chain = chain.flatMap(ok -> !ok ? Uni.createFrom().item(false) : merge(plan, topic, m, lease, report));
        }
        if (plan.compaction().isPresent()) {
            CompactionPlan.KeyCompaction k = plan.compaction().get();
            chain = chain.flatMap(ok -> !ok ? Uni.createFrom().item(false) : compact(plan, topic, k, lease, report));
        }
        return chain;
    }

    // ---- retention -----------------------------------------------------------------------------------------

    private Uni<Boolean> retention(
            CompactionPlan plan, CompactionPlan.Retention r, JobLease lease, CompactionReport report) {
        List<String> objects = r.dropped().stream()
                .filter(e -> !e.isGap())
                .map(IndexEntry::objectKey)
                .distinct()
                .toList();
        return store.markReplaced(objects, clock.millis())
                .flatMap(ignored ->
                        store.truncate(plan.topicId(), plan.partition(), r.logStartOffset(), r.dropped(), lease))
                .invoke(ok -> {
                    if (ok) {
                        report.entriesDropped.add(r.dropped().size());
                        listener.swapped(plan.topicId(), plan.partition());
                    } else {
                        report.leasesLost.increment();
                    }
                });
    }

    // ---- merge ---------------------------------------------------------------------------------------------

    private Uni<Boolean> merge(
            CompactionPlan plan, Topic topic, CompactionPlan.Merge m, JobLease lease, CompactionReport report) {
        return readAll(m.sources(), report).flatMap(chunks -> {
            List<List<IndexEntry>> groups = groups(m.sources());
            List<SegmentChunk> out = new ArrayList<>();
            for (List<IndexEntry> group : groups) {
                long base = group.get(0).baseOffset();
                ByteBuffer chunk = ByteBuffer.allocate(
                        group.stream().mapToInt(IndexEntry::length).sum());
                long records = 0;
                long maxTs = Long.MIN_VALUE;
                for (IndexEntry e : group) {
                    ChunkBuilder.appendShifted(chunk, ByteBuffer.wrap(chunks.get(e)), e.baseOffset() - base);
                    records += e.recordCount();
                    maxTs = Math.max(maxTs, e.maxTimestamp());
                }
                out.add(new SegmentChunk(
                        plan.topicId(),
                        plan.partition(),
                        chunk.flip(),
                        (int) Math.min(Integer.MAX_VALUE, records),
                        maxTs));
            }
            return writeAndSwap(plan, topic, groups, out, lease, report);
        });
    }

    /**
     * The sources in runs of at most {@link CompactionStore#MAX_ENTRIES_PER_SWAP} entries and
     * {@link #MERGED_ENTRY_BYTES} bytes (a source larger than that is a run of its own), each to become one entry.
     */
    private static List<List<IndexEntry>> groups(List<IndexEntry> sources) {
        List<List<IndexEntry>> groups = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < sources.size(); i++) {
            long size = sources.get(i).length();
            if (i > start && (i - start == CompactionStore.MAX_ENTRIES_PER_SWAP || bytes + size > MERGED_ENTRY_BYTES)) {
                groups.add(sources.subList(start, i));
                start = i;
                bytes = 0;
            }
            bytes += size;
        }
        groups.add(sources.subList(start, sources.size()));
        return groups;
    }

    /**
     * Writes one object holding a chunk per group to every replica bucket, marks the groups' objects replaced,
     * then swaps each group for one entry pointing at its chunk. A group whose chunk is null (key compaction left
     * nothing of it) is swapped for a gap entry; when every group is one, no object is written.
     */
    private Uni<Boolean> writeAndSwap(
            CompactionPlan plan,
            Topic topic,
            List<List<IndexEntry>> groups,
            List<SegmentChunk> chunks,
            JobLease lease,
            CompactionReport report) {
        List<String> buckets = topic.config().replicas();
        List<String> replaced = groups.stream()
                .flatMap(List::stream)
                .filter(e -> !e.isGap())
                .map(IndexEntry::objectKey)
                .distinct()
                .toList();
        List<SegmentChunk> stored = chunks.stream().filter(Objects::nonNull).toList();
        Uni<List<IndexEntry>> replacements;
        if (stored.isEmpty()) {
            replacements = Uni.createFrom()
                    .item(groups.stream()
                            .map(g -> IndexEntry.gap(
                                    g.get(0).baseOffset(), g.get(g.size() - 1).lastOffset(), buckets))
                            .toList());
        } else {
            SegmentFormat.Encoded encoded = SegmentFormat.encode(stored);
            long firstBase = groups.get(chunks.indexOf(stored.get(0))).get(0).baseOffset();
            String key = keys.newPartitionKey(plan.topicId(), plan.partition(), firstBase);
            replacements = segments.putAll(buckets, key, encoded.bytes()).map(ignored -> {
                report.objectsWritten.increment();
                report.bytesWritten.add((long) encoded.bytes().length * buckets.size());
                List<IndexEntry> out = new ArrayList<>();
                int c = 0;
                for (int i = 0; i < groups.size(); i++) {
                    List<IndexEntry> g = groups.get(i);
                    long base = g.get(0).baseOffset();
                    long last = g.get(g.size() - 1).lastOffset();
                    if (chunks.get(i) == null) {
                        out.add(IndexEntry.gap(base, last, buckets));
                    } else {
                        ChunkLocation l = encoded.chunks().get(c++);
                        out.add(new IndexEntry(
                                base, last, key, l.position(), l.length(), l.maxTimestamp(), l.crc32c(), buckets));
                    }
                }
                return out;
            });
        }
        return replacements.flatMap(added -> store.markReplaced(replaced, clock.millis())
                .flatMap(ignored -> swapEach(plan, groups, added, lease, report, 0)));
    }

    private Uni<Boolean> swapEach(
            CompactionPlan plan,
            List<List<IndexEntry>> groups,
            List<IndexEntry> replacements,
            JobLease lease,
            CompactionReport report,
            int i) {
        if (i == groups.size()) {
            return Uni.createFrom().item(true);
        }
        if (clock.millis() >= lease.expiresAtMs()) {
            report.leasesLost.increment(); // past its term the lease may be someone else's: stop before writing
            return Uni.createFrom().item(false);
        }
        List<IndexEntry> group = groups.get(i);
        return store.swap(plan.topicId(), plan.partition(), group, List.of(replacements.get(i)), lease)
                .flatMap(ok -> {
                    if (!ok) {
                        report.leasesLost.increment();
                        return Uni.createFrom().item(false);
                    }
                    listener.swapped(plan.topicId(), plan.partition());
                    report.entriesReplaced.add(group.size());
                    report.entriesWritten.increment();
                    return swapEach(plan, groups, replacements, lease, report, i + 1);
                });
    }

    // ---- key compaction ------------------------------------------------------------------------------------

    private Uni<Boolean> compact(
            CompactionPlan plan, Topic topic, CompactionPlan.KeyCompaction k, JobLease lease, CompactionReport report) {
        List<IndexEntry> all = new ArrayList<>(k.cleanable());
        all.addAll(k.active());
        return readAll(all, report).flatMap(chunks -> {
            Map<ByteBuffer, Long> latest = new HashMap<>();
            Map<IndexEntry, List<Record>> decoded = new LinkedHashMap<>();
            Map<Long, Long> horizons = new HashMap<>(); // tombstone offset → delete horizon its batch carries
            Compression codec = null;
            for (int i = 0; i < all.size(); i++) {
                IndexEntry e = all.get(i);
                if (e.isGap()) {
                    decoded.put(e, List.of());
                    continue;
                }
                ByteBuffer chunk = ByteBuffer.wrap(chunks.get(e));
                List<Record> records = RecordBatches.decode(chunk, e.baseOffset(), 0, Long.MAX_VALUE);
                decoded.put(e, records);
                for (Record r : records) {
                    if (r.key() != null) {
                        latest.merge(ByteBuffer.wrap(r.key()), r.offset(), Math::max);
                    }
                }
                if (i < k.cleanable().size()) { // the active part is never rewritten: its horizons do not matter
                    horizons.putAll(RecordBatches.tombstoneHorizons(chunk, e.baseOffset()));
                    codec = codec != null ? codec : codecOf(chunks.get(e));
                }
            }
            // a tombstone first kept now is kept delete.retention.ms from now (Kafka's delete horizon)
            long newHorizon = k.deleteRetentionMs() > Long.MAX_VALUE - k.nowMs()
                    ? Long.MAX_VALUE
                    : k.nowMs() + k.deleteRetentionMs();
            Map<Long, Long> keptHorizons = new HashMap<>();
            List<List<IndexEntry>> groups = new ArrayList<>();
            List<List<Record>> kept = new ArrayList<>();
            List<IndexEntry> group = new ArrayList<>();
            List<Record> groupRecords = new ArrayList<>();
            long groupBytes = 0;
            long removed = 0;
            for (IndexEntry e : k.cleanable()) {
                if (group.size() == CompactionStore.MAX_ENTRIES_PER_SWAP) {
                    groups.add(group); // with nothing left, it becomes a gap entry
                    kept.add(groupRecords);
                    group = new ArrayList<>();
                    groupRecords = new ArrayList<>();
                    groupBytes = 0;
                }
                group.add(e);
                for (Record r : decoded.get(e)) {
                    boolean newest = r.key() == null || latest.get(ByteBuffer.wrap(r.key())) == r.offset();
                    Long horizon = horizons.get(r.offset());
                    boolean expiredTombstone = r.value() == null && horizon != null && horizon <= k.nowMs();
                    if (newest && !expiredTombstone) {
                        if (r.value() == null) {
                            keptHorizons.put(r.offset(), horizon != null ? horizon : newHorizon);
                        }
                        groupRecords.add(r);
                        groupBytes += r.sizeInBytes();
                    } else {
                        removed++;
                    }
                }
                if (groupBytes >= COMPACTED_ENTRY_BYTES) {
                    groups.add(group);
                    kept.add(groupRecords);
                    group = new ArrayList<>();
                    groupRecords = new ArrayList<>();
                    groupBytes = 0;
                }
            }
            if (!group.isEmpty()) {
                groups.add(group); // a trailing run with nothing left becomes a gap entry too
                kept.add(groupRecords);
            }
            report.recordsRemoved.add(removed);
            List<SegmentChunk> out = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                long base = groups.get(i).get(0).baseOffset();
                List<Record> records = kept.get(i);
                out.add(
                        records.isEmpty()
                                ? null
                                : new SegmentChunk(
                                        plan.topicId(),
                                        plan.partition(),
                                        batches(
                                                records,
                                                base,
                                                codec,
                                                topic.config().maxMessageBytes(),
                                                keptHorizons),
                                        records.size(),
                                        records.stream()
                                                .mapToLong(Record::timestamp)
                                                .max()
                                                .orElseThrow()));
            }
            return writeAndSwap(plan, topic, groups, out, lease, report);
        });
    }

    /**
     * Records as batches of at most {@code maxBatchBytes} (uncompressed estimate), offsets relative to {@code base};
     * tombstones of different delete horizons ({@code horizons}, by offset) never share a batch, since a batch
     * carries one.
     */
    private static ByteBuffer batches(
            List<Record> records, long base, Compression codec, int maxBatchBytes, Map<Long, Long> horizons) {
        List<ByteBuffer> batches = new ArrayList<>();
        int start = 0;
        while (start < records.size()) {
            int end = start;
            long size = 0;
            long horizon = RecordBatch.NO_TIMESTAMP;
            while (end < records.size()
                    && (end == start || size + records.get(end).sizeInBytes() + 32 <= maxBatchBytes)) {
                Long h = horizons.get(records.get(end).offset());
                if (h != null) {
                    if (horizon != RecordBatch.NO_TIMESTAMP && h != horizon) {
                        break;
                    }
                    horizon = h;
                }
                size += records.get(end).sizeInBytes() + 32;
                end++;
            }
            batches.add(RecordBatches.encodeAt(records.subList(start, end), base, codec, horizon));
            start = end;
        }
        ByteBuffer out = ByteBuffer.allocate(
                batches.stream().mapToInt(ByteBuffer::remaining).sum());
        batches.forEach(out::put);
        return out.flip();
    }

    private static Compression codecOf(byte[] chunk) {
        try {
            return BatchCompression.of(MemoryRecords.readableRecords(ByteBuffer.wrap(chunk))
                            .firstBatch()
                            .compressionType())
                    .compression();
        } catch (RuntimeException e) {
            return Compression.NONE;
        }
    }

    // ---- reads ---------------------------------------------------------------------------------------------

    /** Every entry's chunk, one after the other (a job reads its partition sequentially); none for a gap. */
    private Uni<Map<IndexEntry, byte[]>> readAll(List<IndexEntry> entries, CompactionReport report) {
        Map<IndexEntry, byte[]> out = new LinkedHashMap<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (IndexEntry e : entries) {
            if (e.isGap()) {
                continue; // nothing stored
            }
            chain = chain.flatMap(ignored ->
                    segments.readChunk(e).invoke(bytes -> out.put(e, bytes)).replaceWithVoid());
        }
        return chain.invoke(ignored -> {
                    report.objectsRead.add(entries.stream()
                            .filter(e -> !e.isGap())
                            .map(IndexEntry::objectKey)
                            .distinct()
                            .count());
                    report.bytesRead.add(
                            entries.stream().mapToLong(IndexEntry::length).sum());
                })
                .replaceWith(out);
    }
}
