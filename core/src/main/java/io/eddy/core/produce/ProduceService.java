package io.eddy.core.produce;

import io.eddy.core.error.EddyException;
import io.eddy.core.error.ErrorCode;
import io.eddy.core.format.RecordBatches;
import io.eddy.core.format.ValidatedBatch;
import io.eddy.core.model.Record;
import io.eddy.core.model.Topic;
import io.eddy.core.topic.TopicService;
import io.smallrye.mutiny.Uni;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.RecordBatch;
import org.jboss.logging.Logger;

/**
 * The produce API of the write path: turns a JSON request's records, or a binary request's validated batches,
 * into partition runs and hands them to the {@link Appender} (one flush per request in a function; group
 * commit in the server). Thread-safe.
 */
public final class ProduceService {
    /** Bytes a v2 record batch adds to its records. */
    private static final Logger LOG = Logger.getLogger(ProduceService.class);

    private final TopicService topics;
    private final Appender appender;
    private final Clock clock;
    private final Partitioner partitioner = new Partitioner();

    public ProduceService(TopicService topics, Appender appender, Clock clock) {
        this.topics = topics;
        this.appender = appender;
        this.clock = clock;
    }

    /**
     * Produces the records; the offsets come back in request order. With acks=0 the item arrives once the request
     * is queued, with no offsets, and a full queue fails it at once ({@code throttled}).
     */
    public Uni<List<RecordOffset>> produce(String topicName, ProduceRequest request) {
        if (request.records().isEmpty()) {
            return Uni.createFrom().failure(new EddyException(ErrorCode.NO_RECORDS, "the request holds no records"));
        }
        return topics.require(topicName).flatMap(topic -> {
            Plan plan = plan(topic, request);
            return append(new AppendRequest(plan.runs, request.acks(), request.atomic()))
                    .map(bases -> bases.isEmpty() ? List.of() : offsets(plan, bases));
        });
    }

    /**
     * Produces validated binary batches, stored as sent; the offsets come back per batch, in request order.
     * A partition's batches in one request form one run: all or nothing, contiguous offsets. With acks=0 the item
     * arrives once the request is queued, with no offsets.
     */
    public Uni<List<BatchOffsets>> produceBatches(
            String topicName, List<ValidatedBatch> batches, Acks acks, boolean atomic) {
        return topics.require(topicName)
                .flatMap(topic -> enqueueBatches(topic, batches, acks, atomic))
                .flatMap(outcome -> outcome);
    }

    /**
     * Queues validated binary batches of {@code topic} and hands back their outcome still to come, as
     * {@link #produceBatches} gives it: the outer item arrives once the request has its place in the write path
     * (a later request queued after it, for the same partition, is stored after it), the inner one once it is
     * committed (acks=0: at once, with no offsets). A caller that must keep a connection's requests in order
     * queues the next one as soon as this one's outer item arrives, rather than after its commit. Refusals found
     * before queueing (no batches, a bad partition, mixed producers) fail the outer item.
     */
    public Uni<Uni<List<BatchOffsets>>> enqueueBatches(
            Topic topic, List<ValidatedBatch> batches, Acks acks, boolean atomic) {
        return Uni.createFrom().deferred(() -> {
            if (batches.isEmpty()) {
                throw new EddyException(ErrorCode.NO_RECORDS, "the request holds no batches");
            }
            Map<Integer, List<ValidatedBatch>> byPartition = new LinkedHashMap<>();
            for (ValidatedBatch b : batches) {
                TopicService.checkPartition(topic, b.partition());
                byPartition
                        .computeIfAbsent(b.partition(), k -> new ArrayList<>())
                        .add(b);
            }
            List<PartitionRun> runs = new ArrayList<>(byPartition.size());
            for (Map.Entry<Integer, List<ValidatedBatch>> e : byPartition.entrySet()) {
                runs.add(run(topic, e.getKey(), e.getValue()));
            }
            List<Integer> order = new ArrayList<>(byPartition.keySet());
            return enqueue(new AppendRequest(runs, acks, atomic))
                    .map(outcome -> outcome.map(bases -> batchOffsets(batches, order, bases)));
        });
    }

