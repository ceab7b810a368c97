package io.eddy.client.internal;

import io.eddy.client.TopicPartition;
import java.util.HashMap;
import java.util.Map;

/**
 * An idempotent producer's identity and sequence book: its id and epoch, each partition's next sequence (assigned
 * once per batch, wrapping at 2<sup>31</sup>), and what a batch that failed for good does to them.
 *
 * <ul>
 *   <li>{@code producer_fenced}: fatal, the producer must stop ({@link Effect#FENCED});</li>
 *   <li>an unknown outcome (a retryable failure whose retries or delivery time ran out) or a broken sequence
 *       ({@code out_of_order_sequence}, {@code unknown_producer}, {@code invalid_producer}): the epoch must be
 *       bumped once nothing is in flight, which restarts every partition at 0 ({@link Effect#BUMP_EPOCH});</li>
 *   <li>any other refusal: nothing of the batch was stored, so its sequences are given out again
 *       ({@link Effect#REWOUND}).</li>
 * </ul>
 *
 * <p>Not thread-safe: the producer engine calls it under its lock.
 */
final class ProducerSequences {
    /** What a batch's final failure did to the book. */
    enum Effect {
        FENCED,
        BUMP_EPOCH,
        REWOUND,
        NONE
    }

    private static final long SEQUENCE_SPACE = 1L << 31;

    private final Map<TopicPartition, Integer> next = new HashMap<>();
    private long producerId = -1;
    private short epoch;
    private boolean bumpWanted;

    boolean registered() {
        return producerId >= 0;
    }

    void registered(long producerId, short epoch) {
        this.producerId = producerId;
        this.epoch = epoch;
    }

    long producerId() {
        return producerId;
    }

    short epoch() {
        return epoch;
    }

    /** Gives a batch of {@code count} records its base sequence and moves the partition's next one past it. */
    int assign(TopicPartition tp, int count) {
        int base = next.getOrDefault(tp, 0);
        next.put(tp, (int) ((base + (long) count) % SEQUENCE_SPACE));
        return base;
    }

    /** Whether an epoch bump is owed (new batches wait until it is done). */
    boolean bumpWanted() {
        return bumpWanted;
    }

    /** The server gave a new epoch: every partition starts again at sequence 0. */
    void bumped(short newEpoch) {
        epoch = newEpoch;
        next.clear();
        bumpWanted = false;
    }

    /** The bump failed for good; the producer is failed by its caller and owes no bump any more. */
    void bumpAbandoned() {
        bumpWanted = false;
    }

    /** Records the final failure, with {@code code} and {@code retryable}, of a batch starting at {@code baseSequence}. */
    Effect failed(TopicPartition tp, int baseSequence, String code, boolean retryable) {
        if (code.equals("producer_fenced")) {
            return Effect.FENCED;
        }
        if (retryable
                || code.equals("out_of_order_sequence")
                || code.equals("unknown_producer")
                || code.equals("invalid_producer")) {
            bumpWanted = true; // the outcome is unknown or the sequence is broken: start over
            return Effect.BUMP_EPOCH;
        }
        if (baseSequence >= 0) {
            next.put(tp, baseSequence); // refused whole: nothing of it was stored
            return Effect.REWOUND;
        }
        return Effect.NONE;
    }

    /** The next sequence of a partition (for tests and diagnostics). */
    int nextSequence(TopicPartition tp) {
        return next.getOrDefault(tp, 0);
    }
}
