package io.eddy.core.fetch;

import io.eddy.core.cache.RangeCache;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.RecordBatches;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The read path: find the index entry covering an offset, read its chunk through the cache, decode, trim to
 * the request. Offsets come back exact: in order, no gaps, from the requested offset even mid-batch.
 * Thread-safe.
 */
public final class FetchService {
    private static final int ENTRY_PAGE = 16;

    private final TopicService topics;
    private final MetadataStore metadata;
    private final SegmentStore segments;
    private final RangeCache cache;
    private final TailSignals signals;
    private final Duration headPollInterval;
    private final Clock clock;
    private final LongAdder replicaFallbacks = new LongAdder();

    /**
     * @param headPollInterval how often a long-poll re-reads the head, to see commits by other processes
     */
    public FetchService(TopicService topics, MetadataStore metadata, SegmentStore segments, RangeCache cache,
                        TailSignals signals, Duration headPollInterval, Clock clock) {
        this.topics = topics;
        this.metadata = metadata;
        this.segments = segments;
        this.cache = cache;
        this.signals = signals;
        this.headPollInterval = headPollInterval;
        this.clock = clock;
    }

    public Uni<FetchResult> fetch(FetchRequest request) {
        return topics.require(request.topic()).flatMap(topic -> {
            TopicService.checkPartition(topic, request.partition());
            return attempt(topic, request, clock.millis() + request.maxWait().toMillis());
        });
    }

    private Uni<FetchResult> attempt(Topic topic, FetchRequest request, long deadline) {
        CompletableFuture<Void> wake = signals.nextCommit(topic.id(), request.partition());
        return head(topic, request.partition()).flatMap(head -> {
            checkRange(topic, request.partition(), request.offset(), head);
            if (request.offset() < head.nextOffset()) {
                return read(topic, request, head);
            }
            long remaining = deadline - clock.millis();
            if (remaining <= 0) {
                return Uni.createFrom().item(new FetchResult(List.of(), request.offset(), head.nextOffset(), head.logStartOffset()));
            }
            Duration wait = Duration.ofMillis(Math.min(remaining, headPollInterval.toMillis()));
            // the waiter is this fetch's own: when the wait times out Mutiny cancels it, which detaches it
            return Uni.createFrom().completionStage(wake).ifNoItem().after(wait).recoverWithItem((Void) null)
                    .flatMap(ignored -> attempt(topic, request, deadline));
        }).onTermination().invoke(() -> wake.cancel(false));   // detach this attempt's waiter, however it ended
    }

    private Uni<PartitionHead> head(Topic topic, int partition) {
        return metadata.heads(topic.id(), List.of(partition)).map(h -> h.get(partition));
    }

    private static void checkRange(Topic topic, int partition, long offset, PartitionHead head) {
        if (offset < head.logStartOffset() || offset > head.nextOffset()) {
            throw new EddyException(ErrorCode.OFFSET_OUT_OF_RANGE, "offset " + offset + " is outside ["
                    + head.logStartOffset() + ", " + head.nextOffset() + "] of " + topic.name() + "/" + partition,
                    Map.of("offset", offset, "log_start_offset", head.logStartOffset(),
                            "high_watermark", head.nextOffset()));
        }
    }

    private Uni<FetchResult> read(Topic topic, FetchRequest request, PartitionHead head) {
        return metadata.entryAtOrBefore(topic.id(), request.partition(), request.offset()).flatMap(first -> {
            if (first.isEmpty() || !first.get().covers(request.offset())) {
                return Uni.createFrom().failure(new EddyException(ErrorCode.INTERNAL_ERROR, "no index entry covers offset "
                        + request.offset() + " of " + topic.name() + "/" + request.partition() + " below the high watermark"));
            }
            Collector collector = new Collector(request, head.nextOffset());
            return collect(topic, request, List.of(first.get()), collector)
                    .map(ignored -> new FetchResult(collector.records, collector.nextOffset, head.nextOffset(),
                            head.logStartOffset()));
        });
    }

    /** Accumulates records up to the request's limits. Used by one fetch at a time. */
    private static final class Collector {
        final List<Record> records = new ArrayList<>();
        final FetchRequest request;
        final long highWatermark;
        long nextOffset;
        long bytes;

        Collector(FetchRequest request, long highWatermark) {
            this.request = request;
            this.highWatermark = highWatermark;
            this.nextOffset = request.offset();
        }

        boolean full() {
            return records.size() >= request.maxRecords() || bytes >= request.maxBytes() || nextOffset >= highWatermark;
        }

        void add(List<Record> decoded) {
            for (Record r : decoded) {
                if (full() || (!records.isEmpty() && bytes + r.sizeInBytes() > request.maxBytes())) {
                    bytes = Math.max(bytes, request.maxBytes());
                    return;
                }
                records.add(r);
                bytes += r.sizeInBytes();
                nextOffset = r.offset() + 1;
            }
        }
    }

