package io.eddy.core.replica;

import io.eddy.core.format.ChunkLocation;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SegmentStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.util.function.Function;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Copies segment objects to the replica buckets that miss them, and records the new holders in the index
 * entries (primary-first order, per the topic's {@code replicas}). An acks=1 produce whose primary bucket
 * failed leaves exactly such entries; the compactor schedules this per partition. Idempotent: a second run
 * finds nothing to do. Thread-safe; one run per partition at a time is enough.
 */
public final class ReplicaRepair {
    private static final int PAGE = 100;

    private final MetadataStore metadata;
    private final SegmentStore segments;

    public ReplicaRepair(MetadataStore metadata, SegmentStore segments) {
        this.metadata = metadata;
        this.segments = segments;
    }

    /** What a repair did. */
    public record Report(int entriesRepaired, int objectsCopied, long bytesCopied) {
    }

    /** Repairs every index entry of the partition from {@code fromOffset} on. */
    public Uni<Report> repair(Topic topic, int partition, long fromOffset) {
        Progress progress = new Progress();
        return forEachEntry(topic, partition, fromOffset, e -> repairEntry(topic, partition, e, progress))
                .map(ignored -> progress.report());
    }

    private static final class Progress {
        final Set<String> copied = new HashSet<>();   // bucket + key already copied in this run
        int entries;
        int objects;
        long bytes;

        synchronized Report report() {
            return new Report(entries, objects, bytes);
        }
    }

    /** Runs {@code each} on every index entry but gaps of the partition from {@code from}, in order, page by page. */
    private Uni<Void> forEachEntry(Topic topic, int partition, long from, Function<IndexEntry, Uni<Void>> each) {
        return metadata.entriesFrom(topic.id(), partition, from, PAGE).flatMap(entries -> {
            if (entries.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            long next = entries.get(entries.size() - 1).lastOffset() + 1;
            return Multi.createFrom().iterable(entries).filter(e -> !e.isGap())   // a gap stores nothing to copy
                    .onItem().transformToUniAndConcatenate(e -> each.apply(e))
                    .collect().last()
                    .flatMap(ignored -> entries.size() < PAGE ? Uni.createFrom().voidItem()
                            : forEachEntry(topic, partition, next, each));
        });
    }

    private Uni<Void> repairEntry(Topic topic, int partition, IndexEntry entry, Progress progress) {
        List<String> missing = new ArrayList<>(topic.config().replicas());
        missing.removeAll(entry.buckets());
        if (missing.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return read(entry, 0).flatMap(bytes -> Multi.createFrom().iterable(missing)
                .onItem().transformToUniAndConcatenate(bucket -> copy(bucket, entry.objectKey(), bytes, progress))
                .collect().asList()
                .flatMap(ignored -> {
                    List<String> holders = new ArrayList<>();
                    for (String b : topic.config().replicas()) {
                        if (entry.buckets().contains(b) || missing.contains(b)) {
                            holders.add(b);
                        }
                    }
                    // buckets no longer among the replicas keep their copy listed last, so reads still find it
                    entry.buckets().stream().filter(b -> !holders.contains(b)).forEach(holders::add);
                    return metadata.replaceEntryBuckets(topic.id(), partition, entry.baseOffset(), entry.buckets(), holders);
                })
                .invoke(replaced -> {
                    if (replaced) {
                        synchronized (progress) {
                            progress.entries++;
                        }
                    }
                })
                .replaceWithVoid());
    }

    /**
     * Checks every copy of every entry of the partition from {@code fromOffset}: a copy whose chunk is missing or
     * fails its CRC32C is replaced by a whole copy of the object from a bucket whose every chunk verifies (the
     * object's footer holds each chunk's CRC32C). Reads each copy's chunk: run it rarely.
     */
    public Uni<Report> scrub(Topic topic, int partition, long fromOffset) {
        Progress progress = new Progress();
        return forEachEntry(topic, partition, fromOffset, e -> scrubEntry(e, progress)).map(ignored -> progress.report());
    }

    private Uni<Void> scrubEntry(IndexEntry entry, Progress progress) {
        if (entry.buckets().size() < 2) {
            return Uni.createFrom().voidItem();   // nothing to compare with or copy from
        }
        return Multi.createFrom().iterable(entry.buckets())
                .onItem().transformToUniAndConcatenate(bucket -> segments.read(bucket, entry.objectKey(),
                                entry.position(), entry.length())
                        .map(bytes -> intact(bytes, entry.crc32c()))
                        .onFailure().recoverWithItem(false)
                        .map(ok -> ok ? "" : bucket))
                .collect().asList()
                .flatMap(results -> {
                    List<String> bad = results.stream().filter(b -> !b.isEmpty()).toList();
                    List<String> good = entry.buckets().stream().filter(b -> !bad.contains(b)).toList();
                    if (bad.isEmpty() || good.isEmpty()) {
                        return Uni.createFrom().voidItem();   // all fine, or nothing good to copy from
                    }
                    return wholeIntact(entry, good, 0).flatMap(object -> Multi.createFrom().iterable(bad)
                            .onItem().transformToUniAndConcatenate(b -> copy(b, entry.objectKey(), object, progress))
                            .collect().asList().invoke(ignored -> {
                                synchronized (progress) {
                                    progress.entries++;
                                }
                            }).replaceWithVoid());
                });
    }

    /** The whole object from the first of {@code buckets} whose copy has every chunk intact. */
    private Uni<byte[]> wholeIntact(IndexEntry entry, List<String> buckets, int i) {
        Uni<byte[]> get = segments.get(buckets.get(i), entry.objectKey()).invoke(bytes -> {
            for (ChunkLocation c : SegmentFormat.footer(bytes)) {
                SegmentFormat.verifyChunk(ByteBuffer.wrap(bytes, (int) c.position(), c.length()).slice(), c.crc32c());
            }
        });
        return i + 1 < buckets.size() ? get.onFailure().recoverWithUni(t -> wholeIntact(entry, buckets, i + 1)) : get;
    }

    private static boolean intact(byte[] chunk, int crc32c) {
        try {
            SegmentFormat.verifyChunk(ByteBuffer.wrap(chunk), crc32c);
            return true;
        } catch (RuntimeException corrupt) {
            return false;
        }
    }

    private Uni<byte[]> read(IndexEntry entry, int i) {
        Uni<byte[]> get = segments.get(entry.buckets().get(i), entry.objectKey());
        return i + 1 < entry.buckets().size() ? get.onFailure().recoverWithUni(t -> read(entry, i + 1)) : get;
    }

    private Uni<Void> copy(String bucket, String key, byte[] bytes, Progress progress) {
        synchronized (progress) {
            if (!progress.copied.add(bucket + "/" + key)) {
                return Uni.createFrom().voidItem();
            }
        }
        return segments.put(bucket, key, bytes).invoke(() -> {
            synchronized (progress) {
                progress.objects++;
                progress.bytes += bytes.length;
            }
        });
    }
}
