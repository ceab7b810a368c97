package io.eddy.client.internal;

import io.eddy.client.EddyClientException;
import io.eddy.client.RecordMetadata;
import io.eddy.client.TopicPartition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One partition's batch of records on its way to the server: filled while open, then sealed once into the bytes
 * that every attempt sends (so a retry resends the same sequence), and completed or failed as a whole.
 *
 * <p>Not thread-safe: the producer engine touches a batch under its lock, or from the one thread that owns the
 * batch at that moment (the sender while posting it, the HTTP callback once it is answered).
 */
final class ProducerBatch {
    /** A record waiting in a batch: its entry, the buffer room it holds and the future its sender waits on. */
    record Pending(KafkaBatches.Entry entry, int size, CompletableFuture<RecordMetadata> future) {}

    private final TopicPartition tp;
    private final long createdNs;
    private final List<Pending> records = new ArrayList<>();
    private int bytes;
    private ByteBuffer built;
    private int baseSequence = -1;
    private int attempts;
    private long firstSentNs;
    private long nextAttemptNs;

    ProducerBatch(TopicPartition tp, long createdNs) {
        this.tp = tp;
        this.createdNs = createdNs;
    }

    TopicPartition partition() {
        return tp;
    }

    long createdNs() {
        return createdNs;
    }

    void add(Pending p) {
        records.add(p);
        bytes += p.size();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    int recordCount() {
        return records.size();
    }

    /** The estimated size of the records: the buffer room the batch holds. */
    int bytes() {
        return bytes;
    }

    List<KafkaBatches.Entry> entries() {
        List<KafkaBatches.Entry> entries = new ArrayList<>(records.size());
        records.forEach(p -> entries.add(p.entry()));
        return entries;
    }

    /** Fixes the bytes every attempt sends; {@code baseSequence} is −1 for a non-idempotent producer. */
    void seal(ByteBuffer built, int baseSequence) {
        this.built = built;
        this.baseSequence = baseSequence;
    }

    ByteBuffer built() {
        return built;
    }

    int baseSequence() {
        return baseSequence;
    }

    /** Counts an attempt; the first one starts the delivery timeout. */
    void attempted(long nowNs) {
        if (attempts++ == 0) {
            firstSentNs = nowNs;
        }
    }

    int attempts() {
        return attempts;
    }

    long firstSentNs() {
        return firstSentNs;
    }

    long nextAttemptNs() {
        return nextAttemptNs;
    }

    void retryAt(long nanos) {
        nextAttemptNs = nanos;
    }

    /** Completes every record: offsets follow on from {@code baseOffset}, or −1 each if it is unknown (−1). */
    void complete(long baseOffset) {
        for (int j = 0; j < records.size(); j++) {
            Pending p = records.get(j);
            p.future()
                    .complete(new RecordMetadata(
                            tp.topic(),
                            tp.partition(),
                            baseOffset < 0 ? -1 : baseOffset + j,
                            p.entry().timestamp()));
        }
    }

    void fail(EddyClientException e) {
        records.forEach(p -> p.future().completeExceptionally(e));
    }
}
