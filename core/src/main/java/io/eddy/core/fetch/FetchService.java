package io.eddy.core.fetch;

import io.eddy.core.cache.BlockCache;
import io.eddy.core.error.CorruptSegmentException;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.RecordBatches;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.OffsetSpec;
import io.eddy.core.model.OffsetSpec.AtTimestamp;
import io.eddy.core.model.OffsetSpec.Earliest;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.support.AsyncLimiter;
import io.eddy.core.tail.TailSignals;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The read path: find the index entry covering an offset (index entry cache, else DynamoDB), read its chunk
 * through the block cache tiers (memory, disk, S3, replica buckets), check it, then decode and trim to the
 * request, or hand the stored batches out with their base offsets patched. Offsets come back exact: in order,
 * no gaps but those key compaction left (a read from inside one starts at the next record kept), from the
 * requested offset even mid-batch. The high watermark and log start offset always come from
 * the partition head. Thread-safe.
 */
public final class FetchService {
    private static final int ENTRY_PAGE = 16;

    private final TopicService topics;
    private final MetadataStore metadata;
    private final SegmentStore segments;
    private final ReadCaches caches;
    private final BlockCache blocks;
    private final TailSignals signals;
    private final Duration headPollInterval;
    private final Clock clock;
    private final LongAdder replicaFallbacks = new LongAdder();

    /**
     * @param headPollInterval how often a long-poll re-reads the head, to see commits by other processes
     */
    public FetchService(TopicService topics, MetadataStore metadata, SegmentStore segments, ReadCaches caches,
                        TailSignals signals, Duration headPollInterval, Clock clock) {
        this.topics = topics;
        this.metadata = metadata;
        this.segments = segments;
        this.caches = caches;
        this.blocks = caches.blocks();
        this.signals = signals;
        this.headPollInterval = headPollInterval;
        this.clock = clock;
    }

    /** Records from the request's offset, decoded. */
    public Uni<FetchResult> fetch(FetchRequest request) {
        return topics.require(request.topic()).flatMap(topic -> {
            TopicService.checkPartition(topic, request.partition());
            return attempt(topic, request, clock.millis() + request.maxWait().toMillis(), this::read,
                    head -> new FetchResult(List.of(), request.offset(), head.nextOffset(), head.logStartOffset()));
        });
    }

    /**
     * The stored batches holding the request's offset and those after it, up to {@code maxBytes} (at least one
     * batch) and {@code maxRecords} (counted in whole batches), with real base offsets patched in.
     */
    public Uni<BatchFetchResult> fetchBatches(FetchRequest request) {
        return topics.require(request.topic()).flatMap(topic -> {
            TopicService.checkPartition(topic, request.partition());
            return attempt(topic, request, clock.millis() + request.maxWait().toMillis(), this::readBatches,
                    head -> new BatchFetchResult(List.of(), request.offset(), head.nextOffset(), head.logStartOffset()));
        });
    }