    private Uni<Void> collect(Topic topic, FetchRequest request, List<IndexEntry> entries, Collector collector) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (IndexEntry entry : entries) {
            chain = chain.flatMap(ignored -> {
                if (collector.full() || entry.lastOffset() < collector.nextOffset) {
                    return Uni.createFrom().voidItem();
                }
                return chunk(entry).invoke(bytes -> collector.add(RecordBatches.decode(ByteBuffer.wrap(bytes),
                        entry.baseOffset(), collector.nextOffset, collector.highWatermark - 1))).replaceWithVoid();
            });
        }
        return chain.flatMap(ignored -> {
            if (collector.full()) {
                return Uni.createFrom().voidItem();
            }
            return metadata.entriesFrom(topic.id(), request.partition(), collector.nextOffset, ENTRY_PAGE)
                    .flatMap(next -> {
                        if (next.isEmpty() || next.get(0).baseOffset() != collector.nextOffset) {
                            return Uni.createFrom().failure(new EddyException(ErrorCode.INTERNAL_ERROR,
                                    "index gap at offset " + collector.nextOffset + " of " + topic.name() + "/"
                                            + request.partition()));
                        }
                        return collect(topic, request, next, collector);
                    });
        });
    }

    /** {@code earliest}, {@code latest}, or the first offset whose timestamp is at or after a time. */
    public sealed interface OffsetSpec permits Earliest, Latest, AtTimestamp {
    }

    public record Earliest() implements OffsetSpec {
    }

    public record Latest() implements OffsetSpec {
    }

    public record AtTimestamp(long epochMillis) implements OffsetSpec {
    }

    /**
     * The offset matching {@code spec}: for a timestamp, the first offset whose record timestamp is at or after
     * it, or the high watermark when there is none (as Kafka's ListOffsets).
     */
    public Uni<Long> offsetAt(String topicName, int partition, OffsetSpec spec) {
        return topics.require(topicName).flatMap(topic -> {
            TopicService.checkPartition(topic, partition);
            return head(topic, partition).flatMap(head -> {
                if (spec instanceof AtTimestamp at) {
                    return metadata.entryAtOrBefore(topic.id(), partition, head.logStartOffset())
                            .flatMap(first -> firstAtOrAfter(topic, partition,
                                    first.map(IndexEntry::baseOffset).orElse(0L), at.epochMillis(), head));
                }
                return Uni.createFrom().item(spec instanceof Earliest ? head.logStartOffset() : head.nextOffset());
            });
        });
    }

    private Uni<Long> firstAtOrAfter(Topic topic, int partition, long fromBase, long timestamp, PartitionHead head) {
        if (fromBase >= head.nextOffset()) {
            return Uni.createFrom().item(head.nextOffset());
        }
        return metadata.entriesFrom(topic.id(), partition, fromBase, ENTRY_PAGE).flatMap(entries -> {
            for (IndexEntry entry : entries) {
                if (entry.maxTimestamp() >= timestamp && entry.lastOffset() >= head.logStartOffset()) {
                    return chunk(entry).map(bytes -> {
                        for (Record r : RecordBatches.decode(ByteBuffer.wrap(bytes), entry.baseOffset(),
                                head.logStartOffset(), head.nextOffset() - 1)) {
                            if (r.timestamp() >= timestamp) {
                                return r.offset();
                            }
                        }
                        return entry.lastOffset() + 1;
                    });
                }
            }
            if (entries.size() < ENTRY_PAGE) {
                return Uni.createFrom().item(head.nextOffset());
            }
            return firstAtOrAfter(topic, partition, entries.get(entries.size() - 1).lastOffset() + 1, timestamp, head);
        });
    }

    /** A chunk's bytes, from the cache or from the first bucket that serves them, checked against its CRC32C. */
    public Uni<byte[]> chunk(IndexEntry entry) {
        return cache.get(new RangeCache.Key(entry.objectKey(), entry.position(), entry.length()),
                () -> readFrom(entry, 0));
    }

    private Uni<byte[]> readFrom(IndexEntry entry, int bucketIndex) {
        String bucket = entry.buckets().get(bucketIndex);
        Uni<byte[]> read = segments.read(bucket, entry.objectKey(), entry.position(), entry.length())
                .invoke(bytes -> SegmentFormat.verifyChunk(ByteBuffer.wrap(bytes), entry.crc32c()));
        if (bucketIndex + 1 < entry.buckets().size()) {
            return read.onFailure().recoverWithUni(t -> {
                replicaFallbacks.increment();
                return readFrom(entry, bucketIndex + 1);
            });
        }
        return read;
    }

    /** Chunk reads that failed on a bucket (missing, erroring, or corrupt) and went on to the entry's next one. */
    public long replicaFallbacks() {
        return replicaFallbacks.sum();
    }
}
