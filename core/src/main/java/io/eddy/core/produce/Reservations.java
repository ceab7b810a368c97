package io.eddy.core.produce;

import io.eddy.core.model.ProducerState;
import io.eddy.core.produce.CommitDecider.Decision;
import io.eddy.core.produce.CommitDecider.Head;
import io.eddy.core.produce.CommitDecider.Open;
import io.eddy.core.produce.CommitDecider.Reads;
import io.eddy.core.produce.lease.LeaderLeases.Key;
import io.eddy.core.produce.lease.LeaseState;
import io.eddy.core.storage.MetadataStore.ProducerKey;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Pipelined flushes: the offsets and producer states that the flushes in flight have decided but not yet
 * committed, so the next flush decides (and PUTs its segment) while the ones before it commit. Each flush takes a
 * {@link Ticket} when it starts, which places it after every flush in flight that touches one of its partitions or
 * producers; it decides only after those decided (so offsets follow flush order), and commits only after those
 * finished (so one partition's commits land in order, each conditioned on the head the one before it left).
 *
 * <p>A partition's projection is the head and producer states the flushes decided so far leave it at ({@link
 * #after}); a flush's reads are overlaid with it ({@link #overlay}) before it decides. A commit that did not land
 * (lost race, failure, unknown outcome, a flush that failed before committing) voids the partition's projection:
 * its generation moves on, and every later flush that decided on the old one decides again on fresh reads, in
 * order, before it commits ({@link #current}). DynamoDB's conditions (head offset, lease epoch, producer state
 * version) still guard every commit; the projection only spares the reads and the lost races. Thread-safe: the
 * book is guarded by this object's monitor; the pure parts are static.
 */
final class Reservations {
    /**
     * What the flushes decided so far leave a partition at.
     *
     * @param head   its head after them (the lease it was decided under, if any)
     * @param states the producer states they store, as stored (one version above the state they were decided on)
     */
    record Projected(Head head, Map<ProducerKey, ProducerState> states) {
        Projected {
            states = Map.copyOf(states);
        }
    }

    // ---- pure parts --------------------------------------------------------------------------------------

    /**
     * The reads with each partition's head and its producers' states replaced by the projection, where one exists
     * and was decided under the lease just read (same epoch, or both unleased). A partition this instance was fenced
     * on keeps its reads: nothing is written there anyway.
     */
    static Reads overlay(Reads reads, Map<Key, Projected> projections) {
        if (projections.isEmpty()) {
            return reads;
        }
        Map<Key, Head> heads = new HashMap<>(reads.heads());
        Map<ProducerKey, ProducerState> states = new HashMap<>(reads.states());
        projections.forEach((key, p) -> {
            Head read = reads.heads().get(key);
            if (read == null || !sameLease(read.lease(), p.head().lease())) {
                return;
            }
            heads.put(key, new Head(p.head().nextOffset(), true, read.lease()));
            p.states().forEach((pk, s) -> {
                if (states.containsKey(pk)) {
                    states.put(pk, s);
                }
            });
        });
        return new Reads(heads, reads.fenced(), states, reads.epochs());
    }

    private static boolean sameLease(Optional<LeaseState.Held> a, Optional<LeaseState.Held> b) {
        return a.map(LeaseState.Held::epoch).equals(b.map(LeaseState.Held::epoch));
    }

    /**
     * The projection of every partition a decision appends to, after its commit: the head past its last appended
     * run, each producer's state one version above the one read (as {@link CommitDecider#transactions} stores it).
     */
    static <R> Map<Key, Projected> after(Decision<R> decision, Reads reads) {
        Map<Key, Long> next = new HashMap<>();
        for (CommitDecider.Appended<R> a : decision.appended()) {
            next.merge(a.key(), a.base() + a.run().records(), Math::max);
        }
        Map<Key, Projected> out = new HashMap<>();
        next.forEach((key, n) -> {
            Map<ProducerKey, ProducerState> states = new HashMap<>();
            decision.states().forEach((pk, s) -> {
                if (pk.topicId().equals(key.topicId()) && pk.partition() == key.partition()) {
                    long stored = reads.states().get(pk).version() + 1;
                    states.put(pk, new ProducerState(s.producerId(), s.epoch(), s.batches(), s.lastWriteMs(), stored));
                }
            });
            out.put(key, new Projected(new Head(n, true, reads.heads().get(key).lease()), states));
        });
        return out;
    }

    // ---- the book ----------------------------------------------------------------------------------------

    /** A partition some flush in flight touches. */
    private static final class Slot {
        /** Flushes holding a ticket on it; the slot goes when none does. */
        int tickets;
        /** Moves on whenever the projection is voided or an earlier flush projects again. */
        long generation;
        /** What the flushes decided so far leave it at; null: nothing (or voided), the reads stand. */
        Projected projected;
        /** The place in line of the flush that made {@code projected}. */
        long projectedBy = -1;
    }

    /**
     * A flush's place in line. {@code decided} completes once it decided for the first time (or finished),
     * {@code finished} once all its rounds are over.
     */
    final class Ticket {
        private final long seq;
        private final Set<Object> keys;
        private final Set<Key> partitions;
        private final List<Ticket> before;
        private final CompletableFuture<Void> decided = new CompletableFuture<>();
        private final CompletableFuture<Void> finished = new CompletableFuture<>();
        /** The generation of each partition its last decision projected on, until that partition's commit landed. */
        private final Map<Key, Long> projectedOn = new HashMap<>();

        private Ticket(long seq, Set<Object> keys, Set<Key> partitions, List<Ticket> before) {
            this.seq = seq;
            this.keys = keys;
            this.partitions = partitions;
            this.before = before;
        }

        /** Completes once every flush ahead of this one decided. */
        Uni<Void> aheadDecided() {
            return all(before.stream().map(t -> t.decided).toList());
        }

        /** Whether every flush ahead of this one finished. */
        boolean aheadDone() {
            return before.stream().allMatch(t -> t.finished.isDone());
        }

        /** Completes once every flush ahead of this one finished. */
        Uni<Void> aheadFinished() {
            return all(before.stream().map(t -> t.finished).toList());
        }

        private static Uni<Void> all(List<CompletableFuture<Void>> futures) {
            if (futures.stream().allMatch(CompletableFuture::isDone)) {
                return Uni.createFrom().voidItem();
            }
            return Uni.createFrom().completionStage(CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)));
        }
    }

    private final Map<Key, Slot> slots = new HashMap<>();
    /** Ordering key (a partition's {@link Key}, a producer id) → the last ticket taken on it. */
    private final Map<Object, Ticket> last = new HashMap<>();

    private long nextSeq;

    /**
     * Takes a place in line for a flush of these runs: after the last ticket on each of their partitions and
     * producers (a producer's registered epoch is checked by every transaction naming it; two at once would
     * conflict).
     */
    synchronized <R> Ticket enter(List<Open<R>> runs) {
        Set<Object> keys = new LinkedHashSet<>();
        Set<Key> partitions = new LinkedHashSet<>();
        for (Open<R> o : runs) {
            partitions.add(o.key());
            keys.add(o.key());
            if (o.run().producer() != null) {
                keys.add(o.run().producer().producerId());
            }
        }
        Set<Ticket> before = new LinkedHashSet<>();
        for (Object k : keys) {
            Ticket previous = last.get(k);
            if (previous != null) {
                before.add(previous);
            }
        }
        Ticket ticket = new Ticket(nextSeq++, keys, partitions, new ArrayList<>(before));
        keys.forEach(k -> last.put(k, ticket));
        partitions.forEach(p -> slots.computeIfAbsent(p, x -> new Slot()).tickets++);
        return ticket;
    }

    /** A ticket's decision, and the reads (overlaid with the projections) it was made on. */
    record Decided<R>(Decision<R> decision, Reads reads) {}

    /**
     * Decides on the reads overlaid with the projections of the flushes ahead, and projects the decision: the
     * flushes behind decide after it. A flush deciding again (its commit did not land, or one ahead of it did not)
     * first voids what it projected before, which sends every flush behind that built on it round again too.
     */
    <R> Decided<R> decide(Ticket ticket, Reads read, Function<Reads, Decision<R>> decider) {
        Decided<R> decided;
        synchronized (this) {
            ticket.projectedOn.keySet().forEach(k -> void_(slots.get(k)));
            ticket.projectedOn.clear();
            Map<Key, Projected> projections = new HashMap<>();
            for (Key k : ticket.partitions) {
                Slot slot = slots.get(k);
                if (slot.projected != null && slot.projectedBy < ticket.seq) {
                    projections.put(k, slot.projected);
                }
            }
            Reads reads = overlay(read, projections);
            Decision<R> decision = decider.apply(reads);
            after(decision, reads).forEach((k, p) -> {
                Slot slot = slots.get(k);
                if (slot.projected != null && slot.projectedBy >= ticket.seq) {
                    slot.generation++; // flushes behind built on what this one projected before
                }
                slot.projected = p;
                slot.projectedBy = ticket.seq;
                ticket.projectedOn.put(k, slot.generation);
            });
            decided = new Decided<>(decision, reads);
        }
        ticket.decided.complete(null);
        return decided;
    }

    /** Whether nothing this ticket's last decision was projected on was voided since. */
    synchronized boolean current(Ticket ticket) {
        for (Map.Entry<Key, Long> e : ticket.projectedOn.entrySet()) {
            if (slots.get(e.getKey()).generation != e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The ticket's commit of {@code key} landed: what it projected there holds. */
    synchronized void landed(Ticket ticket, Key key) {
        ticket.projectedOn.remove(key);
    }

    /** The ticket's commit of {@code key} did not land: the projections there are void. */
    synchronized void voided(Ticket ticket, Key key) {
        if (ticket.projectedOn.remove(key) != null) {
            void_(slots.get(key));
        }
    }

    private static void void_(Slot slot) {
        slot.generation++;
        slot.projected = null;
        slot.projectedBy = -1;
    }

    /** The flush is over: whatever it projected and did not commit is void; the flushes behind it may go on. */
    void finish(Ticket ticket) {
        synchronized (this) {
            ticket.projectedOn.keySet().forEach(k -> void_(slots.get(k)));
            ticket.projectedOn.clear();
            for (Key k : ticket.partitions) {
                Slot slot = slots.get(k);
                if (--slot.tickets == 0) {
                    slots.remove(k);
                }
            }
            for (Object k : ticket.keys) {
                last.remove(k, ticket);
            }
        }
        ticket.decided.complete(null);
        ticket.finished.complete(null);
    }

    /** Partitions with a flush in flight. */
    synchronized Set<Key> inFlight() {
        return new HashSet<>(slots.keySet());
    }
}