    private static List<BatchOffsets> batchOffsets(
            List<ValidatedBatch> batches, List<Integer> order, List<Long> bases) {
        if (bases.isEmpty()) {
            return List.of();
        }
        Map<Integer, Long> next = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            next.put(order.get(i), bases.get(i));
        }
        List<BatchOffsets> out = new ArrayList<>(batches.size());
        for (ValidatedBatch b : batches) {
            long base = next.get(b.partition());
            out.add(new BatchOffsets(b.partition(), base, base + b.records() - 1));
            next.put(b.partition(), base + b.records());
        }
        return out;
    }

    /** Hands the request to the appender and waits for its outcome (see {@link #enqueue}). */
    private Uni<List<Long>> append(AppendRequest request) {
        return enqueue(request).flatMap(outcome -> outcome);
    }

    /**
     * Queues the request with the appender: the outer item once queued, the inner one the base offsets once
     * committed. For acks=0 the inner item is an empty list at once (a later failure is only logged: nobody waits
     * for it).
     */
    private Uni<Uni<List<Long>>> enqueue(AppendRequest request) {
        return appender.enqueue(request).map(outcome -> {
            if (request.acks() != Acks.NONE) {
                return Uni.createFrom().completionStage(outcome);
            }
            outcome.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.warnf("an acks=0 produce failed after it was accepted: %s", failure.getMessage());
                }
            });
            return Uni.createFrom().item(List.<Long>of());
        });
    }

    /** One partition's batches as a run; an idempotent producer's batches must follow on one another. */
    private static PartitionRun run(Topic topic, int partition, List<ValidatedBatch> batches) {
        ValidatedBatch first = batches.get(0);
        int records = 0;
        long maxTs = Long.MIN_VALUE;
        int expectedSequence = first.baseSequence();
        for (ValidatedBatch b : batches) {
            if (b.producerId() != first.producerId() || b.producerEpoch() != first.producerEpoch()) {
                throw new EddyException(
                        ErrorCode.INVALID_PRODUCER,
                        "the batches of one request for partition " + partition
                                + " must come from one producer and epoch",
                        Map.of("partition", partition));
            }
            if (b.idempotent() && b.baseSequence() != expectedSequence) {
                throw new EddyException(
                        ErrorCode.OUT_OF_ORDER_SEQUENCE,
                        "partition " + partition + ": a batch starts at " + "sequence " + b.baseSequence() + " where "
                                + expectedSequence + " follows the previous batch",
                        Map.of("partition", partition, "sequence", b.baseSequence(), "expected", expectedSequence));
            }
            expectedSequence = Sequencing.advance(expectedSequence, b.records());
            records += b.records();
            maxTs = Math.max(maxTs, b.maxTimestamp());
        }
        ProducerBatch producer = first.idempotent()
                ? ProducerBatch.of(first.producerId(), first.producerEpoch(), first.baseSequence(), records)
                : null;
        return new PartitionRun(
                topic, partition, batches.stream().map(ValidatedBatch::batch).toList(), records, maxTs, producer);
    }

    /** Records grouped by partition, in request order within each, and their runs. */
    private record Plan(int[] partitionOf, long[] timestamps, List<PartitionRun> runs) {}

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
        ProducerFields producer = request.producer();
        if (producer != null) {
            List<Integer> missing = byPartition.keySet().stream()
                    .filter(p -> !producer.baseSequences().containsKey(p))
                    .sorted()
                    .toList();
            if (!missing.isEmpty()) {
                throw new EddyException(
                        ErrorCode.INVALID_PRODUCER,
                        "base_sequences names no sequence for partitions " + missing
                                + " that this request's records go to",
                        Map.of("partitions", missing));
            }
        }
        List<PartitionRun> runs = new ArrayList<>(byPartition.size());
        int maxBatch = topic.config().maxMessageBytes();
        for (Map.Entry<Integer, List<Integer>> e : byPartition.entrySet()) {
            List<Record> records = new ArrayList<>(e.getValue().size());
            long maxTs = Long.MIN_VALUE;
            for (int i : e.getValue()) {
                Record r = entries.get(i).record();
                records.add(new Record(-1, timestamps[i], r.key(), r.value(), r.headers()));
                maxTs = Math.max(maxTs, timestamps[i]);
            }
            ProducerBatch pb = producer == null
                    ? null
                    : ProducerBatch.of(
                            producer.producerId(),
                            producer.epoch(),
                            producer.baseSequences().get(e.getKey()),
                            records.size());
            runs.add(new PartitionRun(
                    topic,
                    e.getKey(),
                    batches(records, maxBatch, request.compression(), pb),
                    records.size(),
                    maxTs,
                    pb));
        }
        return new Plan(partitionOf, timestamps, runs);
    }

    /**
     * The partition's records as v2 batches of at most {@code maxBatch} bytes each (before compression),
     * offsets relative to 0, each stamped with its producer sequence when idempotent.
     */
    private static List<ByteBuffer> batches(
            List<Record> records, int maxBatch, Compression compression, ProducerBatch producer) {
        List<ByteBuffer> out = new ArrayList<>();
        int start = 0;
        while (start < records.size()) {
            int end = start;
            long size = RecordBatches.RECORDS_OFFSET;
            while (end < records.size()
                    && (end == start || size + records.get(end).sizeInBytes() + 16 <= maxBatch)) {
                size += records.get(end).sizeInBytes() + 16;
                end++;
            }
            ByteBuffer batch = encode(records, start, end, compression, producer);
            while (batch.remaining() > maxBatch && end - start > 1) {
                end = start + (end - start) / 2; // the size estimate was low: fewer records in this batch
                batch = encode(records, start, end, compression, producer);
            }
            if (batch.remaining() > maxBatch) {
                throw new EddyException(
                        ErrorCode.RECORD_TOO_LARGE,
                        "a record of " + batch.remaining() + " bytes (as a batch) exceeds max.message.bytes "
                                + maxBatch,
                        Map.of("max_message_bytes", maxBatch, "size", batch.remaining()));
            }
            out.add(batch);
            start = end;
        }
        return out;
    }

    private static ByteBuffer encode(
            List<Record> records, int start, int end, Compression compression, ProducerBatch producer) {
        if (producer == null) {
            return RecordBatches.encode(
                    records.subList(start, end),
                    start,
                    compression,
                    RecordBatch.NO_PRODUCER_ID,
                    RecordBatch.NO_PRODUCER_EPOCH,
                    RecordBatch.NO_SEQUENCE);
        }
        return RecordBatches.encode(
                records.subList(start, end),
                start,
                compression,
                producer.producerId(),
                producer.epoch(),
                Sequencing.advance(producer.firstSequence(), start));
    }

    private static List<RecordOffset> offsets(Plan plan, List<Long> bases) {
        Map<Integer, Long> base = new HashMap<>();
        for (int i = 0; i < plan.runs.size(); i++) {
            base.put(plan.runs.get(i).partition(), bases.get(i));
        }
        List<RecordOffset> out = new ArrayList<>(plan.partitionOf.length);
        Map<Integer, Integer> seen = new HashMap<>();
        for (int i = 0; i < plan.partitionOf.length; i++) {
            int p = plan.partitionOf[i];
            int n = seen.merge(p, 1, Integer::sum) - 1;
            out.add(new RecordOffset(p, base.get(p) + n, plan.timestamps[i]));
        }
        return out;
    }
}
