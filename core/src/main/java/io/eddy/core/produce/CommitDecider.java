package io.eddy.core.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.ChunkLocation;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.ProducerState;
import io.eddy.core.produce.lease.LeaderLeases.Key;
import io.eddy.core.produce.lease.LeaseState;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore.ProducerKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The commit protocol's decisions for one round of a flush, as pure functions over values (the way Kafka's
 * {@code LogValidator} takes a clock): from what was read (the partitions' heads, the producers' stored states and
 * registered epochs) and the open runs, {@link #decide} says which runs are appended at which offsets, which repeat
 * a batch already written and which requests are refused; from that and where the segment lies,
 * {@link #transactions} packs the commits into DynamoDB transactions. No I/O. Thread-safe: immutable.
 *
 * <p>Runs are named by a reference of the caller's choosing ({@code R}): the flush's own handle in production, a
 * plain name in tests.
 */
public final class CommitDecider {
    private final long producerExpiryMs;

    /** @param producerExpiry idle time after which a producer's stored state is forgotten */
    public CommitDecider(Duration producerExpiry) {
        this.producerExpiryMs = producerExpiry.toMillis();
    }

    /**
     * A partition's head as the next commit starts from it.
     *
     * @param lease the leader lease the commit is conditioned on; empty to commit optimistically
     */
    public record Head(long nextOffset, boolean exists, Optional<LeaseState.Held> lease) {
        public Head {
            if (nextOffset < 0) {
                throw new IllegalArgumentException("bad head: next " + nextOffset);
            }
        }
    }

    /**
     * What a round's decisions are based on.
     *
     * @param heads  the head of every partition that may be written
     * @param fenced the partitions whose lease this instance lost to a newer epoch: nothing may be written there
     * @param states the stored state of each (partition, producer), a fresh one where it has none
     * @param epochs each producer's registered epoch; absent: never registered
     */
    public record Reads(
            Map<Key, Head> heads, Set<Key> fenced, Map<ProducerKey, ProducerState> states, Map<Long, Short> epochs) {}

    /**
     * A run not yet settled. The runs of one request share {@code request}: they are appended all or none.
     */
    public record Open<R>(R ref, int request, PartitionRun run) {
        public Key key() {
            return new Key(run.topic().id(), run.partition());
        }
    }

    /** A run to write, at {@code base}. */
    public record Appended<R>(R ref, PartitionRun run, long base) {
        public Key key() {
            return new Key(run.topic().id(), run.partition());
        }
    }

    /** The run that refused its request, and why. */
    public record Refusal<R>(R ref, EddyException reason) {}

    /**
     * One round's decisions.
     *
     * @param appended   the runs to write, in order, with their base offsets
     * @param duplicates runs committed before, with their original base offsets
     * @param repeats    run → the run appended in this round it repeats: it gets that run's offsets once, and only
     *                   if, it commits
     * @param refused    one run per refused request, in the order they were refused; the requests' other runs
     *                   are decided as if they were not there
     * @param states     the producer states after the appended runs
     */
    public record Decision<R>(
            List<Appended<R>> appended,
            Map<R, Long> duplicates,
            Map<R, R> repeats,
            List<Refusal<R>> refused,
            Map<ProducerKey, ProducerState> states) {}

    /**
     * One transaction to commit.
     *
     * @param leases the leases its partitions are committed under
     * @param bases  the runs it commits, with their base offsets
     */
    public record Transaction<R>(CommitBatch batch, Map<Key, LeaseState.Held> leases, Map<R, Long> bases) {}

    /**
     * Decides every open run in order: a request with a run on a fenced partition is refused first ({@code
     * not_leader}); then a request with a refused run (unregistered, fenced or unissued producer epoch, a sequence
     * out of order) is refused whole and the others are decided again without it.
     *
     * @param nowMs the time producer states are aged against and stamped with
     */
    public <R> Decision<R> decide(List<Open<R>> open, Reads reads, long nowMs) {
        List<Refusal<R>> refused = new ArrayList<>();
        Set<Integer> out = new HashSet<>();
        for (Key fenced : reads.fenced()) {
            for (Open<R> o : open) {
                if (o.key().equals(fenced) && out.add(o.request())) {
                    refused.add(new Refusal<>(o.ref(), notLeader(fenced)));
                }
            }
        }
        while (true) {
            Pass<R> pass = pass(open, out, reads, nowMs);
            if (pass.refusal().isEmpty()) {
                return new Decision<>(pass.appended(), pass.duplicates(), pass.repeats(), refused, pass.states());
            }
            Refusal<R> refusal = pass.refusal().get().refusal();
            refused.add(refusal);
            out.add(pass.refusal().get().request());
        }
    }

    private record RequestRefusal<R>(int request, Refusal<R> refusal) {}

    private record Pass<R>(
            List<Appended<R>> appended,
            Map<R, Long> duplicates,
            Map<R, R> repeats,
            Map<ProducerKey, ProducerState> states,
            Optional<RequestRefusal<R>> refusal) {}

    /** A batch of one producer on one partition, as sequencing tells batches apart. */
    private record BatchId(ProducerKey producer, int firstSequence, int lastSequence) {}

    /** Decides the runs of the requests not {@code out}, stopping at the first refusal. */
    private <R> Pass<R> pass(List<Open<R>> open, Set<Integer> out, Reads reads, long nowMs) {
        Map<Key, Long> next = new HashMap<>();
        Map<ProducerKey, ProducerState> states = new HashMap<>();
        List<Appended<R>> appended = new ArrayList<>();
        Map<R, Long> duplicates = new LinkedHashMap<>();
        Map<R, R> repeats = new LinkedHashMap<>();
        Map<BatchId, R> appendedBatches = new HashMap<>();
        for (Open<R> o : open) {
            Key key = o.key();
            if (out.contains(o.request()) || !reads.heads().containsKey(key)) {
                continue;
            }
            long base = next.getOrDefault(key, reads.heads().get(key).nextOffset());
            ProducerBatch pb = o.run().producer();
            if (pb != null) {
                ProducerKey pk = new ProducerKey(key.topicId(), key.partition(), pb.producerId());
                Optional<EddyException> registry =
                        checkRegistry(pb, reads.epochs().get(pb.producerId()));
                if (registry.isPresent()) {
                    return refusedAt(o, registry.get());
                }
                ProducerState state = states.getOrDefault(pk, reads.states().get(pk));
                BatchId id = new BatchId(pk, pb.firstSequence(), pb.lastSequence());
                Sequencing.Decision d = Sequencing.decide(state, pb, nowMs, producerExpiryMs);
                if (d instanceof Sequencing.Reject r) {
                    return refusedAt(o, r.error());
                }
                if (d instanceof Sequencing.Duplicate dup) {
                    R original = appendedBatches.get(id);
                    if (original != null) {
                        repeats.put(o.ref(), original);
                    } else {
                        duplicates.put(o.ref(), dup.baseOffset());
                    }
                    continue;
                }
                appendedBatches.put(id, o.ref());
                states.put(
                        pk,
                        ((Sequencing.Append) d)
                                .state()
                                .append(
                                        pb.epoch(),
                                        new ProducerState.BatchMetadata(pb.firstSequence(), pb.lastSequence(), base),
                                        nowMs));
            }
            appended.add(new Appended<>(o.ref(), o.run(), base));
            next.put(key, base + o.run().records());
        }
        return new Pass<>(appended, duplicates, repeats, states, Optional.empty());
    }

    private static <R> Pass<R> refusedAt(Open<R> run, EddyException reason) {
        return new Pass<>(
                List.of(),
                Map.of(),
                Map.of(),
                Map.of(),
                Optional.of(new RequestRefusal<>(run.request(), new Refusal<>(run.ref(), reason))));
    }

    private static EddyException notLeader(Key key) {
        return new EddyException(
                ErrorCode.NOT_LEADER,
                "this instance lost its lease on partition " + key.partition()
                        + " to a newer epoch; nothing was written, retry",
                Map.of("partition", key.partition()));
    }

    private static Optional<EddyException> checkRegistry(ProducerBatch pb, Short registered) {
        if (registered == null) {
            return Optional.of(new EddyException(
                    ErrorCode.UNKNOWN_PRODUCER,
                    "producer " + pb.producerId() + " is not registered: POST /v1/producers first",
                    Map.of("producer_id", pb.producerId())));
        }
        if (registered > pb.epoch()) {
            return Optional.of(new EddyException(
                    ErrorCode.PRODUCER_FENCED,
                    "producer " + pb.producerId() + " epoch " + pb.epoch() + " is fenced by epoch " + registered,
                    Map.of("producer_id", pb.producerId(), "epoch", pb.epoch(), "current_epoch", registered)));
        }
        // an epoch above the registered one is the producer's own bump (KIP-360: Kafka's idempotent producer bumps
        // locally after a delivery timeout or a sequence error): Sequencing takes it only from sequence 0
        return Optional.empty();
    }

    // ---- packing -----------------------------------------------------------------------------------------

    /**
     * The transactions that commit a decision's appended runs from {@code segment}: one partition commit per
     * partition (its head moved past one index entry, each of its producers' states one version up, whatever it
     * appended, and the lease condition extended to {@code renewUntilMs} where a lease is held), packed greedily,
     * in order, into transactions of at most {@link CommitBatch#MAX_ITEMS} items counted by
     * {@link CommitBatch#itemCount} (as an atomic request's check counts them), each checking the registered epoch
     * of every producer it names.
     */
    public <R> List<Transaction<R>> transactions(
            Decision<R> decision, Reads reads, WrittenSegment segment, long renewUntilMs) {
        Map<Key, List<Appended<R>>> byPartition = new LinkedHashMap<>();
        decision.appended()
                .forEach(a -> byPartition
                        .computeIfAbsent(a.key(), k -> new ArrayList<>())
                        .add(a));
        List<CommitBatch.PartitionCommit> commits = new ArrayList<>();
        Map<Key, Set<Long>> producersOf = new HashMap<>();
        for (Map.Entry<Key, List<Appended<R>>> e : byPartition.entrySet()) {
            Key k = e.getKey();
            Head head = reads.heads().get(k);
            ChunkLocation c = segment.chunks().get(k);
            long base = head.nextOffset();
            IndexEntry entry = new IndexEntry(
                    base,
                    base + c.records() - 1,
                    segment.objectKey(),
                    c.position(),
                    c.length(),
                    c.maxTimestamp(),
                    c.crc32c(),
                    segment.buckets());
            Set<Long> producers = new LinkedHashSet<>();
            List<ProducerState> toStore = new ArrayList<>();
            for (Appended<R> a : e.getValue()) {
                ProducerBatch pb = a.run().producer();
                if (pb != null && producers.add(pb.producerId())) {
                    ProducerKey pk = new ProducerKey(k.topicId(), k.partition(), pb.producerId());
                    ProducerState s = decision.states().get(pk);
                    toStore.add(new ProducerState(
                            s.producerId(),
                            s.epoch(),
                            s.batches(),
                            s.lastWriteMs(),
                            reads.states().get(pk).version() + 1));
                }
            }
            CommitBatch.LeaseCondition lease = head.lease()
                    .map(h -> new CommitBatch.LeaseCondition(h.epoch(), renewUntilMs))
                    .orElse(null);
            commits.add(new CommitBatch.PartitionCommit(
                    k.topicId(), k.partition(), base, head.exists(), lease, entry, toStore));
            producersOf.put(k, producers);
        }
        List<Transaction<R>> out = new ArrayList<>();
        for (CommitBatch batch : pack(commits, producersOf, reads.epochs())) {
            Map<Key, LeaseState.Held> leases = new HashMap<>();
            Map<R, Long> bases = new LinkedHashMap<>();
            for (CommitBatch.PartitionCommit c : batch.partitions()) {
                Key k = new Key(c.topicId(), c.partition());
                reads.heads().get(k).lease().ifPresent(h -> leases.put(k, h));
                byPartition.get(k).forEach(a -> bases.put(a.ref(), a.base()));
            }
            out.add(new Transaction<>(batch, leases, bases));
        }
        return out;
    }

    private static List<CommitBatch> pack(
            List<CommitBatch.PartitionCommit> commits, Map<Key, Set<Long>> producersOf, Map<Long, Short> epochs) {
        List<CommitBatch> out = new ArrayList<>();
        List<CommitBatch.PartitionCommit> current = new ArrayList<>();
        Map<Long, Short> checks = new HashMap<>();
        int states = 0;
        for (CommitBatch.PartitionCommit c : commits) {
            Set<Long> producers = producersOf.get(new Key(c.topicId(), c.partition()));
            Set<Long> added = new HashSet<>(producers);
            added.removeAll(checks.keySet());
            if (!current.isEmpty()
                    && CommitBatch.itemCount(
                                    current.size() + 1, states + c.producers().size(), checks.size() + added.size())
                            > CommitBatch.MAX_ITEMS) {
                out.add(new CommitBatch(current, checks));
                current = new ArrayList<>();
                checks = new HashMap<>();
                states = 0;
            }
            current.add(c);
            states += c.producers().size();
            for (long id : producers) {
                checks.put(id, epochs.get(id));
            }
        }
        out.add(new CommitBatch(current, checks));
        return out;
    }
}
