package io.eddy.core.fetch;

import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.tail.TailSignals;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The read path: find the index entry covering an offset (index entry cache, else DynamoDB), read its chunk
 * through the block cache tiers (memory, disk, S3, replica buckets), check it, then decode and trim to the
 * request, or hand the stored batches out with their base offsets patched. Offsets come back exact: in order,
 * no gaps but those key compaction left (a read from inside one starts at the next record kept), from the
 * requested offset even mid-batch. The high watermark and log start offset always come from
 * the partition head the read goes by: the one this process knows when the offset is below its high watermark
 * (learnt from head reads and from this process's own commits, through {@link TailSignals}), else the head read
 * now. Thread-safe.
 *
 * <p>This class orchestrates (topic lookup, long-poll at the high watermark); the parts are
 * {@link IndexWalk} (the index, entry by entry), {@link ChunkReader} (cache tiers, failover between buckets),
 * {@link RecordCollector} and {@link BatchCollector} (what a read keeps), {@link PartitionReader} (one read of one
 * partition), {@link MultiFetch} (many partitions within one byte budget) and {@link OffsetLookup} (ListOffsets).
 */
public final class FetchService {
    private final TopicService topics;
    private final ReadCaches caches;
    private final TailSignals signals;
    private final Duration headPollInterval;
    private final Clock clock;
    private final ChunkReader chunks;
    private final IndexWalk walk;
    private final PartitionReader reader;
    private final MultiFetch multi;
    private final LongAdder partitionFetches = new LongAdder();
    private final OffsetLookup offsets;

    /**
     * @param headPollInterval how often a long-poll re-reads the head, to see commits by other processes
     */
    public FetchService(
            TopicService topics,
            MetadataStore metadata,
            SegmentStore segments,
            ReadCaches caches,
            TailSignals signals,
            Duration headPollInterval,
            Clock clock) {
        this.topics = topics;
        this.caches = caches;
        this.signals = signals;
        this.headPollInterval = headPollInterval;
        this.clock = clock;
        this.chunks = new ChunkReader(segments, caches);
        this.walk = new IndexWalk(metadata, caches.index(), chunks);
        this.reader = new PartitionReader(metadata, caches.index(), walk, headPollInterval);
        signals.onCommit(caches.index()::sawCommit);
        this.multi = new MultiFetch(topics, signals, reader, headPollInterval, clock);
        this.offsets = new OffsetLookup(topics, metadata, reader, chunks);
    }

    /** Records from the request's offset, decoded. */
    public Uni<FetchResult> fetch(FetchRequest request) {
        partitionFetches.increment();
        return topics.require(request.topic()).flatMap(topic -> {
            TopicService.checkPartition(topic, request.partition());
            return attempt(
                    topic,
                    request,
                    clock.millis() + request.maxWait().toMillis(),
                    (t, r, head) -> reader.read(t, r, head, true),
                    head -> new FetchResult(List.of(), request.offset(), head.nextOffset(), head.logStartOffset()));
        });
    }

    /**
     * The stored batches holding the request's offset and those after it, up to {@code maxBytes} (at least one
     * batch) and {@code maxRecords} (counted in whole batches), with real base offsets patched in.
     */
    public Uni<BatchFetchResult> fetchBatches(FetchRequest request) {
        partitionFetches.increment();
        return topics.require(request.topic()).flatMap(topic -> {
            TopicService.checkPartition(topic, request.partition());
            return attempt(
                    topic,
                    request,
                    clock.millis() + request.maxWait().toMillis(),
                    (t, r, head) -> reader.readBatches(t, r, head, true),
                    head -> new BatchFetchResult(
                            List.of(), request.offset(), head.nextOffset(), head.logStartOffset()));
        });
    }

    /** Reads when there is something below the high watermark, else waits for a commit until the deadline. */
    private <T extends ReadResult> Uni<T> attempt(
            Topic topic,
            FetchRequest request,
            long deadline,
            TriFunction<Topic, FetchRequest, PartitionHead, Uni<T>> read,
            Function<PartitionHead, T> empty) {
        CompletableFuture<Void> wake = signals.nextCommit(topic.id(), request.partition());
        Optional<PartitionReader.Known> known =
                reader.known(topic, request.partition(), request.offset(), deadline > clock.millis());
        return reader.head(topic, request.partition(), known)
                .flatMap(at -> {
                    PartitionHead head = at.head();
                    PartitionReader.checkRange(topic, request.partition(), request.offset(), head);
                    if (request.offset() < head.nextOffset()) {
                        return reader.byHead(
                                topic,
                                request.partition(),
                                request.offset(),
                                at,
                                h -> read.apply(topic, request, h),
                                empty);
                    }
                    long remaining = deadline - clock.millis();
                    if (remaining <= 0) {
                        return Uni.createFrom().item(empty.apply(head));
                    }
                    long poll = known.flatMap(PartitionReader.Known::left)
                            .map(left -> Math.max(1, left.toMillis()))
                            .orElse(headPollInterval.toMillis());
                    Duration wait = Duration.ofMillis(Math.min(remaining, poll));
                    // the waiter is this fetch's own: when the wait times out Mutiny cancels it, which detaches it
                    return Uni.createFrom()
                            .completionStage(wake)
                            .ifNoItem()
                            .after(wait)
                            .recoverWithItem((Void) null)
                            .flatMap(ignored -> attempt(topic, request, deadline, read, empty));
                })
                .onTermination()
                .invoke(() -> TailSignals.detach(wake)); // this attempt's waiter, however it ended
    }

    @FunctionalInterface
    private interface TriFunction<A, B, C, R> {
        R apply(A a, B b, C c);
    }

    /**
     * Reads many partitions in one call: each as {@link #fetch} would with no wait, then, while fewer than
     * {@code minBytes} have been read in all, no partition failed and {@code maxWait} has not passed, waits for a
     * commit to any of them and reads again. A partition's failure (unknown topic, offset out of range) is its
     * outcome alone. Outcomes come in request order.
     *
     * <p>The records of all partitions together stay within {@code maxBytes} (Kafka's {@code fetch.max.bytes}):
     * partitions are read in request order, each within the smaller of its own {@code max_bytes} and what is
     * left, several at a time; a partition reached when nothing is left answers no records. As in Kafka, only
     * the first partition with records gets its first record even when that is larger than its limits (so a
     * consumer always moves on); any other partition's limit is strict.
     */
    public Uni<List<PartitionOutcome<FetchResult>>> fetchMany(
            List<PartitionFetch> fetches, Duration maxWait, long minBytes, long maxBytes) {
        partitionFetches.add(fetches.size());
        return multi.fetchMany(fetches, maxWait, minBytes, maxBytes, new MultiFetch.Read<>() {
            @Override
            public Uni<FetchResult> read(Topic topic, FetchRequest request, PartitionHead head, boolean atLeastOne) {
                return reader.read(topic, request, head, atLeastOne);
            }

            @Override
            public FetchResult none(long offset, PartitionHead head) {
                return new FetchResult(List.of(), offset, head.nextOffset(), head.logStartOffset());
            }
        });
    }

    /**
     * As {@link #fetchMany}, reading stored batches as {@link #fetchBatches} does (Kafka's Fetch): whole batches,
     * never decoded, with their real base offsets. The first partition with records gets its first batch even
     * when that is larger than its limits; any other partition gets only the whole batches that fit.
     */
    public Uni<List<PartitionOutcome<BatchFetchResult>>> fetchManyBatches(
            List<PartitionFetch> fetches, Duration maxWait, long minBytes, long maxBytes) {
        partitionFetches.add(fetches.size());
        return multi.fetchMany(fetches, maxWait, minBytes, maxBytes, new MultiFetch.Read<>() {
            @Override
            public Uni<BatchFetchResult> read(
                    Topic topic, FetchRequest request, PartitionHead head, boolean atLeastOne) {
                return reader.readBatches(topic, request, head, atLeastOne);
            }

            @Override
            public BatchFetchResult none(long offset, PartitionHead head) {
                return new BatchFetchResult(List.of(), offset, head.nextOffset(), head.logStartOffset());
            }
        });
    }

    /**
     * The offset matching {@code spec}: for a timestamp, the first offset whose record timestamp is at or after
     * it, or the high watermark when there is none (as Kafka's ListOffsets). See {@link OffsetLookup}.
     */
    public Uni<Long> offsetAt(String topicName, int partition, OffsetSpec spec) {
        return offsets.offsetAt(topicName, partition, spec.at(clock.millis()));
    }

    /**
     * The heads of a topic's partitions as stored now, read together (one DynamoDB call per 100 partitions, not one
     * per partition): Kafka's ListOffsets' earliest and latest for a consumer's partitions. Each partition's answer
     * fails alone, as {@link #offsetAt} would. See {@link OffsetLookup#heads}.
     */
    public Map<Integer, Uni<PartitionHead>> heads(String topicName, Collection<Integer> partitions) {
        return offsets.heads(topicName, partitions);
    }

    /**
     * The first record, in offset order, with the partition's largest timestamp (Kafka's ListOffsets
     * {@code MAX_TIMESTAMP}), or empty when the partition holds none. See {@link OffsetLookup}.
     */
    public Uni<Optional<Record>> maxTimestamp(String topicName, int partition) {
        return offsets.maxTimestamp(topicName, partition);
    }

    /**
     * A chunk's bytes, through the cache tiers, checked against its CRC32C; read as a tail read. Usually a view of
     * a cached block: never written into.
     */
    public Uni<ByteBuffer> chunk(IndexEntry entry) {
        return chunks.chunk(entry, true);
    }

    /** The caches and GET pools this service reads through. */
    public ReadCaches caches() {
        return caches;
    }

    /** Partitions fetched: each partition of each fetch call (a multi-partition fetch counts each of its partitions). */
    public long partitionFetches() {
        return partitionFetches.sum();
    }

    /** Partition heads the fetches read from the store (each one DynamoDB call). */
    public long headReads() {
        return reader.headReads();
    }

    /** Index queries the fetches made on index cache misses (each one DynamoDB call). */
    public long indexQueries() {
        return walk.queries();
    }

    /** Chunk reads that failed on a bucket (missing, erroring, or corrupt) and went on to the entry's next one. */
    public long replicaFallbacks() {
        return chunks.replicaFallbacks();
    }
}
