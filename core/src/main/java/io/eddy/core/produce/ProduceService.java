package io.eddy.core.produce;

import io.eddy.core.cache.RangeCache;
import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.error.OffsetConflictException;
import io.eddy.core.fetch.TailSignals;
import io.eddy.core.format.ChunkLocation;
import io.eddy.core.format.RecordBatches;
import io.eddy.core.format.SegmentChunk;
import io.eddy.core.format.SegmentFormat;
import io.eddy.core.model.IndexEntry;
import io.eddy.core.model.PartitionHead;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.storage.CommitBatch;
import io.eddy.core.storage.MetadataStore;
import io.eddy.core.storage.ObjectKeys;
import io.eddy.core.storage.SegmentStore;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The write path: one request becomes one segment object, PUT once, then committed to the metadata plane
 * in one transaction per at most 32 partitions. A lost race for a partition head re-reads the heads and
 * retries the commit only: the object carries no absolute offsets. Thread-safe.
 */
public final class ProduceService {
    /** Bytes a v2 record batch adds to its records. */
    private static final int BATCH_OVERHEAD = 61;

    private final TopicService topics;
    private final MetadataStore metadata;
    private final SegmentStore segments;
    private final ObjectKeys keys;
    private final RangeCache cache;
    private final TailSignals signals;
    private final CommitPolicy commitPolicy;
    private final Clock clock;
    private final Partitioner partitioner = new Partitioner();

    /**
     * @param cache where the chunks just written go, so a tail read right after needs no GET; null for none
     */
    public ProduceService(TopicService topics, MetadataStore metadata, SegmentStore segments, ObjectKeys keys,
                          RangeCache cache, TailSignals signals, CommitPolicy commitPolicy, Clock clock) {
        this.topics = topics;
        this.metadata = metadata;
        this.segments = segments;
        this.keys = keys;
        this.cache = cache;
        this.signals = signals;
        this.commitPolicy = commitPolicy;
        this.clock = clock;
    }

    /** Produces the records; the offsets come back in request order. */
    public Uni<List<RecordOffset>> produce(String topicName, ProduceRequest request) {
        if (request.records().isEmpty()) {
            return Uni.createFrom().failure(new EddyException(ErrorCode.NO_RECORDS, "the request holds no records"));
        }
        return topics.require(topicName).flatMap(topic -> {
            Plan plan = plan(topic, request);
            SegmentFormat.Encoded segment = SegmentFormat.encode(plan.chunks);
            Written written = new Written(keys.newSegmentKey(), segment.chunks());
            return segments.put(topic.config().primaryBucket(), written.objectKey(), segment.bytes())
                    .invoke(() -> remember(written.objectKey(), segment))
                    .flatMap(ignored -> commitAll(topic, plan, written))
                    .map(bases -> offsets(plan, bases));
        });
    }

    /** Records grouped by partition, in request order within each, and their chunks. */
    private record Plan(int[] partitionOf, long[] timestamps, Map<Integer, List<Integer>> byPartition,
                        List<SegmentChunk> chunks) {
    }

