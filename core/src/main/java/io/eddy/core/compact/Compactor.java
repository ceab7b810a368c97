package io.eddy.core.compact;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.replica.ReplicaRepair;
import io.eddy.core.storage.BucketAllowList;
import io.eddy.core.storage.CompactionStore;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One compaction pass over every partition of every topic (or of one): under the partition's job lease, load
 * its log, plan ({@link CompactionPlanner}), execute ({@link CompactionExecutor}), optionally repair replica
 * buckets; then collect garbage under the "gc" lease. What a scheduled function or the operator's command runs.
 * Thread-safe: each call is its own pass.
 */
public final class Compactor {
    private static final int ENTRY_PAGE = 500;
    private static final String GC_LEASE = "gc";

    private final TopicService topics;
    private final MetadataStore metadata;
    private final CompactionStore store;
    private final CompactionExecutor executor;
    private final GarbageCollector gc;
    private final ReplicaRepair repair;
    private final CompactionPolicy policy;
    private final String owner;
    private final String defaultBucket;
    private final BucketAllowList buckets;
    private final Clock clock;
    private final CompactionPlanner planner = new CompactionPlanner();

    /**
     * @param owner         this process's unique name, for leases
     * @param defaultBucket the bucket topics use when they name no replicas (garbage is looked for there too)
     * @param buckets       the deployment's buckets: garbage is never looked for in any other, whatever a topic names
     */
    public Compactor(
            TopicService topics,
            MetadataStore metadata,
            CompactionStore store,
            CompactionExecutor executor,
            GarbageCollector gc,
            ReplicaRepair repair,
            CompactionPolicy policy,
            String owner,
            String defaultBucket,
            BucketAllowList buckets,
            Clock clock) {
        this.topics = topics;
        this.metadata = metadata;
        this.store = store;
        this.executor = executor;
        this.gc = gc;
        this.repair = repair;
        this.policy = policy;
        this.owner = owner;
        this.defaultBucket = defaultBucket;
        this.buckets = buckets;
        this.clock = clock;
    }

    /**
     * What to run.
     *
     * @param onlyTopic one topic's partitions (no garbage collection then), or null for all
     * @param scrub     also read every replica copy and replace corrupt ones (reads everything: run rarely)
     * @param deadline  when the pass stops starting work, or null for never: a partition whose turn comes after it
     *                  is deferred to the next pass, and garbage collection too. A job already started runs on,
     *                  for at most its lease. For a process with a time limit (a Lambda function).
     */
    public record Options(
            boolean dryRun,
            boolean collectGarbage,
            boolean repairReplicas,
            String onlyTopic,
            boolean scrub,
            Instant deadline) {
        public Options(
                boolean dryRun, boolean collectGarbage, boolean repairReplicas, String onlyTopic, boolean scrub) {
            this(dryRun, collectGarbage, repairReplicas, onlyTopic, scrub, null);
        }

        public Options(boolean dryRun, boolean collectGarbage, boolean repairReplicas, String onlyTopic) {
            this(dryRun, collectGarbage, repairReplicas, onlyTopic, false);
        }

        public static Options all() {
            return new Options(false, true, true, null);
        }

        /** The same options, stopping at {@code deadline}. */
        public Options until(Instant deadline) {
            return new Options(dryRun, collectGarbage, repairReplicas, onlyTopic, scrub, deadline);
        }
    }

    /** Told as the pass goes, for a command's progress output. */
    public interface Progress {
        void partitionDone(int done, int total, CompactionPlan plan);

        void garbage(List<GarbageCollector.Doomed> doomed);
    }

    /** A pass's plans (what a dry run prints) and its report. */
    public record Result(List<CompactionPlan> plans, List<GarbageCollector.Doomed> garbage, CompactionReport report) {}

