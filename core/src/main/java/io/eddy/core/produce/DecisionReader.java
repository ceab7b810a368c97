package io.eddy.core.produce;

import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.ProducerState;
import io.eddy.core.produce.CommitDecider.Head;
import io.eddy.core.produce.CommitDecider.Reads;
import io.eddy.core.produce.lease.LeaderLeases;
import io.eddy.core.produce.lease.LeaderLeases.Key;
import io.eddy.core.produce.lease.LeaseState;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.MetadataStore.ProducerKey;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Reads what a round's {@link CommitDecider decisions} need: the lease of each partition (taking it if it is to be
 * had), the head of each partition whose next offset the lease does not tell (and, under a lease, whether it is
 * still ours), the producers' states and their registered epochs — those from what this process remembers
 * ({@link KnownProducers}) when it remembers them all, unless the round asks for fresh reads. Thread-safe: what it
 * remembers is in {@link KnownProducers}.
 */
final class DecisionReader {
    private final MetadataStore metadata;
    private final LeaderLeases leases;
    private final KnownProducers known;

    DecisionReader(MetadataStore metadata, LeaderLeases leases, KnownProducers known) {
        this.metadata = metadata;
        this.leases = leases;
        this.known = known;
    }

    /**
     * A round's reads; {@code remembered}: some producer states or epochs came from {@link KnownProducers}, not from
     * DynamoDB (a refusal decided on them must be decided again on fresh reads).
     */
    record Read(Reads reads, boolean remembered) {}

    /** @param fresh read the producers' states and epochs from DynamoDB even if this process remembers them */
    <R> Uni<Read> read(List<CommitDecider.Open<R>> open, boolean fresh) {
        Set<Key> partitions = new LinkedHashSet<>();
        Set<ProducerKey> producerKeys = new LinkedHashSet<>();
        Set<Long> producers = new LinkedHashSet<>();
        for (CommitDecider.Open<R> o : open) {
            partitions.add(o.key());
            ProducerBatch pb = o.run().producer();
            if (pb != null) {
                producerKeys.add(new ProducerKey(o.key().topicId(), o.key().partition(), pb.producerId()));
                producers.add(pb.producerId());
            }
        }
        Optional<Map<ProducerKey, ProducerState>> knownStates =
                fresh || producerKeys.isEmpty() ? Optional.empty() : known.states(producerKeys);
        Optional<Map<Long, Short>> knownEpochs =
                fresh || producers.isEmpty() ? Optional.empty() : known.epochs(producers);
        Uni<Map<ProducerKey, ProducerState>> states = knownStates
                .map(m -> Uni.createFrom().item(m))
                .orElseGet(() -> metadata.producerStates(producerKeys).invoke(known::readStates));
        Uni<Map<Long, Short>> epochs = knownEpochs
                .map(m -> Uni.createFrom().item(m))
                .orElseGet(() -> metadata.producerEpochs(producers).invoke(known::readEpochs));
        boolean remembered = knownStates.isPresent() || knownEpochs.isPresent();
        return leases(partitions)
                .flatMap(held -> Uni.combine()
                        .all()
                        .unis(heads(partitions, held), states, epochs)
                        .asTuple()
                        .map(t -> new Read(
                                reads(partitions, held, t.getItem1(), t.getItem2(), t.getItem3()), remembered)));
    }

    private Uni<Map<Key, LeaseState.Held>> leases(Set<Key> partitions) {
        List<Uni<Map.Entry<Key, Optional<LeaseState.Held>>>> all = new ArrayList<>();
        for (Key k : partitions) {
            all.add(leases.ensure(k).map(h -> Map.entry(k, h)));
        }
        return Uni.join().all(all).andFailFast().map(list -> {
            Map<Key, LeaseState.Held> out = new HashMap<>();
            list.forEach(e -> e.getValue().ifPresent(h -> out.put(e.getKey(), h)));
            return out;
        });
    }

    /** The heads of the partitions held under no lease, or under one that lost track of the next offset. */
    private Uni<Map<Key, PartitionHead>> heads(Set<Key> partitions, Map<Key, LeaseState.Held> held) {
        Map<UUID, List<Integer>> toRead = new LinkedHashMap<>();
        for (Key k : partitions) {
            LeaseState.Held h = held.get(k);
            if (h == null || h.nextOffset() < 0) {
                toRead.computeIfAbsent(k.topicId(), t -> new ArrayList<>()).add(k.partition());
            }
        }
        List<Uni<Map<Key, PartitionHead>>> reads = new ArrayList<>();
        toRead.forEach((topicId, ps) -> reads.add(metadata.heads(topicId, ps).map(m -> {
            Map<Key, PartitionHead> out = new HashMap<>();
            m.forEach((p, h) -> out.put(new Key(topicId, p), h));
            return out;
        })));
        if (reads.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return Uni.join().all(reads).andFailFast().map(list -> {
            Map<Key, PartitionHead> all = new HashMap<>();
            list.forEach(all::putAll);
            return all;
        });
    }

    private Reads reads(
            Set<Key> partitions,
            Map<Key, LeaseState.Held> held,
            Map<Key, PartitionHead> heads,
            Map<ProducerKey, ProducerState> states,
            Map<Long, Short> epochs) {
        Map<Key, Head> out = new HashMap<>();
        Set<Key> fenced = new LinkedHashSet<>();
        for (Key k : partitions) {
            LeaseState.Held h = held.get(k);
            PartitionHead head = heads.get(k);
            if (h != null && head != null && !leases.headRead(k, h, head)) {
                fenced.add(k); // a newer epoch took the lease while this instance was away
            } else if (h != null) {
                LeaseState.Held current = head != null
                        ? new LeaseState.Held(h.epoch(), head.lease().expiresAtMs(), head.nextOffset())
                        : h;
                out.put(k, new Head(current.nextOffset(), true, Optional.of(current)));
            } else {
                out.put(k, new Head(head.nextOffset(), head.exists(), Optional.empty()));
            }
        }
        return new Reads(out, fenced, states, epochs);
    }
}
