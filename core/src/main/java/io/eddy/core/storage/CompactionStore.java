package io.eddy.core.storage;

import io.eddy.core.model.IndexEntry;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Port to what the compactor changes in the metadata plane: index swaps, log start offsets, its job leases,
 * and the bookkeeping of garbage collection. Every change that decides something is conditional: on the
 * entries being as read and on the caller still holding its lease, so a compactor that lost its lease (or raced
 * another writer) changes nothing. Implementations are thread-safe; reads are strongly consistent.
 */
public interface CompactionStore {

    /** Index entries per transaction: with the lease check, a swap of this many fits DynamoDB's 100 items. */
    int MAX_ENTRIES_PER_SWAP = 98;

    /** A job lease held: the epoch every change is conditioned on. */
    record JobLease(String name, String owner, long epoch, long expiresAtMs) {}

    /**
     * Takes the lease {@code name} for {@code owner} until {@code expiresAtMs} when it is free, expired at
     * {@code nowMs} or already {@code owner}'s (the epoch goes up by one on every grant); empty when another owner
     * holds it.
     */
    Uni<Optional<JobLease>> acquire(String name, String owner, long nowMs, long expiresAtMs);

    /** Gives a lease up (only if still held at that epoch). */
    Uni<Void> release(JobLease lease);

    /**
     * Replaces {@code removed} (contiguous entries of one partition, each still as read) with {@code added}
     * (covering exactly the same offsets), in one transaction, on condition that {@code lease} is still held at
     * its epoch. False when a condition failed: nothing changed.
     */
    Uni<Boolean> swap(UUID topicId, int partition, List<IndexEntry> removed, List<IndexEntry> added, JobLease lease);

    /**
     * Advances the partition's log start offset to {@code logStartOffset} (never backwards) under the lease, then
     * deletes {@code dropped} (entries wholly below it). False when the lease was lost or the head moved back.
     */
    Uni<Boolean> truncate(UUID topicId, int partition, long logStartOffset, List<IndexEntry> dropped, JobLease lease);

    /** Records that these objects stopped being referenced at {@code atMs} (so they are kept for a grace period). */
    Uni<Void> markReplaced(List<String> objectKeys, long atMs);

    /** Object key → when it was marked replaced, for every marked object. */
    Uni<Map<String, Long>> replaced();

    /** Forgets the markers of objects now deleted. */
    Uni<Void> forgetReplaced(List<String> objectKeys);

    /** A partition's index entry, from a scan of the whole index. */
    record ScannedEntry(UUID topicId, int partition, IndexEntry entry) {}

    /** Every index entry of every partition, topic alive or deleted. */
    Uni<List<ScannedEntry>> scanEntries();

    /**
     * Deletes every item of a partition of a deleted topic (head, entries, producer states); returns how many. Only
     * ever called for a topic id known to be deleted (ids are never reused); deleting what is already gone is a no-op.
     */
    Uni<Integer> purgePartition(UUID topicId, int partition);

    /** A topic's tombstone, left by its delete: its id, its name and its partition count when it was deleted. */
    record DeletedTopic(UUID topicId, String name, int partitions) {}

    /** Every tombstone of a deleted topic whose partitions are not known to be purged yet. */
    Uni<List<DeletedTopic>> deletedTopics();

    /** Removes a deleted topic's tombstone, once every one of its partitions has been purged. */
    Uni<Void> forgetDeletedTopic(UUID topicId);
}