    private <T> Uni<T> attempt(Topic topic, FetchRequest request, long deadline,
                               TriFunction<Topic, FetchRequest, PartitionHead, Uni<T>> read, Function<PartitionHead, T> empty) {
        CompletableFuture<Void> wake = signals.nextCommit(topic.id(), request.partition());
        return head(topic, request.partition()).flatMap(head -> {
            checkRange(topic, request.partition(), request.offset(), head);
            if (request.offset() < head.nextOffset()) {
                return read.apply(topic, request, head);
            }
            long remaining = deadline - clock.millis();
            if (remaining <= 0) {
                return Uni.createFrom().item(empty.apply(head));
            }
            Duration wait = Duration.ofMillis(Math.min(remaining, headPollInterval.toMillis()));
            // the waiter is this fetch's own: when the wait times out Mutiny cancels it, which detaches it
            return Uni.createFrom().completionStage(wake).ifNoItem().after(wait).recoverWithItem((Void) null)
                    .flatMap(ignored -> attempt(topic, request, deadline, read, empty));
        }).onTermination().invoke(() -> wake.cancel(false));   // detach this attempt's waiter, however it ended
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
    public Uni<List<PartitionOutcome>> fetchMany(List<PartitionFetch> fetches, Duration maxWait, long minBytes,
                                                 long maxBytes) {
        if (fetches.isEmpty() || maxWait.isNegative() || maxWait.compareTo(FetchRequest.MAX_WAIT) > 0) {
            throw new IllegalArgumentException("bad multi-partition fetch");
        }
        long deadline = clock.millis() + maxWait.toMillis();
        Map<String, Uni<Resolved>> byName = new LinkedHashMap<>();
        for (PartitionFetch f : fetches) {
            byName.computeIfAbsent(f.topic(), name -> topics.require(name).map(t -> new Resolved(t, null))
                    .onFailure(EddyException.class).recoverWithItem(t -> new Resolved(null, (EddyException) t))
                    .memoize().indefinitely());
        }
        List<Uni<Resolved>> resolving = fetches.stream().map(f -> byName.get(f.topic())).toList();
        return Uni.join().all(resolving).andFailFast()
                .flatMap(resolved -> round(fetches, resolved, minBytes, maxBytes, deadline));
    }

    /** A topic named by a multi-partition fetch, or why it cannot be read. */
    private record Resolved(Topic topic, EddyException error) {
    }

    private Uni<List<PartitionOutcome>> round(List<PartitionFetch> fetches, List<Resolved> resolved, long minBytes,
                                              long maxBytes, long deadline) {
        List<CompletableFuture<Void>> wakes = new ArrayList<>();
        List<Uni<Headed>> heads = new ArrayList<>();
        for (int i = 0; i < fetches.size(); i++) {
            PartitionFetch f = fetches.get(i);
            if (resolved.get(i).error() != null) {
                heads.add(Uni.createFrom().item(new Headed(f, null, null, resolved.get(i).error())));
                continue;
            }
            Topic topic = resolved.get(i).topic();
            if (f.partition() < topic.partitions()) {
                wakes.add(signals.nextCommit(topic.id(), f.partition()));
            }
            heads.add(Uni.createFrom().deferred(() -> {
                TopicService.checkPartition(topic, f.partition());
                return head(topic, f.partition()).map(head -> {
                    checkRange(topic, f.partition(), f.offset(), head);
                    return new Headed(f, topic, head, null);
                });
            }).onFailure(EddyException.class).recoverWithItem(t -> new Headed(f, topic, null, (EddyException) t)));
        }
        return Uni.join().all(heads).andFailFast().flatMap(headed -> new Budget(headed, maxBytes).run()).flatMap(outcomes -> {
            long bytes = outcomes.stream().mapToLong(PartitionOutcome::bytes).sum();
            boolean failed = outcomes.stream().anyMatch(o -> o.error() != null);
            long remaining = deadline - clock.millis();
            if (bytes >= minBytes || failed || remaining <= 0) {
                return Uni.createFrom().item(outcomes);
            }
            Duration wait = Duration.ofMillis(Math.min(remaining, headPollInterval.toMillis()));
            return Uni.createFrom().completionStage(CompletableFuture.anyOf(wakes.toArray(CompletableFuture[]::new)))
                    .ifNoItem().after(wait).recoverWithItem((Object) null)
                    .flatMap(ignored -> round(fetches, resolved, minBytes, maxBytes, deadline));
        }).onTermination().invoke(() -> wakes.forEach(w -> w.cancel(false)));
    }

    /** A partition of a multi-partition fetch with its head read, or why it cannot be read. */
    private record Headed(PartitionFetch fetch, Topic topic, PartitionHead head, EddyException error) {
        boolean hasRecords() {
            return error == null && fetch.offset() < head.nextOffset();
        }

        PartitionOutcome empty() {
            return error != null ? PartitionOutcome.failed(fetch, error) : PartitionOutcome.of(fetch,
                    new FetchResult(List.of(), fetch.offset(), head.nextOffset(), head.logStartOffset()));
        }
    }

    /**
     * One round's reads of the partitions with records, in request order within a byte budget: a read starts with
     * the smaller of its partition's {@code max_bytes} and what is left unreserved, and gives back what it did
     * not use when it ends, so reads of partitions with little to give run side by side. Thread-safe (its own
     * monitor); used for one round.
     */
    private final class Budget {
        private final List<Headed> partitions;
        private final PartitionOutcome[] outcomes;
        private final CompletableFuture<List<PartitionOutcome>> done = new CompletableFuture<>();
        /** Pumps asked for: one thread pumps at a time, again while others asked (reads that end at once recurse no deeper). */
        private final AtomicInteger pumps = new AtomicInteger();
        private long left;
        private int next;
        private int running;
        private boolean firstStarted;

        Budget(List<Headed> partitions, long maxBytes) {
            this.partitions = partitions;
            this.outcomes = new PartitionOutcome[partitions.size()];
            this.left = maxBytes;
        }

        Uni<List<PartitionOutcome>> run() {
            return Uni.createFrom().completionStage(() -> {
                pump();
                return done;
            });
        }

        private void pump() {
            if (pumps.getAndIncrement() != 0) {
                return;
            }
            do {
                pumpOnce();
            } while (pumps.decrementAndGet() != 0);
        }

        /** Starts what the budget allows; ends the round when nothing runs and nothing more can start. */
        private void pumpOnce() {
            List<Runnable> starts = new ArrayList<>();
            synchronized (this) {
                if (done.isDone()) {
                    return;
                }
                while (next < partitions.size()) {
                    Headed h = partitions.get(next);
                    if (!h.hasRecords()) {
                        outcomes[next++] = h.empty();
                        continue;
                    }
                    if (left <= 0) {
                        break;
                    }
                    int i = next++;
                    int allowed = (int) Math.min(h.fetch().maxBytes(), left);
                    boolean atLeastOne = !firstStarted;   // the first partition with records moves on, whatever its size
                    firstStarted = true;
                    left -= allowed;
                    running++;
                    starts.add(() -> start(i, h, allowed, atLeastOne));
                }
                if (running == 0 && starts.isEmpty()) {
                    for (int i = next; i < partitions.size(); i++) {
                        outcomes[i] = partitions.get(i).empty();   // nothing left: read again from where it was
                    }
                    next = partitions.size();
                    done.complete(List.of(outcomes));
                    return;
                }
            }
            starts.forEach(Runnable::run);
        }

        private void start(int i, Headed h, int allowed, boolean atLeastOne) {
            PartitionFetch f = h.fetch();
            FetchRequest request = new FetchRequest(f.topic(), f.partition(), f.offset(), FetchRequest.MAX_MAX_RECORDS,
                    allowed, Duration.ZERO);
            Uni.createFrom().deferred(() -> read(h.topic(), request, h.head(), atLeastOne))
                    .map(r -> PartitionOutcome.of(f, r))
                    .onFailure(EddyException.class).recoverWithItem(t -> PartitionOutcome.failed(f, (EddyException) t))
                    .subscribe().with(outcome -> finished(i, outcome, allowed), done::completeExceptionally);
        }

        private void finished(int i, PartitionOutcome outcome, int allowed) {
            synchronized (this) {
                outcomes[i] = outcome;
                left += allowed - outcome.bytes();   // below zero only after the first partition's oversized record
                running--;
            }
            pump();
        }
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
        return read(topic, request, head, true);
    }

    /** @param atLeastOne whether the first record comes even when larger than {@code maxBytes} */
    private Uni<FetchResult> read(Topic topic, FetchRequest request, PartitionHead head, boolean atLeastOne) {
        Collector collector = new Collector(request, head.nextOffset(), atLeastOne);
        return readInto(topic, request, head, collector).map(ignored -> new FetchResult(collector.records,
                collector.nextOffset, head.nextOffset(), head.logStartOffset()));
    }

    private Uni<BatchFetchResult> readBatches(Topic topic, FetchRequest request, PartitionHead head) {
        BatchCollector collector = new BatchCollector(request, head.nextOffset());
        return readInto(topic, request, head, collector).map(ignored -> new BatchFetchResult(collector.batches,
                collector.nextOffset, head.nextOffset(), head.logStartOffset()));
    }

    private Uni<Void> readInto(Topic topic, FetchRequest request, PartitionHead head, Sink sink) {
        return entryCovering(topic, request.partition(), request.offset()).flatMap(first -> {
            if (first.isEmpty()) {
                return Uni.createFrom().failure(new EddyException(ErrorCode.INTERNAL_ERROR, "no index entry covers offset "
                        + request.offset() + " of " + topic.name() + "/" + request.partition() + " below the high watermark"));
            }
            return collect(topic, request.partition(), head, List.of(first.get()), sink);
        });
    }

    private Uni<Optional<IndexEntry>> entryCovering(Topic topic, int partition, long offset) {
        Optional<IndexEntry> cached = caches.index().covering(topic.id(), partition, offset);
        if (cached.isPresent()) {
            return Uni.createFrom().item(cached);
        }
        return metadata.entryAtOrBefore(topic.id(), partition, offset).map(found -> {
            Optional<IndexEntry> covering = found.filter(e -> e.covers(offset));
            covering.ifPresent(e -> caches.index().addAll(topic.id(), partition, List.of(e)));
            return covering;
        });
    }

    /** Where a read's chunks go; used by one fetch at a time. */
    /** Where a read's chunks go, up to the request's limits; used by one fetch at a time. */
    private abstract static class Sink {
        final FetchRequest request;
        final long highWatermark;
        long nextOffset;
        long bytes;

        Sink(FetchRequest request, long highWatermark) {
            this.request = request;
            this.highWatermark = highWatermark;
            this.nextOffset = request.offset();
        }

        long nextOffset() {
            return nextOffset;
        }

        /** Moves past offsets that hold no record (the gaps key compaction leaves inside an entry). */
        void skipTo(long offset) {
            nextOffset = Math.max(nextOffset, offset);
        }

        abstract boolean full();

        abstract void accept(IndexEntry entry, byte[] chunk);
    }

    /** Accumulates records up to the request's limits. */
    private static final class Collector extends Sink {
        final List<Record> records = new ArrayList<>();
        final boolean atLeastOne;

        Collector(FetchRequest request, long highWatermark, boolean atLeastOne) {
            super(request, highWatermark);
            this.atLeastOne = atLeastOne;
        }

        @Override
        boolean full() {
            return records.size() >= request.maxRecords() || bytes >= request.maxBytes() || nextOffset >= highWatermark;
        }

        @Override
        void accept(IndexEntry entry, byte[] chunk) {
            for (Record r : RecordBatches.decode(ByteBuffer.wrap(chunk), entry.baseOffset(), nextOffset, highWatermark - 1)) {
                if (full() || ((!records.isEmpty() || !atLeastOne) && bytes + r.sizeInBytes() > request.maxBytes())) {
                    bytes = Math.max(bytes, request.maxBytes());
                    return;
                }
                records.add(r);
                bytes += r.sizeInBytes();
                nextOffset = r.offset() + 1;
            }
        }
    }

    /**
     * Accumulates whole stored batches, each copied out of its chunk and given its real base offset, up to the
     * request's byte limit (at least one batch) and record limit (in whole batches).
     */
    private static final class BatchCollector extends Sink {
        final List<ByteBuffer> batches = new ArrayList<>();
        long records;
        boolean limited;

        BatchCollector(FetchRequest request, long highWatermark) {
            super(request, highWatermark);
        }

        @Override
        boolean full() {
            return limited || nextOffset >= highWatermark;
        }

        @Override
        void accept(IndexEntry entry, byte[] chunk) {
            ByteBuffer in = ByteBuffer.wrap(chunk);
            int at = 0;
            while (at < chunk.length && !full()) {
                if (chunk.length - at < RecordBatches.RECORDS_OFFSET) {
                    throw new CorruptSegmentException("a batch header is cut short at byte " + at + " of a chunk");
                }
                int size = in.getInt(at + RecordBatches.LENGTH_OFFSET) + RecordBatches.LOG_OVERHEAD;
                if (size < RecordBatches.RECORDS_OFFSET || size > chunk.length - at) {
                    throw new CorruptSegmentException("a batch of " + size + " bytes does not fit its chunk at byte " + at);
                }
                long base = entry.baseOffset() + in.getLong(at + RecordBatches.BASE_OFFSET_OFFSET);
                long last = base + in.getInt(at + RecordBatches.LAST_OFFSET_DELTA_OFFSET);
                if (last >= nextOffset && base < highWatermark) {
                    if (!batches.isEmpty() && (bytes + size > request.maxBytes() || records >= request.maxRecords())) {
                        limited = true;
                        return;
                    }
                    ByteBuffer batch = ByteBuffer.wrap(chunk, at, size).slice();
                    RecordBatches.setBaseOffset(batch, base);   // the chunk is this read's own copy
                    batches.add(batch);
                    bytes += size;
                    records += last - base + 1;
                    nextOffset = last + 1;
                    limited = bytes >= request.maxBytes() || records >= request.maxRecords();
                }
                at += size;
            }
        }
    }

    private Uni<Void> collect(Topic topic, int partition, PartitionHead head, List<IndexEntry> entries, Sink sink) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (IndexEntry entry : entries) {
            chain = chain.flatMap(ignored -> {
                if (sink.full() || entry.lastOffset() < sink.nextOffset()) {
                    return Uni.createFrom().voidItem();
                }
                if (entry.isGap()) {   // key compaction left nothing here: step over it, as a Kafka consumer does
                    sink.skipTo(entry.lastOffset() + 1);
                    return Uni.createFrom().voidItem();
                }
                return chunk(entry, isTail(entry, head)).invoke(bytes -> {
                    sink.accept(entry, bytes);
                    if (!sink.full()) {
                        sink.skipTo(entry.lastOffset() + 1);   // read it all: what is left of it is a gap
                    }
                }).replaceWithVoid();
            });
        }
        return chain.flatMap(ignored -> {
            if (sink.full()) {
                return Uni.createFrom().voidItem();
            }
            long next = sink.nextOffset();
            Optional<IndexEntry> cached = caches.index().covering(topic.id(), partition, next);
            if (cached.isPresent()) {
                return collect(topic, partition, head, List.of(cached.get()), sink);
            }
            return metadata.entriesFrom(topic.id(), partition, next, ENTRY_PAGE).flatMap(found -> {
                if (!found.isEmpty() && found.get(0).baseOffset() == next) {
                    caches.index().addAll(topic.id(), partition, found);
                    return collect(topic, partition, head, found, sink);
                }
                // a compaction merged the entry starting here into one starting before: read that one
                return metadata.entryAtOrBefore(topic.id(), partition, next).flatMap(covering -> {
                    if (covering.isEmpty() || !covering.get().covers(next)) {
                        return Uni.createFrom().failure(new EddyException(ErrorCode.INTERNAL_ERROR,
                                "index gap at offset " + next + " of " + topic.name() + "/" + partition));
                    }
                    caches.index().invalidate(topic.id(), partition);
                    return collect(topic, partition, head, List.of(covering.get()), sink);
                });
            });
        });
    }

