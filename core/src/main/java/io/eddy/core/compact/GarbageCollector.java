package io.eddy.core.compact;

import io.eddy.core.model.Topic;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.SegmentStore;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Deletes objects no index entry references: orphans of writers that crashed between PUT and commit (once older
 * than {@code orphanGrace}) and objects a compaction replaced (once {@code replacedGrace} has passed since), and
 * the index items of deleted topics. An object is kept while any entry of any live topic names it, in any
 * bucket. It lists the objects before it scans the index, so an object committed during the run is either
 * seen referenced or too young to delete. Thread-safe: one run per call (the caller holds the "gc" lease).
 */
public final class GarbageCollector {
    private static final List<String> PREFIXES = List.of("segments/", CompactionPlanner.COMPACTED_PREFIX);

    private final CompactionStore store;
    private final SegmentStore segments;
    private final Clock clock;

    public GarbageCollector(CompactionStore store, SegmentStore segments, Clock clock) {
        this.store = store;
        this.segments = segments;
        this.clock = clock;
    }

    /** An object GC would delete, and why. */
    public record Doomed(String bucket, String key, long bytes, String reason) {
    }

    /** Collects across {@code buckets}, given the live topics; {@code dryRun} deletes nothing. */
    public Uni<List<Doomed>> collect(Set<String> buckets, List<Topic> live, CompactionPolicy policy, boolean dryRun,
                                     CompactionReport report) {
        long now = clock.millis();
        Set<UUID> liveIds = new HashSet<>();
        live.forEach(t -> liveIds.add(t.id()));
        List<Uni<List<Listed>>> listings = new ArrayList<>();
        for (String bucket : buckets) {
            for (String prefix : PREFIXES) {
                listings.add(segments.list(bucket, prefix)
                        .map(objects -> objects.stream().map(o -> new Listed(bucket, o)).toList()));
            }
        }
        return Uni.join().all(listings).andFailFast().flatMap(lists -> store.scanEntries().flatMap(entries -> {
            Set<String> referenced = new HashSet<>();
            Set<DeadPartition> dead = new LinkedHashSet<>();
            for (CompactionStore.ScannedEntry e : entries) {
                if (liveIds.contains(e.topicId())) {
                    referenced.add(e.entry().objectKey());
                } else {
                    dead.add(new DeadPartition(e.topicId(), e.partition()));
                }
            }
            return store.replaced().flatMap(replaced -> {
                List<Doomed> doomed = new ArrayList<>();
                Set<String> seen = new HashSet<>();
                for (List<Listed> list : lists) {
                    for (Listed l : list) {
                        seen.add(l.object().key());
                        if (referenced.contains(l.object().key())) {
                            continue;
                        }
                        Long replacedAt = replaced.get(l.object().key());
                        if (replacedAt != null ? replacedAt < now - policy.replacedGrace().toMillis()
                                : l.object().lastModifiedMs() < now - policy.orphanGrace().toMillis()) {
                            doomed.add(new Doomed(l.bucket(), l.object().key(), l.object().size(),
                                    replacedAt != null ? "replaced" : "orphan"));
                        }
                    }
                }
                if (dryRun) {
                    return Uni.createFrom().item(doomed);
                }
                List<String> gone = replaced.keySet().stream().filter(k -> !seen.contains(k)).toList();
                return delete(doomed, report)
                        .flatMap(ignored -> store.forgetReplaced(new ArrayList<>(concat(gone,
                                doomed.stream().map(Doomed::key).toList()))))
                        .flatMap(ignored -> purge(new ArrayList<>(dead), report))
                        .replaceWith(doomed);
            });
        }));
    }

    private record Listed(String bucket, SegmentStore.StoredObject object) {
    }

    private record DeadPartition(UUID topicId, int partition) {
    }

    private Uni<Void> delete(List<Doomed> doomed, CompactionReport report) {
        Map<String, List<Doomed>> byBucket = new java.util.TreeMap<>();
        doomed.forEach(d -> byBucket.computeIfAbsent(d.bucket(), b -> new ArrayList<>()).add(d));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, List<Doomed>> e : byBucket.entrySet()) {
            chain = chain.flatMap(ignored -> segments.delete(e.getKey(), e.getValue().stream().map(Doomed::key).toList())
                    .invoke(() -> {
                        report.objectsDeleted.add(e.getValue().size());
                        report.bytesDeleted.add(e.getValue().stream().mapToLong(Doomed::bytes).sum());
                    }));
        }
        return chain;
    }

    private Uni<Void> purge(List<DeadPartition> dead, CompactionReport report) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (DeadPartition d : dead) {
            chain = chain.flatMap(ignored -> store.purgePartition(d.topicId(), d.partition())
                    .invoke(n -> report.partitionsPurged.increment()).replaceWithVoid());
        }
        return chain;
    }

    private static Set<String> concat(List<String> a, List<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }
}