    public Uni<Result> run(Options options, Progress progress) {
        CompactionReport report = new CompactionReport();
        List<CompactionPlan> plans = new ArrayList<>();
        Uni<List<Topic>> all = topics.list();
        return all.flatMap(live -> {
            List<Topic> chosen = options.onlyTopic() == null
                    ? live
                    : live.stream()
                            .filter(t -> t.name().value().equals(options.onlyTopic()))
                            .toList();
            int total = chosen.stream().mapToInt(Topic::partitions).sum();
            int[] done = {0};
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Topic topic : chosen) {
                for (int p = 0; p < topic.partitions(); p++) {
                    int partition = p;
                    chain = chain.flatMap(ignored -> partition(topic, partition, options, report)
                            .invoke(plan -> {
                                plans.add(plan);
                                progress.partitionDone(++done[0], total, plan);
                            })
                            .replaceWithVoid());
                }
            }
            Uni<List<GarbageCollector.Doomed>> garbage = chain.flatMap(ignored -> {
                if (!options.collectGarbage() || options.onlyTopic() != null) {
                    return Uni.createFrom().item(List.<GarbageCollector.Doomed>of());
                }
                if (pastDeadline(options)) {
                    report.garbageDeferred.increment();
                    return Uni.createFrom().item(List.<GarbageCollector.Doomed>of());
                }
                return collect(live, options.dryRun(), report);
            });
            return garbage.invoke(progress::garbage).map(doomed -> new Result(plans, doomed, report));
        });
    }

    /** One partition under its lease: plan, and unless a dry run, execute and repair. */
    private Uni<CompactionPlan> partition(Topic topic, int partition, Options options, CompactionReport report) {
        if (pastDeadline(options)) {
            report.partitionsDeferred.increment(); // the next pass starts over and gets to it
            return Uni.createFrom()
                    .item(new CompactionPlan(
                            topic.id(),
                            topic.name().value(),
                            partition,
                            java.util.Optional.empty(),
                            List.of(),
                            java.util.Optional.empty()));
        }
        long now = clock.millis();
        String name = "compact:" + topic.id() + ":" + partition;
        return store.acquire(name, owner, now, now + policy.leaseDuration().toMillis())
                .flatMap(lease -> {
                    if (lease.isEmpty()) {
                        report.partitionsSkipped.increment(); // another compactor is on it
                        return Uni.createFrom()
                                .item(new CompactionPlan(
                                        topic.id(),
                                        topic.name().value(),
                                        partition,
                                        java.util.Optional.empty(),
                                        List.of(),
                                        java.util.Optional.empty()));
                    }
                    report.partitions.increment();
                    return log(topic, partition)
                            .flatMap(log -> {
                                CompactionPlan plan = planner.plan(log, policy, clock.instant());
                                if (options.dryRun()) {
                                    return Uni.createFrom().item(plan);
                                }
                                Uni<Boolean> executed = plan.isEmpty()
                                        ? Uni.createFrom().item(true)
                                        : executor.execute(plan, topic, lease.get(), report);
                                boolean replicated = topic.config().replicas().size() > 1;
                                long from = log.head().logStartOffset();
                                return executed.flatMap(ok -> ok && options.repairReplicas() && replicated
                                                ? repair.repair(topic, partition, from, lease.get())
                                                        .replaceWith(ok)
                                                : Uni.createFrom().item(ok))
                                        .flatMap(ok -> ok && options.scrub() && replicated
                                                ? repair.scrub(topic, partition, from, lease.get())
                                                        .replaceWith(ok)
                                                : Uni.createFrom().item(ok))
                                        .replaceWith(plan);
                            })
                            .eventually(() -> store.release(lease.get()));
                });
    }

    private boolean pastDeadline(Options options) {
        return options.deadline() != null && !clock.instant().isBefore(options.deadline());
    }

    private Uni<PartitionLog> log(Topic topic, int partition) {
        return metadata.heads(topic.id(), List.of(partition)).flatMap(heads -> {
            PartitionHead head = heads.get(partition);
            return entries(topic, partition, 0, new ArrayList<>())
                    .map(entries -> new PartitionLog(topic, partition, head, entries));
        });
    }

    private Uni<List<IndexEntry>> entries(Topic topic, int partition, long from, List<IndexEntry> acc) {
        return metadata.entriesFrom(topic.id(), partition, from, ENTRY_PAGE).flatMap(page -> {
            acc.addAll(page);
            if (page.size() < ENTRY_PAGE) {
                return Uni.createFrom().item(acc);
            }
            return entries(topic, partition, page.get(page.size() - 1).baseOffset() + 1, acc);
        });
    }

    /**
     * Garbage collection over the deployment's buckets that the topics listed at the pass's start name. Which topics are deleted is
     * not taken from that listing (a topic created since is not in it): the collector decides it for itself.
     */
    private Uni<List<GarbageCollector.Doomed>> collect(List<Topic> live, boolean dryRun, CompactionReport report) {
        long now = clock.millis();
        Set<String> named = new LinkedHashSet<>();
        named.add(defaultBucket);
        live.forEach(t -> named.addAll(t.config().replicas()));
        // a topic stored before the allow-list may still name another deployment's bucket: never collect there
        Set<String> collected = new LinkedHashSet<>(this.buckets.filter(named));
        return store.acquire(GC_LEASE, owner, now, now + policy.leaseDuration().toMillis())
                .flatMap(lease -> {
                    if (lease.isEmpty()) {
                        return Uni.createFrom().item(List.<GarbageCollector.Doomed>of());
                    }
                    return gc.collect(collected, policy, dryRun, report).eventually(() -> store.release(lease.get()));
                });
    }
}
