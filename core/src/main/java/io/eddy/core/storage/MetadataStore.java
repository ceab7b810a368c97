package io.eddy.core.storage;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
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

    /** Deletes the topic's metadata; its partitions' items become unreachable (they are keyed by topic id). */
    Uni<Void> deleteTopic(Topic topic);

    /** Heads of the given partitions; a partition never written to has an {@link PartitionHead#empty} head. */
    Uni<Map<Integer, PartitionHead>> heads(UUID topicId, Collection<Integer> partitions);

    /**
     * Commits all appends atomically, on condition that every head is where the batch expects (absent, for a
     * partition never written to). Fails with {@link io.eddy.core.error.OffsetConflictException} when a head
     * moved. The topic item is deliberately not part of the condition (see docs/architecture.md).
     */
    Uni<Void> commit(CommitBatch batch);

    /** The entry with the greatest base offset at or below {@code offset}, if any. */
    Uni<Optional<IndexEntry>> entryAtOrBefore(UUID topicId, int partition, long offset);

    /** Up to {@code limit} entries with base offset at or above {@code fromBaseOffset}, ascending. */
    Uni<List<IndexEntry>> entriesFrom(UUID topicId, int partition, long fromBaseOffset, int limit);
}
