package io.eddy.core.replica;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SegmentStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
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
        return page(topic, partition, fromOffset, progress).map(ignored -> progress.report());
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

    private Uni<Void> page(Topic topic, int partition, long from, Progress progress) {
        return metadata.entriesFrom(topic.id(), partition, from, PAGE).flatMap(entries -> {
            if (entries.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            long next = entries.get(entries.size() - 1).lastOffset() + 1;
            return Multi.createFrom().iterable(entries)
                    .onItem().transformToUniAndConcatenate(e -> repairEntry(topic, partition, e, progress))
                    .collect().last()
                    .flatMap(ignored -> entries.size() < PAGE ? Uni.createFrom().voidItem()
                            : page(topic, partition, next, progress));
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