    private Plan plan(Topic topic, ProduceRequest request) {
        List<ProduceRequest.Entry> entries = request.records();
        int[] partitionOf = new int[entries.size()];
        long[] timestamps = new long[entries.size()];
        int stickyPartition = -1;
        long now = clock.millis();
        Map<Integer, List<Integer>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            ProduceRequest.Entry e = entries.get(i);
            int p;
            if (e.partition() >= 0) {
                TopicService.checkPartition(topic, e.partition());
                p = e.partition();
            } else if (e.record().key() != null) {
                p = Partitioner.forKey(e.record().key(), topic.partitions());
            } else {
                if (stickyPartition < 0) {
                    stickyPartition = partitioner.nextSticky(topic.partitions());
                }
                p = stickyPartition;
            }
            partitionOf[i] = p;
            timestamps[i] = e.record().timestamp() >= 0 ? e.record().timestamp() : now;
            byPartition.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
        }
        if (request.atomic() && byPartition.size() > CommitBatch.MAX_PARTITIONS) {
            throw new EddyException(ErrorCode.TOO_MANY_PARTITIONS, "an atomic produce spans at most "
                    + CommitBatch.MAX_PARTITIONS + " partitions; this one spans " + byPartition.size(),
                    Map.of("partitions", byPartition.size(), "max", CommitBatch.MAX_PARTITIONS));
        }
        List<SegmentChunk> chunks = new ArrayList<>(byPartition.size());
        int maxBatch = topic.config().maxMessageBytes();
        for (Map.Entry<Integer, List<Integer>> e : byPartition.entrySet()) {
            List<Record> records = new ArrayList<>(e.getValue().size());
            long maxTs = Long.MIN_VALUE;
            for (int i : e.getValue()) {
                Record r = entries.get(i).record();
                records.add(new Record(-1, timestamps[i], r.key(), r.value(), r.headers()));
                maxTs = Math.max(maxTs, timestamps[i]);
            }
            chunks.add(new SegmentChunk(topic.id(), e.getKey(), batches(records, maxBatch), records.size(), maxTs));
        }
        return new Plan(partitionOf, timestamps, byPartition, chunks);
    }

    /** The partition's records as v2 batches of at most {@code maxBatch} bytes each, offsets relative to 0. */
    private static ByteBuffer batches(List<Record> records, int maxBatch) {
        List<ByteBuffer> out = new ArrayList<>();
        int start = 0;
        while (start < records.size()) {
            int end = start;
            long size = BATCH_OVERHEAD;
            while (end < records.size() && (end == start || size + records.get(end).sizeInBytes() + 16 <= maxBatch)) {
                size += records.get(end).sizeInBytes() + 16;
                end++;
            }
            ByteBuffer batch = RecordBatches.encode(records.subList(start, end), start);
            while (batch.remaining() > maxBatch && end - start > 1) {
                end = start + (end - start) / 2;   // the size estimate was low: fewer records in this batch
                batch = RecordBatches.encode(records.subList(start, end), start);
            }
            if (batch.remaining() > maxBatch) {
                throw new EddyException(ErrorCode.RECORD_TOO_LARGE, "a record of " + batch.remaining()
                        + " bytes (as a batch) exceeds max.message.bytes " + maxBatch,
                        Map.of("max_message_bytes", maxBatch, "size", batch.remaining()));
            }
            out.add(batch);
            start = end;
        }
        if (out.size() == 1) {
            return out.get(0);
        }
        ByteBuffer all = ByteBuffer.allocate(out.stream().mapToInt(ByteBuffer::remaining).sum());
        out.forEach(all::put);
        return all.flip();
    }

    private void remember(String objectKey, SegmentFormat.Encoded segment) {
        if (cache == null) {
            return;
        }
        for (ChunkLocation c : segment.chunks()) {
            byte[] bytes = Arrays.copyOfRange(segment.bytes(), (int) c.position(), (int) c.position() + c.length());
            cache.put(new RangeCache.Key(objectKey, c.position(), c.length()), bytes);
        }
    }

    /** A segment object in storage, not yet committed, and its chunks by partition. */
    private record Written(String objectKey, Map<Integer, ChunkLocation> chunks) {
        Written(String objectKey, List<ChunkLocation> chunks) {
            this(objectKey, byPartition(chunks));
        }

        private static Map<Integer, ChunkLocation> byPartition(List<ChunkLocation> chunks) {
            Map<Integer, ChunkLocation> out = new LinkedHashMap<>();
            for (ChunkLocation c : chunks) {
                out.put(c.partition(), c);
            }
            return out;
        }
    }

    private Uni<Map<Integer, Long>> commitAll(Topic topic, Plan plan, Written written) {
        List<Integer> partitions = new ArrayList<>(plan.byPartition.keySet());
        List<List<Integer>> groups = new ArrayList<>();
        for (int i = 0; i < partitions.size(); i += CommitBatch.MAX_PARTITIONS) {
            groups.add(partitions.subList(i, Math.min(partitions.size(), i + CommitBatch.MAX_PARTITIONS)));
        }
        Uni<Map<Integer, Long>> chain = Uni.createFrom().item(new HashMap<>());
        for (List<Integer> group : groups) {
            chain = chain.flatMap(acc -> commitGroup(topic, group, written, 1).map(bases -> {
                acc.putAll(bases);
                return acc;
            }));
        }
        return chain;
    }

    private Uni<Map<Integer, Long>> commitGroup(Topic topic, List<Integer> group, Written written, int attempt) {
        return metadata.heads(topic.id(), group).flatMap(heads -> {
            List<CommitBatch.PartitionAppend> appends = new ArrayList<>(group.size());
            Map<Integer, Long> bases = new HashMap<>();
            for (int p : group) {
                PartitionHead head = heads.get(p);
                ChunkLocation c = written.chunks().get(p);
                IndexEntry entry = new IndexEntry(head.nextOffset(), head.nextOffset() + c.records() - 1, written.objectKey(),
                        c.position(), c.length(), c.maxTimestamp(), c.crc32c(), List.of(topic.config().primaryBucket()));
                appends.add(new CommitBatch.PartitionAppend(p, head.nextOffset(), head.exists(), entry));
                bases.put(p, head.nextOffset());
            }
            CommitBatch batch = new CommitBatch(topic.name().value(), topic.id(), appends);
            return metadata.commit(batch)
                    .onFailure(ProduceService::outcomeUnknown).recoverWithUni(failure -> committedAnyway(batch, failure))
                    .map(ignored -> {
                        for (int p : group) {
                            signals.committed(topic.id(), p);
                        }
                        return bases;
                    });
        }).onFailure(OffsetConflictException.class).recoverWithUni(conflict -> {
            if (attempt >= commitPolicy.maxAttempts()) {
                return Uni.createFrom().failure(new EddyException(ErrorCode.OFFSET_CONFLICT,
                        "gave up committing after " + attempt + " conflicts with other writers", conflict));
            }
            return Uni.createFrom().nullItem().onItem().delayIt().by(backoff(attempt))
                    .flatMap(ignored -> commitGroup(topic, group, written, attempt + 1));
        });
    }

    /** A failure after which the commit may or may not have happened (a timeout, a lost response, a 5xx). */
    private static boolean outcomeUnknown(Throwable t) {
        return t instanceof EddyException e && e.retryable() && !(t instanceof OffsetConflictException);
    }

    /**
     * Whether a commit whose outcome is unknown happened after all: the transaction is all-or-nothing, so the
     * index entry of its first partition, at the expected offset and pointing at our object, decides. If it
     * did, the produce succeeds (a client retry would otherwise store the records twice); if it did not, or
     * the check fails too, the original failure stands and the client may retry.
     */
    private Uni<Void> committedAnyway(CommitBatch batch, Throwable failure) {
        CommitBatch.PartitionAppend first = batch.appends().get(0);
        return metadata.entryAtOrBefore(batch.topicId(), first.partition(), first.expectedNextOffset())
                .onFailure().recoverWithItem(Optional.empty())
                .flatMap(found -> found.filter(e -> e.baseOffset() == first.expectedNextOffset()
                                && e.objectKey().equals(first.entry().objectKey())
                                && e.position() == first.entry().position()).isPresent()
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(failure));
    }

    private Duration backoff(int attempt) {
        long cap = Math.min(commitPolicy.maxBackoff().toMillis(),
                commitPolicy.initialBackoff().toMillis() << Math.min(attempt - 1, 16));
        // full jitter in [1, cap] ms: Mutiny refuses a zero delay
        return Duration.ofMillis(1 + ThreadLocalRandom.current().nextLong(Math.max(1, cap)));
    }

    private static List<RecordOffset> offsets(Plan plan, Map<Integer, Long> bases) {
        List<RecordOffset> out = new ArrayList<>(plan.partitionOf.length);
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < plan.partitionOf.length; i++) {
            int p = plan.partitionOf[i];
            int n = seen.merge(p, 1, Integer::sum) - 1;
            out.add(new RecordOffset(p, bases.get(p) + n, plan.timestamps[i]));
        }
        return out;
    }
}
