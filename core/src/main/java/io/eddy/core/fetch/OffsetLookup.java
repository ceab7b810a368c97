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
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the offset an {@link OffsetSpec} names (Kafka's ListOffsets): the log start offset, the high watermark, or
 * the first offset whose record timestamp is at or after a time, found by walking the index by max timestamp and
 * decoding the first chunk that may hold it; or the record with the largest timestamp. The one class that reads
 * an {@code OffsetSpec}. Thread-safe.
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

    /**
     * The heads of a topic's {@code partitions} as stored now, read together (one DynamoDB call per 100 partitions)
     * when the first answer is subscribed: what Kafka's ListOffsets asks for a consumer's partitions at once
     * (earliest: the log start offset, latest: the high watermark). Each partition's answer fails alone: all of
     * them when the topic is unknown, one out of the topic's range as {@link #offsetAt} fails it.
     */
    Map<Integer, Uni<PartitionHead>> heads(String topicName, Collection<Integer> partitions) {
        Uni<Topic> topic = topics.require(topicName).memoize().indefinitely();
        Uni<Map<Integer, PartitionHead>> read = topic.flatMap(t -> {
                    List<Integer> within = partitions.stream()
                            .filter(t::hasPartition)
                            .distinct()
                            .toList();
                    return within.isEmpty()
                            ? Uni.createFrom().item(Map.<Integer, PartitionHead>of())
                            : reader.heads(t, within);
                })
                .memoize()
                .indefinitely();
        Map<Integer, Uni<PartitionHead>> heads = new LinkedHashMap<>();
        for (int partition : partitions) {
            heads.put(partition, topic.flatMap(t -> {
                TopicService.checkPartition(t, partition);
                return read.map(h -> h.get(partition));
            }));
        }
        return heads;
    }

    /**
     * The first record, in offset order, with the partition's largest timestamp (Kafka's ListOffsets
     * {@code MAX_TIMESTAMP}), or empty when the partition holds none. Walks the whole index by the entries' max
     * timestamps and decodes only the chunks that may beat the best so far; an entry that starts below the log
     * start offset counts only the records it still serves.
     */
    Uni<Optional<Record>> maxTimestamp(String topicName, int partition) {
        return topics.require(topicName).flatMap(topic -> {
            TopicService.checkPartition(topic, partition);
            return reader.head(topic, partition).flatMap(head -> {
                if (head.logStartOffset() >= head.nextOffset()) {
                    return Uni.createFrom().item(Optional.<Record>empty());
                }
                return metadata.entryAtOrBefore(topic.id(), partition, head.logStartOffset())
                        .flatMap(first -> maxFrom(
                                topic,
                                partition,
                                first.map(IndexEntry::baseOffset).orElse(0L),
                                head,
                                Optional.empty()));
            });
        });
    }

    private Uni<Optional<Record>> maxFrom(
            Topic topic, int partition, long fromBase, PartitionHead head, Optional<Record> best) {
        if (fromBase >= head.nextOffset()) {
            return Uni.createFrom().item(best);
        }
        return metadata.entriesFrom(topic.id(), partition, fromBase, IndexWalk.ENTRY_PAGE)
                .flatMap(entries -> {
                    List<IndexEntry> served = entries.stream()
                            .filter(e -> !e.isGap()
                                    && e.lastOffset() >= head.logStartOffset()
                                    && e.baseOffset() < head.nextOffset())
                            .toList();
                    // an entry cut by the log start may have its max timestamp among the records it no longer serves
                    boolean cut = !served.isEmpty() && served.get(0).baseOffset() < head.logStartOffset();
                    Uni<Optional<Record>> afterCut = cut
                            ? maxIn(served.get(0), head).map(r -> later(best, r))
                            : Uni.createFrom().item(best);
                    List<IndexEntry> rest = cut ? served.subList(1, served.size()) : served;
                    return afterCut.flatMap(sofar -> {
                                Optional<IndexEntry> top =
                                        rest.stream().reduce((a, b) -> b.maxTimestamp() > a.maxTimestamp() ? b : a);
                                return top.filter(e -> sofar.isEmpty()
                                                || e.maxTimestamp()
                                                        > sofar.get().timestamp())
                                        .map(e -> maxIn(e, head).map(r -> later(sofar, r)))
                                        .orElse(Uni.createFrom().item(sofar));
                            })
                            .flatMap(sofar -> entries.size() < IndexWalk.ENTRY_PAGE
                                    ? Uni.createFrom().item(sofar)
                                    : maxFrom(
                                            topic,
                                            partition,
                                            entries.get(entries.size() - 1).lastOffset() + 1,
                                            head,
                                            sofar));
                });
    }

    /** The first record of {@code entry} with its largest timestamp, among those it serves. */
    private Uni<Optional<Record>> maxIn(IndexEntry entry, PartitionHead head) {
        return chunks.chunk(entry, head).map(bytes -> {
            Optional<Record> top = Optional.empty();
            for (Record r :
                    RecordBatches.decode(bytes, entry.baseOffset(), head.logStartOffset(), head.nextOffset() - 1)) {
                top = later(top, Optional.of(r));
            }
            return top;
        });
    }

    /** {@code candidate} when its timestamp is larger than {@code best}'s, else {@code best}: the first wins ties. */
    private static Optional<Record> later(Optional<Record> best, Optional<Record> candidate) {
        return candidate
                .filter(c -> best.isEmpty() || c.timestamp() > best.get().timestamp())
                .or(() -> best);
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
                                        bytes, entry.baseOffset(), head.logStartOffset(), head.nextOffset() - 1)) {
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
