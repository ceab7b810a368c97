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
     * A known head a read goes by instead of reading the head. {@code left} is empty when the read's offset is
     * within it (below its high watermark); present when the offset is its high watermark and a read that may wait
     * goes by it for {@code left} more.
     */
    record Known(PartitionHead head, Optional<Duration> left) {}

    /**
     * Whether a read from {@code offset} goes by this process's known head rather than reading the head: the one
     * rule for single and multi-partition fetches. It does when the offset is within the known head (below its high
     * watermark, at or above its log start offset): what is known committed needs no head read. It does when the
     * offset is the known high watermark only for a read that may wait ({@code mayWait}) and when that was confirmed
     * (by a head read or a commit of this process) less than {@code fresh} ago: such a read waits for a commit of
     * this process, or until the known head is {@code fresh} old and then reads the head, so another process's ack
     * reaches a waiting reader here within {@code fresh} of it (as the long-poll's re-reads always did), and a
     * reader of this process's own commits reads no head at all. Otherwise (a read at the end that may not wait, an
     * offset outside the known head, no known head) the read reads the head now: that makes a record another process
     * acknowledged visible to the next fetch that asks for it.
     */
    Optional<Known> known(Topic topic, int partition, long offset, boolean mayWait) {
        Optional<PartitionHead> known =
                index.knownHead(topic.id(), partition).filter(h -> offset >= h.logStartOffset());
        if (known.isEmpty() || offset > known.get().nextOffset()) {
            return Optional.empty();
        }
        PartitionHead head = known.get();
        if (offset < head.nextOffset()) {
            return Optional.of(new Known(head, Optional.empty()));
        }
        if (!mayWait) {
            return Optional.empty();
        }
        return index.confirmedAgo(topic.id(), partition)
                .filter(ago -> ago.compareTo(fresh) < 0)
                .map(ago -> new Known(head, Optional.of(fresh.minus(ago))));
    }

    /** The head a read goes by: the one {@code known} names (see {@link #known}), or the head as stored now. */
    Uni<HeadAt> head(Topic topic, int partition, Optional<Known> known) {
        return known.map(k -> Uni.createFrom().item(new HeadAt(k.head(), true)))
                .orElseGet(() -> head(topic, partition).map(h -> new HeadAt(h, false)));
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
