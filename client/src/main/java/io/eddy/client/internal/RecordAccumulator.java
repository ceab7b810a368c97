package io.eddy.client.internal;

import io.eddy.client.TopicPartition;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The batches waiting to be sent, per partition in the order records came: a record joins its partition's last
 * batch while that stays within {@code batch.size} (a record larger than that gets a batch of its own), and a
 * partition is ready when its first batch is full, is followed by another, has lingered for {@code linger.ms}, or
 * the producer is flushing or closing ("urgent").
 *
 * <p>Not thread-safe: the producer engine calls it under its lock.
 */
final class RecordAccumulator {
    /** What an append did: whether the batch is now full, and whether the sender has something new to look at. */
    record Appended(boolean batchFull, boolean wakeSender) {}

    private final int batchSize;
    private final long lingerNs;
    private final int maxRequestSize;
    private final Map<TopicPartition, Deque<ProducerBatch>> queued = new LinkedHashMap<>();

    RecordAccumulator(int batchSize, Duration linger, int maxRequestSize) {
        this.batchSize = batchSize;
        this.lingerNs = linger.toNanos();
        this.maxRequestSize = maxRequestSize;
    }

    Appended append(TopicPartition tp, ProducerBatch.Pending record, long nowNs) {
        Deque<ProducerBatch> deque = queued.computeIfAbsent(tp, k -> new ArrayDeque<>());
        ProducerBatch last = deque.peekLast();
        if (last == null || last.bytes() + record.size() > batchSize && !last.isEmpty()) {
            last = new ProducerBatch(tp, nowNs);
            deque.addLast(last);
        }
        last.add(record);
        boolean full = last.bytes() >= batchSize;
        // a full batch or a backlog is ready now; a new batch starts a linger deadline the sender must know of
        return new Appended(full, full || deque.size() > 1 || last.recordCount() == 1);
    }

    /** Whether a partition's first batch, with {@code queuedInPartition} batches queued in all, may go now. */
    boolean ready(ProducerBatch first, int queuedInPartition, long nowNs, boolean urgent) {
        return queuedInPartition > 1 || first.bytes() >= batchSize || urgent || nowNs - first.createdNs() >= lingerNs;
    }

    /**
     * Takes the batches to send now from every ready partition that is not {@code busy}: all of a partition's
     * ready batches in order (their frames follow on in sequence, so a backlog drains in few round trips), up to
     * {@code max.request.size} of sealed bytes (at least one batch). {@code seal} turns each batch taken into its
     * bytes, in order, and answers their size.
     *
     * @return the batches taken, grouped by partition, partitions in the order they first had a record queued
     */
    List<ProducerBatch> drain(
            long nowNs, boolean urgent, Predicate<TopicPartition> busy, ToIntFunction<ProducerBatch> seal) {
        List<ProducerBatch> out = new ArrayList<>();
        for (var it = queued.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Deque<ProducerBatch> deque = e.getValue();
            if (busy.test(e.getKey()) || !ready(deque.peekFirst(), deque.size(), nowNs, urgent)) {
                continue;
            }
            int bytes = 0;
            while (!deque.isEmpty()) {
                ProducerBatch b = deque.peekFirst();
                if (!ready(b, deque.size(), nowNs, urgent) || bytes > 0 && bytes + b.bytes() > maxRequestSize) {
                    break;
                }
                deque.pollFirst();
                bytes += seal.applyAsInt(b);
                out.add(b);
            }
            if (deque.isEmpty()) {
                it.remove();
            }
        }
        return out;
    }

    /** Nanoseconds until the first linger deadline of a partition that is not {@code busy}; MAX_VALUE if none. */
    long nanosUntilLingerEnds(long nowNs, Predicate<TopicPartition> busy) {
        long next = Long.MAX_VALUE;
        for (var e : queued.entrySet()) {
            if (!busy.test(e.getKey())) {
                next = Math.min(next, e.getValue().peekFirst().createdNs() + lingerNs - nowNs);
            }
        }
        return next;
    }

    boolean isEmpty() {
        return queued.isEmpty();
    }

    /** Removes and answers every queued batch, partition by partition. */
    List<ProducerBatch> removeAll() {
        List<ProducerBatch> all = new ArrayList<>();
        queued.values().forEach(all::addAll);
        queued.clear();
        return all;
    }
}