    /**
     * Whether reading {@code entry} is a tail read: the bytes from it to the high watermark, estimated from its
     * bytes per record, are within {@link ReadCaches#tailBytes()}.
     */
    private boolean isTail(IndexEntry entry, PartitionHead head) {
        long behind = Math.max(0, head.nextOffset() - entry.lastOffset() - 1);
        long bytesPerRecord = Math.max(1, entry.length() / entry.recordCount());
        return behind <= caches.tailBytes() / bytesPerRecord;
    }

    /**
     * The offset matching {@code spec}: for a timestamp, the first offset whose record timestamp is at or after
     * it, or the high watermark when there is none (as Kafka's ListOffsets).
     */
    public Uni<Long> offsetAt(String topicName, int partition, OffsetSpec spec) {
        return topics.require(topicName).flatMap(topic -> {
            TopicService.checkPartition(topic, partition);
            return head(topic, partition).flatMap(head -> {
                if (spec.at(clock.millis()) instanceof AtTimestamp at) {
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
                if (!entry.isGap() && entry.maxTimestamp() >= timestamp && entry.lastOffset() >= head.logStartOffset()) {
                    return chunk(entry, isTail(entry, head)).map(bytes -> {
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

    /** A chunk's bytes, through the cache tiers, checked against its CRC32C; read as a tail read. */
    public Uni<byte[]> chunk(IndexEntry entry) {
        return chunk(entry, true);
    }

    /**
     * A chunk's bytes through the block cache, the blocks it misses read from the first bucket that serves them
     * (in the tail or the catch-up pool of GETs). A chunk failing its CRC32C drops its blocks from the cache and
     * is read again straight from the buckets, each checked, in order.
     */
    private Uni<byte[]> chunk(IndexEntry entry, boolean tail) {
        AsyncLimiter pool = tail ? caches.tailGets() : caches.catchUpGets();
        BlockCache.BlockSource source = (position, maxLength) ->
                pool.submit(() -> readUpTo(entry, 0, position, maxLength));
        return blocks.read(entry.objectKey(), entry.position(), entry.length(), caches.readAheadBlocks(), source)
                .invoke(bytes -> SegmentFormat.verifyChunk(ByteBuffer.wrap(bytes), entry.crc32c()))
                .onFailure(CorruptSegmentException.class).recoverWithUni(t -> {
                    blocks.invalidate(entry.objectKey(), entry.position(), entry.length());
                    return pool.submit(() -> readFrom(entry, 0));
                });
    }

    private Uni<byte[]> readUpTo(IndexEntry entry, int bucketIndex, long position, int maxLength) {
        Uni<byte[]> read = segments.readUpTo(entry.buckets().get(bucketIndex), entry.objectKey(), position, maxLength);
        if (bucketIndex + 1 < entry.buckets().size()) {
            return read.onFailure().recoverWithUni(t -> {
                replicaFallbacks.increment();
                return readUpTo(entry, bucketIndex + 1, position, maxLength);
            });
        }
        return read;
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

    /** The caches and GET pools this service reads through. */
    public ReadCaches caches() {
        return caches;
    }

    /** Chunk reads that failed on a bucket (missing, erroring, or corrupt) and went on to the entry's next one. */
    public long replicaFallbacks() {
        return replicaFallbacks.sum();
    }
}
