package io.eddy.core.produce;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.eddy.core.model.ProducerState;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore.ProducerKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The producer states and registered epochs this process last read or committed, so that a flush of a producer
 * whose batches this process keeps writing reads neither again. What is remembered only ever lets a run be
 * appended: DynamoDB's conditions guard that commit (each producer state is put on its previous version, each
 * epoch is checked), a transaction that did not land forgets its producers, and a refusal decided on remembered
 * values is decided again on fresh reads ({@code FlushExecutor}). A duplicate needs no such care: states only move
 * forward, so a batch a remembered state lists was committed where it says. Bounded (least recently used go
 * first); thread-safe.
 */
final class KnownProducers {
    /** Enough for every producer of a busy process; an entry is a few hundred bytes. */
    static final long DEFAULT_SIZE = 100_000;

    private final Cache<ProducerKey, ProducerState> states;
    private final Cache<Long, Short> epochs;

    KnownProducers(long maxEntries) {
        this.states = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .executor(Runnable::run)
                .build();
        this.epochs = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .executor(Runnable::run)
                .build();
    }

    /** The states of all of {@code keys}, if every one is remembered. */
    Optional<Map<ProducerKey, ProducerState>> states(Collection<ProducerKey> keys) {
        return all(states, keys);
    }

    /** The registered epochs of all of {@code producerIds}, if every one is remembered. */
    Optional<Map<Long, Short>> epochs(Collection<Long> producerIds) {
        return all(epochs, producerIds);
    }

    private static <K, V> Optional<Map<K, V>> all(Cache<K, V> cache, Collection<K> keys) {
        Map<K, V> out = new HashMap<>();
        for (K k : keys) {
            V v = cache.getIfPresent(k);
            if (v == null) {
                return Optional.empty();
            }
            out.put(k, v);
        }
        return Optional.of(out);
    }

    /** Remembers states as read; an older version never replaces a newer one. */
    void readStates(Map<ProducerKey, ProducerState> read) {
        read.forEach((k, s) -> states.asMap().merge(k, s, (old, now) -> now.version() >= old.version() ? now : old));
    }

    /** Remembers registered epochs as read (absent ones, never registered, are not remembered); epochs only rise. */
    void readEpochs(Map<Long, Short> read) {
        read.forEach((id, e) -> epochs.asMap().merge(id, e, (old, now) -> (short) Math.max(old, now)));
    }

    /** A transaction landed: its producer states are stored as it put them, its epochs were checked. */
    void landed(CommitBatch batch) {
        for (CommitBatch.PartitionCommit c : batch.partitions()) {
            for (ProducerState s : c.producers()) {
                readStates(Map.of(new ProducerKey(c.topicId(), c.partition(), s.producerId()), s));
            }
        }
        readEpochs(batch.producerEpochs());
    }

    /** A transaction did not land (or may not have): what it was decided on is forgotten. */
    void forget(CommitBatch batch) {
        for (CommitBatch.PartitionCommit c : batch.partitions()) {
            for (ProducerState s : c.producers()) {
                states.invalidate(new ProducerKey(c.topicId(), c.partition(), s.producerId()));
            }
        }
        epochs.invalidateAll(batch.producerEpochs().keySet());
    }

    /** Forgets these producers' states and epochs: a decision on them is to be made on fresh reads. */
    void forget(Collection<ProducerKey> keys, Collection<Long> producerIds) {
        states.invalidateAll(keys);
        epochs.invalidateAll(producerIds);
    }
}
