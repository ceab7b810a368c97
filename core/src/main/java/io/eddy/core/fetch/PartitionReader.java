package io.eddy.core.fetch;

import io.eddy.core.cache.IndexCache;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.MetadataStore;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * One read of one partition, once its head is known: records decoded ({@link RecordCollector}) or stored batches
 * ({@link BatchCollector}) through the {@link IndexWalk}. The high watermark and log start offset come from the
 * head the read goes by: the head this process knows ({@link IndexCache#knownHead}) when the read's offset is below
 * its high watermark, else the head read now. A read by a known head that reaches its high watermark reports a head
 * read now if the known one was not confirmed within {@code fresh} (see {@link #byHead}). Thread-safe.
 */
final class PartitionReader {
    /** The head a read goes by; {@code known}: this process's known head, not one read for this read. */
    record HeadAt(PartitionHead head, boolean known) {}

    private final MetadataStore metadata;
    private final IndexCache index;
    private final IndexWalk walk;
    private final Duration fresh;
    private final LongAdder headReads = new LongAdder();

    /**
     * @param fresh how old a known high watermark a read that reaches it may report (the long-poll's head-poll
     *              interval: a consumer sees other processes' commits that late anyway)
     */
    PartitionReader(MetadataStore metadata, IndexCache index, IndexWalk walk, Duration fresh) {
        this.metadata = metadata;
        this.index = index;
        this.walk = walk;
        this.fresh = fresh;
    }

    /** The partition's head as stored now (remembered as its known head). */
    Uni<PartitionHead> head(Topic topic, int partition) {
        return heads(topic, List.of(partition)).map(h -> h.get(partition));
    }

    /** The heads of a topic's partitions as stored now, in one read (each remembered as its known head). */
    Uni<Map<Integer, PartitionHead>> heads(Topic topic, Collection<Integer> partitions) {
        return Uni.createFrom().deferred(() -> {
            headReads.increment();
            return metadata.heads(topic.id(), List.copyOf(partitions))
                    .invoke(heads -> heads.values().forEach(h -> index.sawHead(topic.id(), h)));
        });
    }

    /**
     * The known head a read from {@code offset} may go by: this process's, when the offset is within it (below its
     * high watermark, at or above its log start offset).
     */
    Optional<PartitionHead> known(Topic topic, int partition, long offset) {
        return index.knownHead(topic.id(), partition)
                .filter(h -> offset >= h.logStartOffset() && offset < h.nextOffset());
    }

    /** A known end a waiting read may go by instead of reading the head, for {@code left} more. */
    record End(PartitionHead head, Duration left) {}

    /**
     * The end a read that may wait goes by rather than reading the head: this process's known head, when
     * {@code offset} is its high watermark and that was confirmed (by a head read or a commit of this process) less
     * than {@code fresh} ago. Such a read waits for a commit of this process, or until the known head is
     * {@code fresh} old and then reads the head, so another process's ack reaches a waiting reader here within
     * {@code fresh} of it (as the long-poll's re-reads always did), and a reader of this process's own commits
     * reads no head at all. A read that may not wait reads the head at once ({@link #head(Topic, int, long)}).
     */
    Optional<End> trustedEnd(Topic topic, int partition, long offset) {
        Optional<PartitionHead> known = index.knownHead(topic.id(), partition)
                .filter(h -> offset == h.nextOffset() && offset >= h.logStartOffset());
        if (known.isEmpty()) {
            return Optional.empty();
        }
        return index.confirmedAgo(topic.id(), partition)
                .filter(ago -> ago.compareTo(fresh) < 0)
                .map(ago -> new End(known.get(), fresh.minus(ago)));
    }

    /**
     * The head a read from {@code offset} goes by: the known head when the offset is within it (below its high
     * watermark, at or above its log start offset), so a read of what is known committed reads no head; else the
     * head as stored now. A read at the known high watermark reads the head: that is what makes a record another
     * process acknowledged visible to the next fetch that asks for it.
     */
    Uni<HeadAt> head(Topic topic, int partition, long offset) {
        Optional<PartitionHead> known = known(topic, partition, offset);
        if (known.isPresent()) {
            return Uni.createFrom().item(new HeadAt(known.get(), true));
        }
        return head(topic, partition).map(h -> new HeadAt(h, false));
    }

    /**
     * Reads by the head {@code at} (its offset below the head's high watermark). By a known head: a read that fails
     * reads {@link #again}, and a read that reaches its high watermark when it was not confirmed within
     * {@code fresh} (this process neither read the head nor committed to the partition since) reports the head as
     * stored now, so a record another process acknowledged is below the high watermark of every fetch that starts
     * {@code fresh} after the ack, not only of the fetch at the end this process knows.
     */
    <R extends ReadResult> Uni<R> byHead(
            Topic topic,
            int partition,
            long offset,
            HeadAt at,
            Function<PartitionHead, Uni<R>> read,
            Function<PartitionHead, R> none) {
        Uni<R> reading = read.apply(at.head());
        if (!at.known()) {
            return reading;
        }
        return reading.onFailure()
                .recoverWithUni(t -> again(topic, partition, offset, read, none))
                .flatMap(r ->
                        r.nextOffset() < at.head().nextOffset() || index.confirmedWithin(topic.id(), partition, fresh)
                                ? Uni.createFrom().item(r)
                                : head(topic, partition).map(now -> bounded(r, now)));
    }

    /** {@code r} with the bounds of {@code head} (a head read after it, never lower). */
    @SuppressWarnings("unchecked")
    private static <R extends ReadResult> R bounded(R r, PartitionHead head) {
        long highWatermark = Math.max(r.highWatermark(), head.nextOffset());
        long logStart = Math.max(r.logStartOffset(), head.logStartOffset());
        if (r instanceof FetchResult f) {
            return (R) new FetchResult(f.records(), f.nextOffset(), highWatermark, logStart);
        }
        BatchFetchResult b = (BatchFetchResult) r;
        return (R) new BatchFetchResult(b.batches(), b.nextOffset(), highWatermark, logStart);
    }

    /**
     * After a read by a known head failed (the head was stale: retention or compaction elsewhere removed what it
     * says is there): forgets the partition's entries and head, reads the head now, checks the offset against it
     * and reads again by it, or answers {@code none} when the offset is at its high watermark.
     */
    <R> Uni<R> again(
            Topic topic,
            int partition,
            long offset,
            Function<PartitionHead, Uni<R>> read,
            Function<PartitionHead, R> none) {
        index.invalidate(topic.id(), partition);
        return head(topic, partition).flatMap(head -> {
            checkRange(topic, partition, offset, head);
            return offset < head.nextOffset()
                    ? read.apply(head)
                    : Uni.createFrom().item(none.apply(head));
        });
    }

    /** Head reads made so far (each one DynamoDB call). */
    long headReads() {
        return headReads.sum();
    }

    /** Refuses an offset outside [log start offset, high watermark] with {@link ErrorCode#OFFSET_OUT_OF_RANGE}. */
    static void checkRange(Topic topic, int partition, long offset, PartitionHead head) {
        if (offset < head.logStartOffset() || offset > head.nextOffset()) {
            throw new EddyException(
                    ErrorCode.OFFSET_OUT_OF_RANGE,
                    "offset " + offset + " is outside [" + head.logStartOffset() + ", " + head.nextOffset() + "] of "
                            + topic.name() + "/" + partition,
                    Map.of(
                            "offset",
                            offset,
                            "log_start_offset",
                            head.logStartOffset(),
                            "high_watermark",
                            head.nextOffset()));
        }
    }

    /**
     * Records from the request's offset, below the high watermark.
     *
     * @param atLeastOne whether the first record comes even when larger than {@code maxBytes}
     */
    Uni<FetchResult> read(Topic topic, FetchRequest request, PartitionHead head, boolean atLeastOne) {
        RecordCollector collector = new RecordCollector(request, head.nextOffset(), atLeastOne);
        return walk.readInto(topic, request.partition(), head, collector).map(ignored -> collector.result(head));
    }

    /**
     * Stored batches from the one holding the request's offset, below the high watermark.
     *
     * @param atLeastOne whether the first batch comes even when larger than {@code maxBytes}
     */
    Uni<BatchFetchResult> readBatches(Topic topic, FetchRequest request, PartitionHead head, boolean atLeastOne) {
        BatchCollector collector = new BatchCollector(request, head.nextOffset(), atLeastOne);
        return walk.readInto(topic, request.partition(), head, collector).map(ignored -> collector.result(head));
    }
}
