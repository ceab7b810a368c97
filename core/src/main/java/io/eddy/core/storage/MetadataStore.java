package io.eddy.core.storage;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.ProducerState;
import io.eddy.core.model.Topic;
import io.smallrye.mutiny.Uni;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Port to the metadata plane: topics, partition heads and the offset index. An offset exists when, and only
 * when, its index entry is committed here. Implementations are thread-safe; reads are strongly consistent.
 */
public interface MetadataStore {

    /** Creates a topic; {@code topic_already_exists} if the name is taken. */
    Uni<Void> createTopic(Topic topic);

    Uni<Optional<Topic>> topic(String name);

    /** All topics, sorted by name. */
    Uni<List<Topic>> topics();

    /**
     * Replaces a topic's partition count and config with {@code after}'s, on condition that the stored topic still
     * has {@code before}'s id and partition count (so partitions only grow from what the caller saw); {@code false}
     * when it changed meanwhile or is gone, and nothing was written.
     */
    Uni<Boolean> updateTopic(Topic before, Topic after);

    /**
     * Deletes the topic's metadata and, in the same write, leaves a tombstone of its id (read through
     * {@link CompactionStore#deletedTopics}); its partitions' items become unreachable (they are keyed by topic id)
     * until garbage collection purges them.
     */
    Uni<Void> deleteTopic(Topic topic);

    /** Heads of the given partitions; a partition never written to has an {@link PartitionHead#empty} head. */
    Uni<Map<Integer, PartitionHead>> heads(UUID topicId, Collection<Integer> partitions);

    /**
     * Commits all appends atomically, on condition that every head is where the batch expects (absent, for a
     * partition never written to; carrying the lease epoch, for a leased partition), every producer state is
     * at its stored version and every producer still has the epoch given. Fails with
     * {@link io.eddy.core.error.OffsetConflictException} when any condition failed: the caller re-reads and
     * decides again. The topic item is deliberately not part of the condition (see docs/architecture.md).
     */
    Uni<Committed> commit(CommitBatch batch);

    /**
     * What a commit wrote.
     *
     * @param items      the items the transaction wrote and checked (what DynamoDB bills), at most
     *                   {@link CommitBatch#itemCount()}
     * @param writeUnits the write units DynamoDB reported the transaction consumed, or NaN when it reported none
     */
    record Committed(int items, double writeUnits) {}

    /** The stored producer states; a producer never seen on a partition gets {@link ProducerState#fresh} (version 0). */
    Uni<Map<ProducerKey, ProducerState>> producerStates(Collection<ProducerKey> keys);

    /** The registered current epoch of each producer; unknown producers are absent from the map. */
    Uni<Map<Long, Short>> producerEpochs(Collection<Long> producerIds);

    /**
     * A registered idempotent producer.
     *
     * @param principal the name of the principal that registered it; null for a producer registered before owners
     *                  were recorded
     * @param epoch     its current epoch
     * @param lastEpoch the epoch its last bump started from, or -1 if it was never bumped
     */
    record RegisteredProducer(long producerId, String principal, short epoch, short lastEpoch) {}

    /**
     * Registers the idempotent producer {@code producerId} at epoch 0 for {@code principal}, on condition that the id
     * is free; false (nothing written) when it is taken.
     */
    Uni<Boolean> registerProducer(long producerId, String principal, long nowMs);

    /** The registered producer, if any. */
    Uni<Optional<RegisteredProducer>> producer(long producerId);

    /**
     * Bumps the producer's epoch by one on condition that it is still {@code expected} (and below the largest),
     * recording {@code expected} as the epoch the bump started from; false (nothing changed) when it was not.
     */
    Uni<Boolean> bumpProducerEpoch(long producerId, short expected);

    /**
     * Takes the partition's leader lease for {@code owner} until {@code expiresAtMs}, when it is free, expired
     * at {@code nowMs} or already {@code owner}'s; the epoch goes up by one on every grant. Creates the head
     * of a partition never written to. Empty when another owner holds a live lease.
     */
    Uni<Optional<PartitionHead>> acquireLease(UUID topicId, int partition, String owner, long nowMs, long expiresAtMs);

    /**
     * Replaces the buckets of a committed index entry, on condition they are still {@code expected} (the rest of
     * an entry never changes). False when they were not.
     */
    Uni<Boolean> replaceEntryBuckets(
            UUID topicId, int partition, long baseOffset, List<String> expected, List<String> buckets);

    /** A producer on one partition of a topic. */
    record ProducerKey(UUID topicId, int partition, long producerId) {}

    /** The entry with the greatest base offset at or below {@code offset}, if any. */
    Uni<Optional<IndexEntry>> entryAtOrBefore(UUID topicId, int partition, long offset);

    /** Up to {@code limit} entries with base offset at or above {@code fromBaseOffset}, ascending. */
    Uni<List<IndexEntry>> entriesFrom(UUID topicId, int partition, long fromBaseOffset, int limit);

    /**
     * The deployment's cluster id, as Kafka clients see it: the one stored, or {@code candidate}, stored now on
     * condition that none is, when there is none. Every caller, concurrent or later, gets the same id for as
     * long as the store lives.
     */
    Uni<String> clusterId(String candidate);
}
