package io.eddy.core.produce;

import io.eddy.core.error.ErrorCode;
import io.eddy.core.produce.CommitDecider.Decision;
import io.eddy.core.produce.CommitDecider.Open;
import io.eddy.core.produce.CommitDecider.Reads;
import io.eddy.core.produce.CommitDecider.Transaction;
import io.eddy.core.produce.FlushProgress.RunRef;
import io.eddy.core.produce.lease.LeaderLeases;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.support.RetryPolicy;
import io.eddy.core.tail.TailSignals;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a flush — one or many requests — as one segment object and commits it in as few DynamoDB
 * transactions as the partitions allow. Per round: read what the decisions need ({@link DecisionReader}), decide
 * every run ({@link CommitDecider}: append, duplicate, refuse), write the appended runs once ({@link SegmentWriter}),
 * commit them ({@link Committer}). A commit whose condition failed is decided and committed again with fresh
 * reads; the object is rewritten only if the set of appended runs changed. Flushes are pipelined
 * ({@link Reservations}): a flush decides on the offsets and producer states the flushes ahead of it reserved, and
 * PUTs its segment while they commit; it commits once they finished, and decides again if one of them did not land.
 * Thread-safe: each flush keeps its own state; the reservations are shared.
 */
public final class FlushExecutor implements Appender {
    /**
     * How hard a flush tries to commit when other writers keep moving the partition heads: each conflict re-reads
     * the heads and retries the commit (never the S3 PUT), 64 rounds in all, after a full-jitter backoff from 2 ms
     * up to 200 ms.
     */
    public static final RetryPolicy CONFLICT_RETRY =
            new RetryPolicy(64, Duration.ofMillis(2), Duration.ofMillis(200), 1.0);

    private final DecisionReader reader;
    private final CommitDecider decider;
    private final SegmentWriter writer;
    private final Committer committer;
    private final ProduceMetrics metrics;
    private final Clock clock;
    private final Reservations reservations = new Reservations();
    private final KnownProducers producers = new KnownProducers(KnownProducers.DEFAULT_SIZE);

