package io.eddy.core.compact;

import io.eddy.core.model.Topic;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SegmentStore;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Deletes objects no index entry references: orphans of writers that crashed between PUT and commit (once older
 * than {@code orphanGrace}) and objects a compaction replaced (once {@code replacedGrace} has passed since), and
 * purges the partitions of deleted topics. It lists the objects before it scans the index, so an object committed
 * during the run is either seen referenced or too young to delete.
 *
 * <p>A partition is purged only when its topic id is known to be deleted ({@link #deadTopics}, the one place that
 * decides it): a tombstone its delete left, or an id whose entries the scan saw and which a topic listing taken
 * after the scan no longer has. Topic ids are never reused and an entry is only committed for an id that exists,
 * so such an id cannot come back; a topic created (or created again under a deleted one's name) while a pass runs
 * has a new id, is in that later listing, and is never touched. An object is kept while any entry of a topic not
 * known to be deleted names it, in any bucket. A purge is idempotent: a tombstone stays until every partition of
 * its topic has been purged, so a purge cut short finishes in a later pass. Thread-safe: one run per call (the
 * caller holds the "gc" lease).
 */
public final class GarbageCollector {
    private static final List<String> PREFIXES = List.of("segments/", CompactionPlanner.COMPACTED_PREFIX);

    private final CompactionStore store;
    private final MetadataStore metadata;
    private final SegmentStore segments;
    private final Clock clock;

    /** @param metadata where the topic listing taken after the index scan is read */
    public GarbageCollector(CompactionStore store, MetadataStore metadata, SegmentStore segments, Clock clock) {
        this.store = store;
        this.metadata = metadata;
        this.segments = segments;
        this.clock = clock;
    }

    /** An object GC would delete, and why. */
    public record Doomed(String bucket, String key, long bytes, String reason) {}

    /** Collects across {@code buckets}; {@code dryRun} deletes and purges nothing. */
    public Uni<List<Doomed>> collect(
            Set<String> buckets, CompactionPolicy policy, boolean dryRun, CompactionReport report) {
        long now = clock.millis();
        List<Uni<List<Listed>>> listings = new ArrayList<>();
        for (String bucket : buckets) {
            for (String prefix : PREFIXES) {
                listings.add(segments.list(bucket, prefix)
                        .map(objects ->
                                objects.stream().map(o -> new Listed(bucket, o)).toList()));
            }
        }
        return Uni.join()
                .all(listings)
                .andFailFast()
                .flatMap(lists -> store.scanEntries()
                        .flatMap(entries ->
                                // the listing is read after the scan has ended: see deadTopics
                                metadata.topics()
                                        .flatMap(liveAfterScan -> store.deletedTopics()
                                                .flatMap(tombstones -> collect(
                                                        lists,
                                                        entries,
                                                        deadTopics(entries, liveAfterScan, tombstones),
                                                        tombstones,
                                                        now,
                                                        policy,
                                                        dryRun,
                                                        report)))));
    }

    private Uni<List<Doomed>> collect(
            List<List<Listed>> lists,
            List<CompactionStore.ScannedEntry> entries,
            Map<UUID, Set<Integer>> dead,
            List<CompactionStore.DeletedTopic> tombstones,
            long now,
            CompactionPolicy policy,
            boolean dryRun,
            CompactionReport report) {
        Set<String> referenced = new HashSet<>();
        for (CompactionStore.ScannedEntry e : entries) {
            if (!dead.containsKey(e.topicId())) {
                referenced.add(e.entry().objectKey());
            }
        }
        Set<UUID> tombstoned = new HashSet<>();
        tombstones.forEach(t -> tombstoned.add(t.topicId()));
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
                    if (replacedAt != null
                            ? replacedAt < now - policy.replacedGrace().toMillis()
                            : l.object().lastModifiedMs()
                                    < now - policy.orphanGrace().toMillis()) {
                        doomed.add(new Doomed(
                                l.bucket(),
                                l.object().key(),
                                l.object().size(),
                                replacedAt != null ? "replaced" : "orphan"));
                    }
                }
            }
            if (dryRun) {
                return Uni.createFrom().item(doomed);
            }
            List<String> gone =
                    replaced.keySet().stream().filter(k -> !seen.contains(k)).toList();
            return delete(doomed, report)
                    .flatMap(ignored -> store.forgetReplaced(new ArrayList<>(
                            concat(gone, doomed.stream().map(Doomed::key).toList()))))
                    .flatMap(ignored -> purge(dead, tombstoned, report))
                    .replaceWith(doomed);
        });
    }

    /**
     * The topic ids known to be deleted, each with the partitions to purge: every id with a tombstone (its partitions
     * when deleted, and any other the scan saw), and every id the scan saw that {@code liveAfterScan} (a listing read
     * after the scan ended) does not have. An id in that listing is never dead, tombstone or not.
     */
    static Map<UUID, Set<Integer>> deadTopics(
            List<CompactionStore.ScannedEntry> scanned,
            List<Topic> liveAfterScan,
            List<CompactionStore.DeletedTopic> tombstones) {
        Set<UUID> live = new HashSet<>();
        liveAfterScan.forEach(t -> live.add(t.id()));
        Map<UUID, Set<Integer>> dead = new LinkedHashMap<>();
        for (CompactionStore.DeletedTopic t : tombstones) {
            if (!live.contains(t.topicId())) {
                Set<Integer> partitions = dead.computeIfAbsent(t.topicId(), id -> new TreeSet<>());
                for (int p = 0; p < t.partitions(); p++) {
                    partitions.add(p);
                }
            }
        }
        for (CompactionStore.ScannedEntry e : scanned) {
            if (!live.contains(e.topicId())) {
                dead.computeIfAbsent(e.topicId(), id -> new TreeSet<>()).add(e.partition());
            }
        }
        return dead;
    }

    private record Listed(String bucket, SegmentStore.StoredObject object) {}

    private Uni<Void> delete(List<Doomed> doomed, CompactionReport report) {
        Map<String, List<Doomed>> byBucket = new java.util.TreeMap<>();
        doomed.forEach(d ->
                byBucket.computeIfAbsent(d.bucket(), b -> new ArrayList<>()).add(d));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<String, List<Doomed>> e : byBucket.entrySet()) {
            chain = chain.flatMap(ignored -> segments.delete(
                            e.getKey(), e.getValue().stream().map(Doomed::key).toList())
                    .invoke(() -> {
                        report.objectsDeleted.add(e.getValue().size());
                        report.bytesDeleted.add(
                                e.getValue().stream().mapToLong(Doomed::bytes).sum());
                    }));
        }
        return chain;
    }

    /** Purges every dead partition, topic by topic; a topic's tombstone goes once all its partitions are purged. */
    private Uni<Void> purge(Map<UUID, Set<Integer>> dead, Set<UUID> tombstoned, CompactionReport report) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Map.Entry<UUID, Set<Integer>> topic : dead.entrySet()) {
            for (int partition : topic.getValue()) {
                chain = chain.flatMap(ignored -> store.purgePartition(topic.getKey(), partition)
                        .invoke(n -> {
                            if (n > 0) {
                                report.partitionsPurged.increment();
                            }
                        })
                        .replaceWithVoid());
            }
            if (tombstoned.contains(topic.getKey())) {
                chain = chain.flatMap(ignored -> store.forgetDeletedTopic(topic.getKey()));
            }
        }
        return chain;
    }

    private static Set<String> concat(List<String> a, List<String> b) {
        Set<String> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return out;
    }
}
