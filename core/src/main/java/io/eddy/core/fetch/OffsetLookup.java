package io.eddy.core.fetch;

import io.eddy.core.format.RecordBatches;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.model.OffsetSpec.AtTimestamp;
import io.eddy.core.model.OffsetSpec.Earliest;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;

/**
 * Finds the offset an {@link OffsetSpec} names (Kafka's ListOffsets): the log start offset, the high watermark, or
 * the first offset whose record timestamp is at or after a time, found by walking the index by max timestamp and
 * decoding the first chunk that may hold it. The one class that reads an {@code OffsetSpec}. Thread-safe.
 */
final class OffsetLookup {
    private final TopicService topics;
    private final MetadataStore metadata;
    private final PartitionReader reader;
    private final ChunkReader chunks;

    OffsetLookup(TopicService topics, MetadataStore metadata, PartitionReader reader, ChunkReader chunks) {
        this.topics = topics;
        this.metadata = metadata;
        this.reader = reader;
        this.chunks = chunks;
    }

    /**
     * The offset matching {@code spec}: for a timestamp, the first offset whose record timestamp is at or after
     * it, or the high watermark when there is none (as Kafka's ListOffsets).
     */
    Uni<Long> offsetAt(String topicName, int partition, OffsetSpec spec) {
        return topics.require(topicName).flatMap(topic -> {
            TopicService.checkPartition(topic, partition);
            return reader.head(topic, partition).flatMap(head -> {
                if (spec instanceof AtTimestamp at) {
                    return metadata.entryAtOrBefore(topic.id(), partition, head.logStartOffset())
                            .flatMap(first -> firstAtOrAfter(
                                    topic,
                                    partition,
                                    first.map(IndexEntry::baseOffset).orElse(0L),
                                    at.epochMillis(),
                                    head));
                }
                return Uni.createFrom().item(spec instanceof Earliest ? head.logStartOffset() : head.nextOffset());
            });
        });
    }

    private Uni<Long> firstAtOrAfter(Topic topic, int partition, long fromBase, long timestamp, PartitionHead head) {
        if (fromBase >= head.nextOffset()) {
            return Uni.createFrom().item(head.nextOffset());
        }
        return metadata.entriesFrom(topic.id(), partition, fromBase, IndexWalk.ENTRY_PAGE)
                .flatMap(entries -> {
                    for (IndexEntry entry : entries) {
                        if (!entry.isGap()
                                && entry.maxTimestamp() >= timestamp
                                && entry.lastOffset() >= head.logStartOffset()) {
                            return chunks.chunk(entry, head).map(bytes -> {
                                for (Record r : RecordBatches.decode(
                                        ByteBuffer.wrap(bytes),
                                        entry.baseOffset(),
                                        head.logStartOffset(),
                                        head.nextOffset() - 1)) {
                                    if (r.timestamp() >= timestamp) {
                                        return r.offset();
                                    }
                                }
                                return entry.lastOffset() + 1;
                            });
                        }
                    }
                    if (entries.size() < IndexWalk.ENTRY_PAGE) {
                        return Uni.createFrom().item(head.nextOffset());
                    }
                    return firstAtOrAfter(
                            topic, partition, entries.get(entries.size() - 1).lastOffset() + 1, timestamp, head);
                });
    }
}