    /**
     * @param cache  where the objects just written go, so a tail read right after needs no GET
     * @param leases this instance's leader leases (server mode), or {@link LeaderLeases#none()} to always commit
     *               optimistically
     */
    public FlushExecutor(
            MetadataStore metadata,
            SegmentStore segments,
            ObjectKeys keys,
            WriteThroughCache cache,
            TailSignals signals,
            RetryPolicy policy,
            LeaderLeases leases,
            ProduceMetrics metrics,
            Clock clock,
            Duration producerExpiry) {
        this.reader = new DecisionReader(metadata, leases, producers);
        this.decider = new CommitDecider(producerExpiry);
        this.writer = new SegmentWriter(segments, keys, cache, metrics);
        this.committer = new Committer(metadata, leases, signals, policy, metrics);
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * A request waiting in a flush, and where its outcome goes. Equal only to itself: it is a map key on the hot
     * path, and a record's hash would read every byte of the request's batches.
     */
    public static final class Pending {
        private final AppendRequest request;
        private final CompletableFuture<List<Long>> result = new CompletableFuture<>();

        public Pending(AppendRequest request) {
            this.request = request;
        }

        public AppendRequest request() {
            return request;
        }

        public CompletableFuture<List<Long>> result() {
            return result;
        }
    }

    @Override
    public Uni<List<Long>> append(AppendRequest request) {
        return Uni.createFrom().deferred(() -> {
            Pending pending = new Pending(request);
            return flush(List.of(pending))
                    .onItem()
                    .transformToUni(ignored -> Uni.createFrom().future(pending.result()));
        });
    }

    /**
     * Runs one flush; completes every pending's result (never fails itself). All share acks and replicas. An
     * atomic request among others is flushed on its own, before them: merged into partition commits shared with
     * other requests, its partitions could need more items than one transaction holds and be split.
     */
    public Uni<Void> flush(List<Pending> pendings) {
        return flush(pendings, () -> {});
    }

    /**
     * {@link #flush(List)}, telling {@code committing} when the flush has written its segment and the flushes ahead
     * of it finished, as it sends its first commit: from then on a flush behind it would only wait for its commit,
     * while one cut earlier would share a PUT it could have joined. May be called more than once (a flush that
     * decides again commits again), or never (nothing appended, or a failure before the commit).
     */
    public Uni<Void> flush(List<Pending> pendings, Runnable committing) {
        if (pendings.size() > 1 && pendings.stream().anyMatch(p -> p.request().atomic())) {
            List<List<Pending>> flushes = new ArrayList<>();
            List<Pending> others = new ArrayList<>();
            for (Pending p : pendings) {
                if (p.request().atomic()) {
                    flushes.add(List.of(p));
                } else {
                    others.add(p);
                }
            }
            if (!others.isEmpty()) {
                flushes.add(others);
            }
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (List<Pending> f : flushes) {
                chain = chain.flatMap(ignored -> flush(f, committing));
            }
            return chain;
        }
        FlushProgress flush = new FlushProgress(pendings);
        long bytes = pendings.stream().mapToLong(p -> p.request().sizeInBytes()).sum();
        long records = pendings.stream()
                .flatMap(p -> p.request().runs().stream())
                .mapToLong(PartitionRun::records)
                .sum();
        metrics.flushed(pendings.size(), bytes, records);
        Reservations.Ticket ticket = reservations.enter(flush.open());
        return round(flush, ticket, 1, false, committing)
                .onFailure()
                .invoke(flush::failAll)
                .onFailure()
                .recoverWithNull()
                .onTermination()
                .invoke(() -> reservations.finish(ticket))
                .replaceWithVoid();
    }

    /**
     * One round: read, decide after the flushes ahead decided (first round) on their projections, write, wait for
     * the flushes ahead to finish, commit — or decide again if one of them did not land what this one built on.
     */
    private Uni<Void> round(
            FlushProgress flush, Reservations.Ticket ticket, int attempt, boolean fresh, Runnable committing) {
        List<Open<RunRef>> open = flush.open();
        if (open.isEmpty()) {
            flush.completeDone();
            return Uni.createFrom().voidItem();
        }
        return Uni.combine()
                .all()
                .unis(reader.read(open, fresh), ticket.aheadDecided())
                .asTuple()
                .flatMap(t -> {
                    Reads read = t.getItem1().reads();
                    read.fenced().forEach(lost -> metrics.fenced());
                    Reservations.Decided<RunRef> d =
                            reservations.decide(ticket, read, reads -> decider.decide(open, reads, clock.millis()));
                    Decision<RunRef> decided = d.decision();
                    if ((!decided.refused().isEmpty() || !decided.duplicates().isEmpty()) && !ticket.aheadDone()) {
                        // made on what flushes still in flight reserved: a duplicate of an uncommitted batch must
                        // not be acknowledged, a refusal may not stand once they land (or fail); decide again then
                        return ticket.aheadFinished().flatMap(x -> round(flush, ticket, attempt, fresh, committing));
                    }
                    if (!decided.refused().isEmpty() && t.getItem1().remembered()) {
                        // refused on remembered producer states or epochs, which another process may have moved
                        metrics.redecided();
                        return round(flush, ticket, attempt, true, committing);
                    }
                    decided.refused().forEach(refusal -> {
                        if (refusal.reason().code() == ErrorCode.PRODUCER_FENCED) {
                            metrics.fenced();
                        }
                        flush.fail(refusal.ref().pending(), refusal.reason());
                    });
                    decided.duplicates().forEach((ref, base) -> {
                        metrics.duplicate();
                        flush.settled(ref, base);
                    });
                    flush.completeDone();
                    if (decided.appended().isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    return write(flush, decided).call(ticket::aheadFinished).flatMap(segment -> {
                        if (!reservations.current(ticket)) {
                            // a flush ahead did not land what this one was decided on: decide again
                            metrics.redecided();
                            return committer
                                    .redo(attempt)
                                    .flatMap(x -> round(flush, ticket, attempt + 1, fresh, committing));
                        }
                        committing.run();
                        return commit(flush, ticket, d, segment, attempt, committing);
                    });
                });
    }

    private Uni<Void> commit(
            FlushProgress flush,
            Reservations.Ticket ticket,
            Reservations.Decided<RunRef> d,
            WrittenSegment segment,
            int attempt,
            Runnable committing) {
        Decision<RunRef> decided = d.decision();
        List<Transaction<RunRef>> txs = decider.transactions(decided, d.reads(), segment, committer.renewedUntil());
        return Uni.join()
                .all(txs.stream().map(committer::commit).toList())
                .andFailFast()
                .map(outcomes -> {
                    for (int i = 0; i < txs.size(); i++) {
                        boolean landed = outcomes.get(i) instanceof Committer.Committed;
                        if (landed) {
                            producers.landed(txs.get(i).batch());
                        } else {
                            producers.forget(txs.get(i).batch());
                        }
                        for (CommitBatch.PartitionCommit c : txs.get(i).batch().partitions()) {
                            LeaderLeases.Key k = new LeaderLeases.Key(c.topicId(), c.partition());
                            if (landed) {
                                reservations.landed(ticket, k);
                            } else {
                                reservations.voided(ticket, k);
                            }
                        }
                    }
                    return flush.settle(txs, outcomes);
                })
                .flatMap(conflicted -> {
                    decided.repeats()
                            .forEach((repeat, original) -> flush.base(original).ifPresent(base -> {
                                metrics.duplicate();
                                flush.settled(repeat, base);
                            }));
                    flush.completeDone();
                    if (!conflicted || flush.live().isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    return committer
                            .backoff(attempt)
                            .flatMap(ignored -> round(flush, ticket, attempt + 1, false, committing));
                });
    }

    /** Writes the appended runs, or reuses the segment of an earlier round that appended the same runs. */
    private Uni<WrittenSegment> write(FlushProgress flush, Decision<RunRef> decided) {
        Set<RunRef> runs = new HashSet<>();
        decided.appended().forEach(a -> runs.add(a.ref()));
        Optional<WrittenSegment> earlier = flush.writtenFor(runs);
        if (earlier.isPresent()) {
            return Uni.createFrom().item(earlier.get());
        }
        AppendRequest first = flush.live().get(0).request();
        return writer.write(
                        decided.appended().stream()
                                .map(CommitDecider.Appended::run)
                                .toList(),
                        first.replicas(),
                        first.acks())
                .invoke(segment -> flush.wrote(runs, segment));
    }
}
