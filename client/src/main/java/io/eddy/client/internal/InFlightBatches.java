package io.eddy.client.internal;

import io.eddy.client.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What keeps a partition's sequences in order: a partition has at most one request in flight, and while a request's
 * batches wait to be sent again (in sequence order) the partition stays busy. Also remembers the batches posted and
 * not answered yet, so that a forced close can fail them and their late answer is then ignored.
 *
 * <p>Not thread-safe: the producer engine calls it under its lock.
 */
final class InFlightBatches {
    private final Set<TopicPartition> busy = new HashSet<>();
    /** A partition's batches waiting to be sent again, in sequence order; they keep the partition busy. */
    private final Map<TopicPartition, List<ProducerBatch>> retrying = new HashMap<>();

    private final Set<ProducerBatch> posted = new HashSet<>();

    boolean isBusy(TopicPartition tp) {
        return busy.contains(tp);
    }

    /** Marks the partitions of batches about to be sent as busy until {@link #free} is called for them. */
    void claim(List<ProducerBatch> batches) {
        batches.forEach(b -> busy.add(b.partition()));
    }

    void free(TopicPartition tp) {
        busy.remove(tp);
    }

    /** Whether no partition is busy (retries waiting keep theirs busy). */
    boolean isEmpty() {
        return busy.isEmpty();
    }

    boolean hasRetries() {
        return !retrying.isEmpty();
    }

    /** Puts a partition's batches aside to be sent again at {@code atNs}; the partition stays busy. */
    void retryAt(TopicPartition tp, List<ProducerBatch> batches, long atNs) {
        batches.forEach(b -> b.retryAt(atNs));
        retrying.put(tp, batches);
    }

    /** Takes the batches whose retry is due, whole partitions at a time. */
    List<ProducerBatch> dueRetries(long nowNs) {
        List<ProducerBatch> out = new ArrayList<>();
        for (var it = retrying.values().iterator(); it.hasNext(); ) {
            List<ProducerBatch> again = it.next();
            if (again.get(0).nextAttemptNs() <= nowNs) {
                it.remove();
                out.addAll(again);
            }
        }
        return out;
    }

    /** Nanoseconds until the first retry is due (negative if overdue); MAX_VALUE if none waits. */
    long nanosUntilRetry(long nowNs) {
        long next = Long.MAX_VALUE;
        for (List<ProducerBatch> again : retrying.values()) {
            next = Math.min(next, again.get(0).nextAttemptNs() - nowNs);
        }
        return next;
    }

    void posted(List<ProducerBatch> batches) {
        posted.addAll(batches);
    }

    /** Takes the answer of posted batches: false if they were abandoned meanwhile and the answer is to be ignored. */
    boolean answered(List<ProducerBatch> batches) {
        if (!posted.containsAll(batches)) {
            return false;
        }
        posted.removeAll(batches);
        return true;
    }

    /** Forgets everything: answers the batches waiting for a retry, then those posted and not answered. */
    List<ProducerBatch> abandonAll() {
        List<ProducerBatch> all = new ArrayList<>();
        retrying.values().forEach(all::addAll);
        all.addAll(posted);
        retrying.clear();
        posted.clear();
        busy.clear();
        return all;
    }
}
